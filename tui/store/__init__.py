"""Storage: TinyDB behind a small API. No Textual imports here.

The names below load with the module that defines them, when first used: the command
line's read commands import the streamed reader (``tui.store.reader``) without the
writer, the backups or TinyDB.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.store.errors import StoreCorrupt, StoreError
    from tui.store.store import Problem, SaveStatus, Store, StoreLocked

_WHERE = {"StoreCorrupt": "errors", "StoreError": "errors", "Problem": "store",
          "SaveStatus": "store", "Store": "store", "StoreLocked": "store"}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


__all__ = ["Problem", "SaveStatus", "Store", "StoreCorrupt", "StoreError", "StoreLocked"]
