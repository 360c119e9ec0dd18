"""The members of a big JSON object read from a file a window at a time.

An export of 50,000 calls is 210 MB of JSON; read whole and decoded, it took over
600 MB. :func:`object_members` walks the top-level object instead and hands over the
JSON text of each member's value, and of each element of a member that is an array, with
its byte offset in the file: one call at a time is in memory, however long the file.

Where a value ends is found by the standard library's JSON scanner (C) run on the
window decoded as Latin-1, where one character is one byte, so the end it finds is a
byte offset. In pretty-printed text (what ``holdtheline export`` writes) each element of
an array closes with a line at the indentation it opened at (``\n    }``): after the
first element, the next such line is taken as the end when msgspec reads exactly the
text up to it as one JSON value (a JSON value has only one end), which is several times
faster; anything else falls back to the scanner. The caller decodes each piece with its
own types (msgspec), which also settles what only it checks (UTF-8, lone surrogates…).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

import msgspec

WINDOW_BYTES = 1 << 20
"""Bytes read from the file at a time."""
MAX_VALUE_BYTES = 64 << 20
"""The largest single value (one case, one call) read: a call with a thousand 64 KB
notes fits; a file that never closes a string stops here."""
_NOT_SPACE = re.compile(rb"[^ \t\n\r]")
_INDENT = 256
"""The longest indentation looked back for."""
_NEAR = 32
"""A value read up to this close to the window's end is read again with more (a number,
``true``, an escape may go on past it)."""
_SCANNER = json.JSONDecoder()


class JsonStreamError(ValueError):
    """The file is not what was expected; ``offset``: the byte where it went wrong."""

    def __init__(self, message: str, offset: int, kind: str = "json") -> None:
        super().__init__(message)
        self.offset = offset
        self.kind = kind
        """``json`` (not valid JSON), ``empty``, ``object`` (not a JSON object), ``size`` (a
        value larger than :data:`MAX_VALUE_BYTES`) or ``depth`` (nested too deeply)."""


@dataclass(frozen=True)
class Piece:
    """One value of the top-level object, or one element of a member that is an array."""

    key: str
    kind: Literal["value", "array", "element"]
    """``value``: the member's whole value (not an array); ``array``: the member's value
    is an array, its elements follow; ``element``: one element of that array."""
    index: int
    """The element's place in its array (0 for ``value`` and ``array``)."""
    offset: int
    """Byte offset of ``text`` in the file."""
    text: bytes
    """The value's JSON text (empty for ``array``)."""


class _Window:
    """Bytes of the file from ``base`` on, and the same bytes as Latin-1 text."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.base = 0
        self.data = b""
        self.text = ""
        self.pos = 0
        self.eof = False
        self.read_total = 0

    def more(self, at_least: int = 0) -> bool:
        """Drop what is behind ``pos`` (but the line ``pos`` is on, for its indentation)
        and read more; False at the end of the file."""
        if self.eof:
            return False
        want = max(WINDOW_BYTES, at_least)
        chunk = self.handle.read(min(want, self.limit + 1 - self.read_total))
        if not chunk:
            self.eof = True
            return False
        line = self.data.rfind(b"\n", max(0, self.pos - _INDENT), self.pos)
        cut = self.pos if line < 0 else line
        if cut:
            self.base += cut
            self.data = self.data[cut:]
            self.pos -= cut
        self.read_total += len(chunk)
        if self.read_total > self.limit:
            raise JsonStreamError(f"the file is larger than {self.limit / 2**20:g} MB",
                                  self.limit, "size")
        self.data += chunk
        self.text = self.data.decode("latin-1")
        return True

    def offset(self, index: int) -> int:
        return self.base + index

    def skip_space(self) -> str:
        """Move past whitespace; the next character, or "" at the end of the file."""
        while True:
            found = _NOT_SPACE.search(self.data, self.pos)
            if found is not None:
                self.pos = found.start()
                return self.text[self.pos]
            self.pos = len(self.data)
            if not self.more():
                return ""

    def expect(self, allowed: str, what: str) -> str:
        char = self.skip_space()
        if not char or char not in allowed:
            found = "the end of the file" if not char else repr(char)
            raise JsonStreamError(f"expected {what}, found {found}", self.offset(self.pos))
        self.pos += 1
        return char

    def value_end(self, closer: bytes | None = None) -> int:
        """The index just past the JSON value that starts at ``pos`` (read in as needed);
        ``closer``: the line that probably ends it."""
        start_offset = self.offset(self.pos)
        if closer is not None:
            end = self._closed_by(closer)
            if end is not None:
                return end
        while True:
            start = self.pos
            try:
                end = _SCANNER.raw_decode(self.text, start)[1]
                if end < len(self.text) - _NEAR or self.eof:
                    return end  # (a number cut by the window's end looks whole: 1 of 1.5)
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self.text) - _NEAR
                if self.eof or not (near_end or error.msg.startswith("Unterminated string")):
                    raise JsonStreamError(error.msg[:1].lower() + error.msg[1:],
                                          self.offset(error.pos)) from None
            except RecursionError:
                raise JsonStreamError("nested too deeply", start_offset, "depth") from None
            if len(self.data) - self.pos > MAX_VALUE_BYTES:
                raise JsonStreamError(f"a value is larger than {MAX_VALUE_BYTES >> 20} MB",
                                      start_offset, "size")
            self.more(2 * (len(self.data) - self.pos))

    def _closed_by(self, closer: bytes) -> int | None:
        """The end of the value at ``pos`` if it is the next ``closer``, proven by msgspec
        reading the text up to there as one JSON value; None when it is not."""
        searched = self.pos
        while True:
            found = self.data.find(closer, searched)
            if found >= 0:
                end = found + len(closer)
                try:
                    msgspec.json.decode(memoryview(self.data)[self.pos:end], type=msgspec.Raw)
                except (msgspec.DecodeError, RecursionError):
                    return None
                return end
            if len(self.data) - self.pos > MAX_VALUE_BYTES:
                return None
            searched = max(self.pos, len(self.data) - len(closer)) - self.pos
            if not self.more(2 * (len(self.data) - self.pos)):
                return None
            searched += self.pos  # more() moved the value towards the window's start


def _closer(data: bytes, start: int, end: int) -> bytes | None:
    """``\\n`` + the indentation of the line the value at ``start`` opened on + ``}``, when
    the value is an object that closes with exactly that line; else None."""
    line = data.rfind(b"\n", max(0, start - _INDENT), start)
    indent = data[line + 1:start]
    if data[start:start + 1] != b"{" or line < 0 or indent.strip(b" \t"):
        return None
    closer = b"\n" + indent + b"}"
    return closer if data[end - len(closer):end] == closer else None


def object_members(handle: BinaryIO, limit: int) -> Iterator[Piece]:
    """The members of the JSON object in ``handle`` (read up to ``limit`` bytes), in the
    file's order; ``JsonStreamError`` where the text is not a JSON object."""
    window = _Window(handle, limit)
    if window.skip_space() != "{":
        if window.skip_space() == "":
            raise JsonStreamError("the file is empty", 0, "empty")
        raise JsonStreamError("not a JSON object", window.offset(window.pos), "object")
    window.pos += 1
    seen: set[str] = set()
    if window.skip_space() == "}":
        window.pos += 1
    else:
        while True:
            if window.skip_space() != '"':
                window.expect('"', "a member name")  # says what was found instead
            end = window.value_end()
            try:
                key = msgspec.json.decode(window.data[window.pos:end], type=str)
            except (msgspec.DecodeError, msgspec.ValidationError) as error:
                raise JsonStreamError(f"a member name is not valid ({error})",
                                      window.offset(window.pos)) from None
            if key in seen:
                raise JsonStreamError(f"the member {key!r} appears twice",
                                      window.offset(window.pos))
            seen.add(key)
            window.pos = end
            window.expect(":", "':'")
            if window.skip_space() == "[":
                yield Piece(key, "array", 0, window.offset(window.pos), b"")
                yield from _elements(window, key)
            else:
                end = window.value_end()
                start = window.pos  # the window may have moved on while reading
                yield Piece(key, "value", 0, window.offset(start), window.data[start:end])
                window.pos = end
            if window.expect(",}", "',' or '}'") == "}":
                break
    if window.skip_space():
        raise JsonStreamError("more text after the object", window.offset(window.pos))


def _elements(window: _Window, key: str) -> Iterator[Piece]:
    window.pos += 1  # the [
    if window.skip_space() == "]":
        window.pos += 1
        return
    index = 0
    closer: bytes | None = None
    while True:
        window.skip_space()
        end = window.value_end(closer)
        start = window.pos  # the window may have moved on while reading
        if closer is None:
            closer = _closer(window.data, start, end)
        yield Piece(key, "element", index, window.offset(start), window.data[start:end])
        index += 1
        window.pos = end
        if window.expect(",]", "',' or ']'") == "]":
            return
