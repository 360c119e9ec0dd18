"""A TinyDB storage that writes atomically and never treats damage as empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from tui.store.atomic import atomic_write
from tui.store.errors import StoreCorrupt, StoreError, read_json_file

__all__ = ["AtomicJSONStorage", "StoreCorrupt", "StoreError", "read_json_file"]


class AtomicJSONStorage(Storage):
    """TinyDB storage: UTF-8 JSON, atomic replace, 0600, strict reads.

    The last state written is kept in memory, so a save does not re-read the
    file; the single-writer lock makes that safe.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._cache: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            self._cache = read_json_file(self.path)
        return self._cache

    @staticmethod
    def encode(data: dict[str, Any]) -> bytes:
        """The file format: compact UTF-8 JSON."""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def write_bytes(path: Path, encoded: bytes) -> None:
        """Replace ``path`` with already encoded document-file bytes (atomic, 0600)."""
        atomic_write(path, encoded)

    def write(self, data: dict[str, Any]) -> None:
        encoded = self.encode(data)
        try:
            atomic_write(self.path, encoded)
        except BaseException:
            self._cache = None  # disk still holds the previous state
            raise
        self._cache = data

    def close(self) -> None:
        self._cache = None
