"""The terminal driver: pastes stay text, and bytes that are not UTF-8 never crash.

Textual's xterm parser (8.2.8) ends a bracketed paste at the first ``ESC [ 201 ~``
it reads. A pasted text that itself holds that sequence (``harmless\\x1b[201~\\x11``
copied from a web page; not every terminal filters it) therefore ends the paste
early, and what follows is read as keys: the ``\\x11`` becomes ctrl+q. A terminal
delivers a paste in one burst, while a person's next key comes tens of
milliseconds later at the very least; so keys that arrive right behind a paste,
in the same burst, are turned back into pasted text (``PasteGuard``).

Textual also decodes input strictly: one byte that is not UTF-8 (a terminal set
to Latin-1) raises in the input thread and ends the app. Here such bytes become
U+FFFD, shown, and nothing crashes.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

PASTE_TAIL_SECONDS = 0.03
"""Keys arriving this soon after a paste (or after a key that was part of it) came in
the same burst from the terminal: they were pasted, not typed."""


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
    """Textual's Linux driver with the paste guard and lenient UTF-8 decoding."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.paste_guard = PasteGuard()

    def process_message(self, message: Message) -> None:
        guarded = self.paste_guard.filter(message, time.monotonic())
        if guarded is not None:
            super().process_message(guarded)

    def run_input_thread(self) -> None:
        """Textual 8.2.8's input loop, decoding with ``errors="replace"``."""
        from textual._xterm_parser import XTermParser

        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def process(selector_events: list[tuple[selectors.SelectorKey, int]],
                    final: bool = False) -> None:
            for index, (_key, mask) in enumerate(selector_events):
                if mask & selectors.EVENT_READ:
                    last = index == len(selector_events) - 1
                    data = decode(os.read(self.fileno, 1024 * 4), final=final and last)
                    if not data:
                        break
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:
                pass
