"""Yes or no: asked before anything is removed, and before a key that ends a record."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from tui.screens.dialog import Dialog
from tui.widgets.text_field import TextField


class ConfirmDialog(Dialog[bool]):
    """``y`` confirms, ``n`` or esc cancels.

    With ``ask_reason``, a "Why (optional)" line under the question (reached with Tab;
    Enter there confirms); what was typed is in ``reason`` once answered."""

    AUTO_FOCUS = "#yes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, *, ask_reason: bool = False) -> None:
        super().__init__()
        self.question = question
        self.ask_reason = ask_reason
        self.reason = ""
        """Why, as typed (``ask_reason`` only)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -warning"):
            yield Label(self.question, markup=False)
            if self.ask_reason:
                yield Label("Why (optional; Tab to type it, Enter removes)",
                            classes="field-label", markup=False)
                yield TextField("", placeholder="entered twice, wrong call…",
                                id="confirm-reason", compact=True, select_on_focus=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes, remove  y", variant="error", id="yes")
                yield Button("No  n", id="no")

    @on(Input.Submitted, "#confirm-reason")
    def _reason_given(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        if self.ask_reason:
            self.reason = self.query_one("#confirm-reason", Input).value.strip()
        self.dismiss(yes)


class ConfirmKeyDialog(Dialog[bool]):
    """A slip guard: the key that asked confirms when pressed again, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", "Cancel", id="confirm-key-cancel"),
    ]

    def __init__(self, question: str, keys: list[str], action: str) -> None:
        super().__init__()
        self.question = question
        self.keys = keys
        self.action_label = action

    def compose(self) -> ComposeResult:
        shown = " or ".join(self.keys) or "enter"
        with Vertical(classes="dialog-box -warning"):
            yield Label(self.question, markup=False)
            yield Label(f"Press {shown} again to {self.action_label.lower()}, esc to go back.",
                        classes="dialog-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.action_label}  {shown}", variant="error", id="yes")
                yield Button("Back  esc", id="no")

    def on_key(self, event: events.Key) -> None:
        if event.key in self.keys:
            event.stop()
            self.dismiss(True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
