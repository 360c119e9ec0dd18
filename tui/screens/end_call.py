"""End-of-call dialog: outcome, one-line summary, references, promises."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from tui.domain.dates import parse_due
from tui.domain.live import split_list
from tui.domain.model import OUTCOMES
from tui.domain.text import visible
from tui.screens.dialog import Dialog
from tui.service import EndCallResult, LiveSession
from tui.widgets.text_field import TextField
from tui.widgets.ticks import TickBox


class EndCallDialog(Dialog[EndCallResult | None]):
    """Ask how the call went before it is closed."""

    CSS_PATH = "end_call.tcss"
    AUTO_FOCUS = "#summary"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to call", id="end-back"),
        Binding("ctrl+s", "confirm", "End call", priority=True, id="end-confirm"),
    ]

    def __init__(self, session: LiveSession) -> None:
        super().__init__()
        self.session = session
        self._asked_outcome = False

    def compose(self) -> ComposeResult:
        call = self.session.call
        with Vertical(id="end-dialog", classes="dialog-box"):
            yield Label("End the call", id="end-title", classes="dialog-title")
            yield Label("One-line summary", classes="field-label")
            yield TextField(placeholder="What happened, in one line", id="summary", compact=True)
            yield Label("Outcome (↑↓ then Enter; none is chosen for you)", classes="field-label")
            with RadioSet(id="outcome", compact=True):
                for outcome in OUTCOMES:
                    yield RadioButton(outcome.capitalize(), name=outcome)
            known = ", ".join(visible(ref.number) for ref in call.references)
            yield Label(
                "Reference numbers" + (f" (already noted: {known})" if known else ""),
                classes="field-label",
                markup=False,
            )
            yield TextField(placeholder="e.g. 88213, TK-4471", id="references", compact=True)
            yield Label("What they promised (separate with ;)", classes="field-label")
            yield TextField(
                placeholder="e.g. will call back in 3 days; letter by 2026-12-01",
                id="promises",
                compact=True,
            )
            yield Label("Next step", classes="field-label")
            yield TextField(placeholder="e.g. call the Governor's office if no letter by Friday",
                        id="next-step", compact=True)
            yield TickBox("The rep refused to give a reference number", id="ref-refused",
                           compact=True)
            yield Static("", id="read-back")
            with Horizontal(id="end-buttons", classes="dialog-buttons"):
                yield Button("End call  ctrl+s", variant="primary", id="end-confirm",
                             compact=True)
                yield Button("Back  esc", id="end-cancel", compact=True)

    def _outcome(self) -> str | None:
        """The chosen outcome, or None (never a default the user did not pick)."""
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else None

    def on_mount(self) -> None:
        self._refresh_read_back()

    def result(self) -> EndCallResult:
        """The dialog's current answers."""
        references = split_list(self.query_one("#references", Input).value)
        has_reference = bool(references or self.session.call.references)
        return EndCallResult(
            outcome=self._outcome(),
            summary=self.query_one("#summary", Input).value,
            references=references,
            promises=self._promises(),
            next_step=self.query_one("#next-step", Input).value.strip(),
            reference_refused=None if has_reference
            else self.query_one("#ref-refused", Checkbox).value,
        )

    def _promises(self) -> list[str]:
        typed = self.query_one("#promises", Input).value
        return [p.strip() for p in typed.split(";") if p.strip()]

    @on(Input.Changed)
    def _refresh_read_back(self) -> None:
        """What to read back to the rep before hanging up, and the outcome chosen."""
        call = self.session.call
        today = self.session.today()
        refs = [r.number for r in call.references]
        refs += split_list(self.query_one("#references", Input).value)
        text = Text()
        outcome = self._outcome()
        text.append("Outcome: ", style="bold")
        text.append(f"{outcome}\n" if outcome else "not chosen yet\n",
                    style="" if outcome else "yellow")
        text.append("Read back before you hang up\n", style="bold")
        if refs:
            text.append("Reference: " + ", ".join(visible(r) for r in refs) + "\n")
        else:
            text.append("No reference number yet: ask for one. ", style="bold yellow")
            text.append("If they refuse, tick the box above.\n", style="dim")
        promised = [(p.text, p.due) for p in call.promises]
        for typed in self._promises():
            understood = parse_due(typed, today, self.session.live.home_state)
            promised.append((typed, understood.isoformat() if understood else None))
        for what, due in promised:
            text.append(f"They will: {visible(what)}")
            text.append(f" (by {due})\n" if due else " (ask: by when?)\n",
                        style="bold" if due else "yellow")
        step = self.query_one("#next-step", Input).value.strip()
        if step:
            text.append(f"Next step: {visible(step)}\n")
        text.rstrip()
        self.query_one("#read-back", Static).update(text)
        self.query_one("#ref-refused", Checkbox).display = not refs

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "next-step":
            self.action_confirm()
        else:
            self.focus_next()

    @on(RadioSet.Changed, "#outcome")
    def _outcome_chosen(self) -> None:
        self._refresh_read_back()
        self.focus_next()

    @on(Button.Pressed, "#end-confirm")
    def action_confirm(self) -> None:
        """End the call; with no outcome chosen, ask once, then save it as not set."""
        if self._outcome() is None and not self._asked_outcome:
            self._asked_outcome = True
            self.notify("No outcome chosen: pick one (↑↓ then Enter), or press ctrl+s "
                        "again to end the call with the outcome not set.",
                        severity="warning", markup=False, timeout=8)
            self.query_one("#outcome", RadioSet).focus()
            return
        self.dismiss(self.result())

    @on(Button.Pressed, "#end-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
