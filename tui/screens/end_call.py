"""End-of-call dialog: outcome, one-line summary, references, promises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from tui.domain.dates import parse_due
from tui.domain.live import LiveCall, split_list
from tui.domain.model import OUTCOMES
from tui.domain.text import visible


@dataclass
class EndCallResult:
    """What the user chose when hanging up."""

    outcome: str
    summary: str
    references: list[str] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)


class EndCallDialog(ModalScreen[EndCallResult | None]):
    """Ask how the call went before it is closed."""

    CSS_PATH = "end_call.tcss"
    AUTO_FOCUS = "#outcome"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to call", id="end-back"),
        Binding("ctrl+s", "confirm", "End call", priority=True, id="end-confirm"),
    ]

    def __init__(self, live: LiveCall) -> None:
        super().__init__()
        self.live = live

    def compose(self) -> ComposeResult:
        call = self.live.call
        with Vertical(id="end-dialog"):
            yield Label("End the call", id="end-title")
            yield Label("Outcome", classes="field-label")
            with RadioSet(id="outcome", compact=True):
                for index, outcome in enumerate(OUTCOMES):
                    yield RadioButton(outcome.capitalize(), value=index == 0, name=outcome)
            yield Label("One-line summary", classes="field-label")
            yield Input(placeholder="What happened, in one line", id="summary", compact=True)
            known = ", ".join(visible(ref.number) for ref in call.references)
            yield Label(
                "Reference numbers" + (f" (already noted: {known})" if known else ""),
                classes="field-label",
                markup=False,
            )
            yield Input(placeholder="e.g. 88213, TK-4471", id="references", compact=True)
            yield Label("Promises (separate with ;)", classes="field-label")
            yield Input(
                placeholder="e.g. will call back in 3 days; letter by 2026-12-01",
                id="promises",
                compact=True,
            )
            yield Static("", id="promise-preview")
            with Horizontal(id="end-buttons"):
                yield Button("End call  ctrl+s", variant="primary", id="end-confirm")
                yield Button("Back  esc", id="end-cancel")

    def _outcome(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else OUTCOMES[0]

    def result(self) -> EndCallResult:
        """The dialog's current answers."""
        return EndCallResult(
            outcome=self._outcome(),
            summary=self.query_one("#summary", Input).value,
            references=split_list(self.query_one("#references", Input).value),
            promises=[
                p.strip() for p in self.query_one("#promises", Input).value.split(";") if p.strip()
            ],
        )

    @on(Input.Changed, "#promises")
    def _preview(self, event: Input.Changed) -> None:
        today = self.live.local_today().date()
        preview = Text()
        for text in (p.strip() for p in event.value.split(";")):
            if not text:
                continue
            due = parse_due(text, today)
            preview.append("→ ", style="dim")
            preview.append(visible(text))
            if due:
                preview.append(f"  follow-up due {due.isoformat()}", style="bold")
            else:
                preview.append("  (no date understood)", style="dim")
            preview.append("\n")
        self.query_one("#promise-preview", Static).update(preview)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "promises":
            self.action_confirm()
        else:
            self.focus_next()

    @on(Button.Pressed, "#end-confirm")
    def action_confirm(self) -> None:
        self.dismiss(self.result())

    @on(Button.Pressed, "#end-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
