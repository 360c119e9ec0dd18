"""Dialogs about the data files: a damaged file to restore, saves failing at quit."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from tui.screens.dialog import Dialog


class RestoreDialog(Dialog[bool]):
    """Damaged files were kept aside: ``r`` restores them from the newest good backup."""

    AUTO_FOCUS = "#no"
    """Enter, typed for whatever was on screen before, keeps things as they are."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "answer(True)", "Restore", id="restore-damaged"),
        Binding("escape", "answer(False)", "Not now", id="restore-later"),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -warning"):
            yield Label("Damaged data files", classes="dialog-title")
            for line in self.lines:
                yield Label(line, markup=False, classes="dialog-line")
            yield Label("r puts back the newest good copy of each from your backups "
                        "(nothing else changes; the damaged ones stay in damaged/); esc "
                        "carries on without them.",
                        classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Restore  r", variant="warning", id="yes")
                yield Button("Not now  esc", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class SaveFailedDialog(Dialog[str]):
    """Quitting while saves fail: save elsewhere (``s``), keep trying (``r``), or quit
    knowing what is not saved (``q``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('elsewhere')", "Save elsewhere", id="save-elsewhere"),
        Binding("r", "answer('retry')", "Keep trying", id="save-retry"),
        Binding("q", "answer('quit')", "Quit anyway", id="save-quit"),
        Binding("escape", "answer('stay')", "Stay", id="save-stay"),
    ]

    def __init__(self, error: str, unsaved: list[str], elsewhere: str) -> None:
        super().__init__()
        self.error = error
        self.unsaved = unsaved
        self.elsewhere = elsewhere

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -warning"):
            yield Label("Your changes cannot be saved", classes="dialog-title")
            yield Label(f"Saving fails: {self.error}", markup=False)
            shown = self.unsaved[:8] + ([f"… and {len(self.unsaved) - 8} more"]
                                        if len(self.unsaved) > 8 else [])
            yield Label("Not saved yet:\n" + "\n".join(f"  • {line}" for line in shown),
                        markup=False)
            yield Label(f"s: save them to {self.elsewhere}; r: keep trying (free some "
                        "space first); q: quit anyway and lose them; esc: go back.",
                        classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save elsewhere  s", variant="primary", id="elsewhere")
                yield Button("Keep trying  r", id="retry")
                yield Button("Quit anyway  q", variant="error", id="quit")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice)
