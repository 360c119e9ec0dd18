"""Storage: TinyDB behind a small API. No Textual imports here."""

from tui.store.storage import StoreCorrupt, StoreError
from tui.store.store import Problem, SaveStatus, Store, StoreLocked

__all__ = ["Problem", "SaveStatus", "Store", "StoreCorrupt", "StoreError", "StoreLocked"]
