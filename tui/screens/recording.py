"""Is this call recorded, and was consent asked? Off unless the user says so."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.domain.recording import SCRIPT, recording_warning
from tui.domain.text import visible
from tui.screens.dialog import Dialog
from tui.service import RecordingChoice
from tui.widgets.text_field import TextField
from tui.widgets.ticks import TickBox


class RecordingDialog(Dialog[RecordingChoice | None]):
    """Two ticks and the other side's state, with a consent warning."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="recording-cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="recording-save"),
    ]

    def __init__(self, home_state: str, choice: RecordingChoice) -> None:
        super().__init__()
        self.home_state = home_state
        self.choice = choice

    def compose(self) -> ComposeResult:
        with Vertical(id="recording-dialog", classes="dialog-box"):
            yield Label("Recording this call?", id="recording-title", classes="dialog-title")
            yield TickBox("I am recording this call", self.choice.recorded, id="recorded")
            yield TickBox("I asked for consent and they agreed", self.choice.consent_asked,
                           id="consent")
            yield Label("Their US state (where the rep is), if known", classes="field-label")
            yield TextField(self.choice.their_state, placeholder="e.g. MA", id="their-state",
                        compact=True, max_length=2)
            yield Static("", id="recording-warning")
            with Horizontal(id="recording-buttons", classes="dialog-buttons"):
                yield Button("Save  ctrl+s", variant="primary", id="recording-save")
                yield Button("Cancel  esc", id="recording-cancel")

    def on_mount(self) -> None:
        self._warn()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _warn(self) -> None:
        state = self.query_one("#their-state", Input).value
        warning = recording_warning(self.home_state, state)
        text = Text()
        if warning:
            text.append("⚠ " + visible(warning), style="bold yellow")
        else:
            text.append(f"Ask anyway; it costs nothing. Say: “{SCRIPT}”", style="dim")
        if not self.home_state:
            text.append("\nSet your own state on the case (e to rename) for a better check.",
                        style="dim")
        text.append("\nNot legal advice.", style="dim italic")
        self.query_one("#recording-warning", Static).update(text)

    @on(Input.Submitted)
    @on(Button.Pressed, "#recording-save")
    def action_save(self) -> None:
        self.dismiss(RecordingChoice(
            recorded=self.query_one("#recorded", Checkbox).value,
            consent_asked=self.query_one("#consent", Checkbox).value,
            their_state=self.query_one("#their-state", Input).value.strip().upper(),
        ))

    @on(Button.Pressed, "#recording-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
