"""Corrections with history: the history of one item, and a list to pick an item from.

Both are plain dialogs; the service makes every change and keeps the original."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.text import visible
from tui.screens.dialog import Dialog


class HistoryDialog(Dialog[None]):
    """An item's history: as first recorded, then each correction with its date and why.

    Scrolls with the keyboard; ``v`` or esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "close", "Close", id="history-close",
                tooltip="Close the history"),
    ]

    def __init__(self, title: str, lines: list[tuple[str, str]], note: str = "",
                 subtitle: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.subtitle = subtitle
        """The item as it is now (plain text)."""
        self.lines = lines
        """(heading, detail) plain text, oldest first."""
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="item-history"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            if self.subtitle:
                yield Label(visible(self.subtitle), classes="dialog-note", markup=False)
            yield Static(self._text(), id="item-history-lines")
            yield Label(self.note or "The original is kept with every correction. "
                        "v or esc closes.", classes="dialog-note", markup=False)

    def _text(self) -> Text:
        text = Text()
        for number, (heading, detail) in enumerate(self.lines):
            text.append("\n" if number else "")
            text.append(f"\n{visible(heading)}", style="bold")
            text.append(f"\n  {visible(detail)}")
        return text

    def on_mount(self) -> None:
        self.query_one("#item-history").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class PickDialog(Dialog[str | None]):
    """Choose one item from a list (↑ ↓, Enter); returns its key, esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick-cancel"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        """(key, label) in the order shown; labels are plain text."""
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="pick-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*[Option(Text(visible(label), no_wrap=True, overflow="ellipsis"),
                                      id=key) for key, label in self.options],
                             id="pick-list", compact=True)
            yield Label(self.note or "↑ ↓ choose · Enter picks · esc cancels",
                        classes="dialog-note", markup=False)

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.highlighted = 0 if self.options else None
        options.focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
