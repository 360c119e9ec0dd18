"""A pick-list that takes typed letters: they find the entry, never vanish.

Textual's ``OptionList`` ignores letters. In the start-a-call dialog a user who tabbed into
the list of organisations and typed "Massachusetts" lost every letter and then dialled
whichever entry was highlighted. Here letters typed in a row find the first entry whose
words start with them; letters that match no entry are handed on (``NoMatch``) so the
dialog can put them in a text field.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from time import monotonic

from textual import events
from textual.message import Message
from textual.widgets import OptionList

TYPED_RUN_SECONDS = 1.5
"""A pause longer than this starts a new search (monotonic clock)."""


def _words_start(text: str, typed: str) -> bool:
    """Does a word of ``text`` start with ``typed`` (both case-folded)?"""
    return re.search(r"(?<!\w)" + re.escape(typed), text.casefold()) is not None


class PickList(OptionList):
    """An ``OptionList`` where typing finds an entry (type-to-find, as in file pickers)."""

    @dataclass
    class NoMatch(Message):
        """Letters typed that match no entry (all of the run so far, in order)."""

        pick_list: PickList
        typed: str

        @property
        def control(self) -> PickList:
            """The list typed in (what ``@on(..., "#id")`` matches)."""
            return self.pick_list

    def __init__(self, *args: object, not_found: Collection[str] = (),
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.not_found = frozenset(not_found)
        """Ids of entries typing never lands on (e.g. "Someone else")."""
        self.typed = ""
        """The letters typed in the current run (as typed)."""
        self._last_key = 0.0

    async def _on_key(self, event: events.Key) -> None:
        char = event.character
        if event.key == "backspace" and self.typed:
            event.stop()
            event.prevent_default()
            self.typed = self.typed[:-1]
            self._find()
            return
        now = monotonic()
        if now - self._last_key > TYPED_RUN_SECONDS:
            self.typed = ""  # a pause ends the run (a space then is a key like any other)
        if char is None or not char.isprintable() or (char == " " and not self.typed):
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        self.take(char)

    def take(self, text: str) -> None:
        """Letters typed here (or handed over from elsewhere): find the entry, or post
        ``NoMatch`` with the whole run."""
        self._last_key = monotonic()
        self.typed += text
        if not self._find():
            typed, self.typed = self.typed, ""
            self.post_message(self.NoMatch(self, typed))

    def on_blur(self) -> None:
        """Leaving the list ends the run: letters typed on coming back start a new one."""
        self.typed = ""

    def _find(self) -> bool:
        """Highlight the first entry matching the run; False when none does."""
        typed = self.typed.casefold()
        if not typed:
            return True
        for index in range(self.option_count):
            option = self.get_option_at_index(index)
            if option.disabled or option.id in self.not_found:
                continue
            prompt = option.prompt
            text = getattr(prompt, "plain", str(prompt))
            if _words_start(text, typed):
                self.highlighted = index
                return True
        return False
