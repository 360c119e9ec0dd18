"""One-line text fields that never lose what was typed or pasted.

Textual's ``Input`` keeps only the first line of a paste, silently. Here a paste
with line breaks keeps every line (joined with spaces, and the user is told), a
paste too large to be a field's text is refused with a message, and the note
line turns a multi-line paste into one note with its line breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input

from tui.domain.text import (
    control_pictures,
    has_lone_surrogate,
    plural,
    without_surrogates,
)

MAX_PASTE = 64 * 1024
"""Longest paste a field takes (characters): a page of an email, not a whole file."""


SURROGATES_REPLACED = "Characters that cannot be saved as text were replaced with \ufffd."


def cleaned_paste(widget: Input, event: events.Paste) -> str:
    """The pasted text, with lone surrogates (bytes that were not UTF-8) replaced by
    U+FFFD, and the user told: they could never be written to disk."""
    if not has_lone_surrogate(event.text):
        return event.text
    widget.notify(SURROGATES_REPLACED, severity="warning", markup=False)
    return without_surrogates(event.text)


def pasted_text(text: str) -> str:
    """A paste with its line breaks as ``\\n``: terminals send ``\\r`` (and Windows
    copies ``\\r\\n``) for each line break of a paste."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paste_problem(text: str) -> str | None:
    """Why a paste is refused, or None."""
    if len(text) > MAX_PASTE:
        return (f"That paste is too long ({len(text):,} characters); paste at most "
                f"{MAX_PASTE // 1024} KB at a time.")
    return None


class ControlPictures(Highlighter):
    """Shows control and bidi characters in a field as visible ones (ESC as ␛).

    Textual's ``Input`` draws its value as it is: an ESC typed or pasted would go to
    the terminal as part of an escape sequence. The value itself is untouched; only
    what is drawn changes, one character for one, so the cursor stays in place.
    """

    def highlight(self, text: Text) -> None:
        shown = control_pictures(text.plain)
        if shown != text.plain:
            text.plain = shown


class TextField(Input):
    """An ``Input`` whose pastes keep every line, as spaces, and whose value is
    drawn with control characters made visible."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("select_on_focus", False)
        kwargs.setdefault("highlighter", ControlPictures())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        """A key typed asks for no layout pass when the field's size is set by its styles:
        ``Input`` records the text's width (for scrolling) as a value that asks for one,
        and a layout pass arranges the whole screen (the live call's 57 widgets, on
        every key)."""
        if layout and self._value_changing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        problem = paste_problem(event.text)
        if problem:
            self.notify(problem, severity="error", markup=False)
            return
        text = cleaned_paste(self, event)
        lines = text.splitlines() or [text]
        if len(lines) > 1:
            self.notify(f"Pasted {plural(len(lines), 'line')}: line breaks became spaces.",
                        markup=False)
        self._insert(" ".join(lines))

    def _insert(self, text: str) -> None:
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class NoteLine(TextField):
    """The note line: Enter hands over the note and empties the line at once, so what
    is typed next starts a new note; a paste of several lines is one note."""

    BINDINGS = [Binding("enter", "enter_note", "Add note", show=False)]

    @dataclass
    class Entered(Message):
        """A note (or ``ref:`` / ``promise:`` line) was entered."""

        note_line: NoteLine
        text: str
        pasted_lines: int = 0

        @property
        def control(self) -> NoteLine:
            return self.note_line

    def action_enter_note(self) -> None:
        text = self.value
        self.value = ""
        self.post_message(self.Entered(self, text))

    def on_paste(self, event: events.Paste) -> None:
        lines = event.text.splitlines()
        if len(lines) <= 1:
            super().on_paste(event)
            return
        event.prevent_default()
        event.stop()
        problem = paste_problem(event.text)
        if problem:
            self.notify(problem, severity="error", markup=False)
            return
        text = self.value + pasted_text(cleaned_paste(self, event))
        self.value = ""
        self.post_message(self.Entered(self, text, pasted_lines=len(lines)))
