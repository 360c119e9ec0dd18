"""The terminal driver: pastes stay text, and bytes that are not UTF-8 never crash.

Textual's xterm parser (8.2.8) reads a bracketed paste one character at a time, but
an ESC inside it starts an escape sequence that is never put back: a paste of text
copied from a terminal (``Ref \\x1b[31mTK-99\\x1b[0m done``) lost everything from the
first ESC, and the rest arrived as keys, *before* the pasted text. ``PasteFramer``
hides every ESC of a paste from the parser (as a noncharacter) and the pasted text is
restored to exactly what was pasted.

The parser also ends a paste at the first ``ESC [ 201 ~`` it reads. A pasted text
that itself holds that sequence (``harmless\\x1b[201~\\x11`` copied from a web page;
not every terminal filters it) therefore ends the paste early, and what follows is
read as keys: the ``\\x11`` becomes ctrl+q. A terminal delivers a paste in one
burst, while a person's next key comes tens of milliseconds later at the very
least; so keys that arrive right behind a paste, in the same burst, are turned back
into pasted text (``PasteGuard``).

Textual also decodes input strictly: one byte that is not UTF-8 (a terminal set
to Latin-1) raises in the input thread and ends the app. Here such bytes become
U+FFFD, shown, and nothing crashes.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder
from collections.abc import Iterator

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

PASTE_TAIL_SECONDS = 0.03
"""Keys arriving this soon after a paste (or after a key that was part of it) came in
the same burst from the terminal: they were pasted, not typed."""

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
ESC = "\x1b"
_ESC_MARK = "\ufdd0"
"""Stands for an ESC inside a paste while the parser reads it (a Unicode noncharacter,
meant for such internal use)."""
_QUOTE = "\ufdd1"
"""Put before a pasted ``_ESC_MARK`` or ``_QUOTE`` so that it is restored as itself."""
_ENCODE = str.maketrans({ESC: _ESC_MARK, _ESC_MARK: _QUOTE + _ESC_MARK,
                         _QUOTE: _QUOTE + _QUOTE})


def restore_pasted(text: str) -> str:
    """The pasted text as the terminal sent it (undoes ``PasteFramer``'s marks)."""
    if _ESC_MARK not in text and _QUOTE not in text:
        return text
    out: list[str] = []
    characters = iter(text)
    for character in characters:
        if character == _QUOTE:
            out.append(next(characters, ""))
        else:
            out.append(ESC if character == _ESC_MARK else character)
    return "".join(out)


class PasteFramer:
    """Marks the ESCs inside each bracketed paste, so that only the end marker is one.

    Text arrives in reads of any length: a marker split between two reads is found
    all the same (the start by remembering the last characters passed on, the end by
    holding back a possible beginning of it until the next read). Outside a paste
    nothing is held back, so the Escape key is never delayed."""

    def __init__(self) -> None:
        self.in_paste = False
        self._held = ""
        self._tail = ""

    def feed(self, data: str, final: bool = False) -> str:
        """The text to give the parser for ``data`` (the rest of a marker may be held)."""
        text = self._held + data
        self._held = ""
        out: list[str] = []
        position = 0
        while position < len(text):
            if not self.in_paste:
                position = self._pass_keys(text, position, out)
            else:
                position = self._mark_paste(text, position, out, final)
        return "".join(out)

    def forget_partial_start(self) -> None:
        """The parser read what came before as keys (the escape delay passed): a start
        marker completed by the next read is no marker to it, so none to us either."""
        self._tail = ""

    def _pass_keys(self, text: str, position: int, out: list[str]) -> int:
        """Passes keys on unchanged up to the end of the next paste's start marker."""
        tail = self._tail
        found = (tail + text[position:]).find(PASTE_START)
        if found < 0:
            out.append(text[position:])
            self._tail = (tail + text[position:])[-(len(PASTE_START) - 1):]
            return len(text)
        end = position + found - len(tail) + len(PASTE_START)
        out.append(text[position:end])
        self._tail = ""
        self.in_paste = True
        return end

    def _mark_paste(self, text: str, position: int, out: list[str], final: bool) -> int:
        """Marks the ESCs of a paste up to its end marker (or holds a part of one)."""
        while True:
            found = text.find(ESC, position)
            if found < 0:
                out.append(text[position:].translate(_ENCODE))
                return len(text)
            out.append(text[position:found].translate(_ENCODE))
            rest = text[found:found + len(PASTE_END)]
            if rest == PASTE_END:
                out.append(PASTE_END)
                self.in_paste = False
                return found + len(PASTE_END)
            if len(rest) < len(PASTE_END) and PASTE_END.startswith(rest) and not final:
                self._held = text[found:]
                return len(text)
            out.append(_ESC_MARK)
            position = found + 1


class TerminalInput:
    """Bytes read from the terminal, to the messages Textual's parser makes of them.

    Decodes leniently, marks ESCs inside pastes (and restores them in the ``Paste``
    message), and parses with Textual's own xterm parser."""

    def __init__(self, debug: bool = False) -> None:
        from textual._xterm_parser import XTermParser

        self._decode = getincrementaldecoder("utf-8")(errors="replace").decode
        self._framer = PasteFramer()
        self._parser = XTermParser(debug)

    def feed(self, data: bytes, final: bool = False) -> Iterator[Message]:
        """The messages that ``data`` completes."""
        text = self._framer.feed(self._decode(data, final=final), final=final)
        if not text:  # the parser reads an empty text as the end of input
            return
        for message in self._parser.feed(text):
            yield self._restored(message)

    def tick(self) -> Iterator[Message]:
        """Messages that are complete because time passed (a lone Escape key)."""
        timed_out = list(self._parser.tick())
        if timed_out:  # the parser gave up on a sequence: so does the framer
            self._framer.forget_partial_start()
        for message in timed_out:
            yield self._restored(message)

    def close(self) -> None:
        """Ends the parser (what remains of a sequence is dropped)."""
        try:
            for _message in self._parser.feed(""):
                pass
        except Exception:
            pass

    @staticmethod
    def _restored(message: Message) -> Message:
        if isinstance(message, events.Paste):
            text = restore_pasted(message.text)
            if text != message.text:
                return events.Paste(text)
        return message


class PasteGuard:
    """Turns keys that arrive in the same burst as a paste into pasted text."""

    def __init__(self, tail: float = PASTE_TAIL_SECONDS) -> None:
        self.tail = tail
        self._last_paste: float | None = None

    def filter(self, message: Message, now: float) -> Message | None:
        """The message to pass on (``None`` to drop it)."""
        if isinstance(message, events.Paste):
            self._last_paste = now
            return message
        if not isinstance(message, events.Key):
            return message
        if self._last_paste is not None and now - self._last_paste <= self.tail:
            self._last_paste = now
            # A key without a character (an arrow from an injected escape sequence) is
            # dropped: there is no text to keep and it must not act.
            return events.Paste(message.character) if message.character else None
        self._last_paste = None
        return message


class SafeLinuxDriver(LinuxDriver):
    """Textual's Linux driver with whole pastes, the paste guard and lenient UTF-8."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.paste_guard = PasteGuard()

    def process_message(self, message: Message) -> None:
        guarded = self.paste_guard.filter(message, time.monotonic())
        if guarded is not None:
            super().process_message(guarded)

    def run_input_thread(self) -> None:
        """Textual 8.2.8's input loop, reading through ``TerminalInput``."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        terminal = TerminalInput(self._debug)

        def process(selector_events: list[tuple[selectors.SelectorKey, int]],
                    final: bool = False) -> None:
            for index, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = index == len(selector_events) - 1
                    data = os.read(self.fileno, 1024 * 4)
                    if not data:
                        break
                    for message in terminal.feed(data, final=final and last):
                        self.process_message(message)
            for message in terminal.tick():
                self.process_message(message)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            terminal.close()
