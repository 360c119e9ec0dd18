"""A TinyDB storage that writes atomically and never treats damage as empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from tui.store.atomic import atomic_write


class StoreError(Exception):
    """A store problem with a message meant for the user."""


class StoreCorrupt(StoreError):
    """A data file exists but cannot be read; it is left untouched."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
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
