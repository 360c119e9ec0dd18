"""Storage: TinyDB behind a small API. No Textual imports here.

The names below load with the module that defines them, when first used: the command
line's read commands import the streamed reader (``tui.store.reader``) without the
writer, the backups or TinyDB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy import lazy_exports

if TYPE_CHECKING:
    from tui.store.errors import StoreCorrupt, StoreError
    from tui.store.store import Problem, SaveStatus, Store, StoreLocked

_WHERE = {"StoreCorrupt": "errors", "StoreError": "errors", "Problem": "store",
          "SaveStatus": "store", "Store": "store", "StoreLocked": "store"}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = ["Problem", "SaveStatus", "Store", "StoreCorrupt", "StoreError", "StoreLocked"]
