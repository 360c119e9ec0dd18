"""Text set aside while an export is made, read back later: in memory while it is small,
then in a temporary file, so a long history never sits in memory.

The temporary files have no name on Linux (``O_TMPFILE``), are readable by the user
only (0600) and are gone when closed or when the process ends, however it ends. Where
no temporary file can be made, the text stays in memory (the export still works).
"""

from __future__ import annotations

import heapq
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

MEMORY_LIMIT = 128 * 1024
"""Characters kept in memory before a spool moves to a temporary file."""
READ_SIZE = 64 * 1024
"""Characters read back at a time."""
MERGE_READ_SIZE = 16 * 1024
"""Bytes read at a time from each sorted run being merged."""


def _temporary(binary: bool) -> IO[Any] | None:
    try:
        if binary:
            return tempfile.TemporaryFile()
        # newline="": every character read back as written (CSV's \r\n, a lone \r).
        return tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
    except OSError:
        return None


class Spool:
    """Text written in pieces and read back once, in order; then empty again."""

    def __init__(self, limit: int = MEMORY_LIMIT) -> None:
        self._limit = limit
        self._pieces: list[str] = []
        self._size = 0
        self._file: IO[Any] | None = None

    def write(self, text: str) -> None:
        if self._file is not None:
            self._file.write(text)
            return
        self._pieces.append(text)
        self._size += len(text)
        if self._size > self._limit:
            self._file = _temporary(binary=False)
            if self._file is None:
                self._limit = 1 << 62  # no temporary file: keep it in memory
                return
            self._file.write("".join(self._pieces))
            self._pieces, self._size = [], 0

    def chunks(self) -> Iterator[str]:
        """Everything written, in pieces of at most ``READ_SIZE`` characters (what was
        kept in memory: as written); the spool is empty afterwards."""
        if self._file is None:
            pieces, self._pieces, self._size = self._pieces, [], 0
            yield from pieces
            return
        handle = self._file
        handle.flush()
        handle.seek(0)
        while True:
            piece = handle.read(READ_SIZE)
            if not piece:
                break
            yield piece
        handle.seek(0)
        handle.truncate()

    def lines(self) -> Iterator[str]:
        """What was written, a line at a time (without the ``\\n``); empty afterwards."""
        rest = ""
        for piece in self.chunks():
            rest += piece
            *whole, rest = rest.split("\n")
            yield from whole
        if rest:
            yield rest

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._pieces, self._size = [], 0

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SortedSpool:
    """Texts given with a sort key in any order, read back by key (equal keys: in the
    order given). At most ``run`` of them are in memory: longer, they are sorted in runs
    written to a temporary file, and the runs merged as they are read back."""

    def __init__(self, run: int = 1000) -> None:
        self._run_size = run
        self._items: list[tuple[bytes, int, str]] = []
        self._count = 0
        self._file: IO[Any] | None = None
        self._runs: list[tuple[int, int]] = []
        """Each run written: (offset, length) in the file."""
        self._end = 0

    def add(self, key: bytes, text: str) -> None:
        self._items.append((key, self._count, text))
        self._count += 1
        if len(self._items) >= self._run_size:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            self._file = _temporary(binary=True)
            if self._file is None:
                self._run_size = 1 << 62  # no temporary file: keep them in memory
                return
        self._items.sort()
        data = bytearray()
        for key, order, text in self._items:
            encoded = text.encode("utf-8")
            data += len(key).to_bytes(4, "big") + order.to_bytes(8, "big")
            data += len(encoded).to_bytes(4, "big") + key + encoded
        self._file.seek(self._end)
        self._file.write(data)
        self._runs.append((self._end, len(data)))
        self._end += len(data)
        self._items = []

    def _read_run(self, offset: int, length: int) -> Iterator[tuple[bytes, int, str]]:
        assert self._file is not None
        self._file.flush()
        fd = self._file.fileno()
        buffer = b""
        end = offset + length
        while True:
            while len(buffer) >= 16:
                key_size = int.from_bytes(buffer[:4], "big")
                text_size = int.from_bytes(buffer[12:16], "big")
                whole = 16 + key_size + text_size
                if len(buffer) < whole:
                    break
                yield (buffer[16:16 + key_size], int.from_bytes(buffer[4:12], "big"),
                       buffer[16 + key_size:whole].decode("utf-8"))
                buffer = buffer[whole:]
            if offset >= end:
                return
            piece = os.pread(fd, min(MERGE_READ_SIZE, end - offset), offset)
            if not piece:
                raise OSError("a temporary file was cut short")
            offset += len(piece)
            buffer += piece

    def texts(self) -> Iterator[str]:
        """Every text, by key; the spool is closed afterwards."""
        try:
            self._items.sort()
            if not self._runs:
                for _key, _order, text in self._items:
                    yield text
                return
            runs = [self._read_run(offset, length) for offset, length in self._runs]
            for _key, _order, text in heapq.merge(*runs, iter(self._items)):
                yield text
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._items, self._runs = [], []
