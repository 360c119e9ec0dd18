"""The store's errors, and reading one JSON document file carefully: no TinyDB here, so
the command line's read commands can use them without loading it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class StoreError(Exception):
    """A store problem with a message meant for the user."""


class StoreCorrupt(StoreError):
    """A data file exists but cannot be read; it is left untouched."""

    def __init__(self, path: Path, reason: str, kept_at: Path | None = None) -> None:
        self.path = path
        self.reason = reason
        self.kept_at = kept_at
        """Where the app moved it (``None``: left where it was)."""
        if kept_at is not None:
            super().__init__(f"the data file {path} is damaged ({reason}); it was kept aside "
                             f"as {kept_at}, and a restore from a backup is offered.")
            return
        super().__init__(
            f"the data file {path} is damaged ({reason}); it was left untouched. "
            "Move it aside or restore a backup, then start again."
        )


def read_json_file(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when missing; StoreCorrupt when damaged."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from error
    if not raw.strip():
        raise StoreCorrupt(path, "the file is empty")
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise StoreCorrupt(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise StoreCorrupt(path, f"not valid JSON at line {error.lineno}") from None
    if not isinstance(data, dict):
        raise StoreCorrupt(path, "not a JSON object")
    for table in data.values():
        if not isinstance(table, dict):
            raise StoreCorrupt(path, "a table is not a JSON object")
    return data
