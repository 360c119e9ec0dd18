"""One past call, read-only: its whole timeline."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.domain.model import Call, Claim
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.domain.timeline import call_events

KIND_STYLE = {
    "dial": "bold", "end": "bold", "hold": "yellow", "rep": "cyan", "reference": "bold green",
    "promise": "bold magenta", "claim": "bold yellow", "playbook": "dim", "note": "",
}


class CallDetailScreen(Screen[None]):
    """Read-only: nothing here can change the call."""

    CSS_PATH = "call_detail.tcss"
    HELP = "## A past call\n\nRead-only. Every stamp is time into the call and wall time."
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail-back"),
    ]

    def __init__(self, call: Call, case_title: str, claims: list[Claim] | None = None) -> None:
        super().__init__()
        self.call = call
        self.case_title = case_title
        self.claims = claims or []

    def compose(self) -> ComposeResult:
        call = self.call
        yield Header()
        head = Text()
        head.append(visible(call.organisation), style="bold")
        head.append(f"  {format_local(call.started_at, 'dddd YYYY-MM-DD HH:mm')}")
        head.append(f"   Case: {visible(self.case_title)}", style="dim")
        head.append(f"\nLength {format_duration(call.duration_seconds)} · "
                    f"on hold {format_duration(call.hold_seconds())} · "
                    f"talking {format_duration(call.talk_seconds())} · "
                    f"outcome: {visible(call.outcome or 'in progress')}")
        if call.summary:
            head.append(f"\nSummary: {visible(call.summary)}")
        refs = ", ".join(visible(r.number) for r in call.references)
        if refs:
            head.append(f"\nReference numbers: {refs}", style="bold")
        elif call.reference_refused:
            head.append("\nThe rep refused to give a reference number", style="bold yellow")
        if call.recorded:
            consent = "consent asked" if call.consent_asked else "consent NOT recorded"
            head.append(f"\nRecorded ({consent})", style="dim")
        yield Static(head, id="detail-head")
        lines = Text()
        for event in call_events(call, self.claims):
            stamp = format_elapsed(event.elapsed or 0.0)
            lines.append(f"{stamp} ", style="bold")
            lines.append(f"{format_local(event.at, 'HH:mm:ss')}  ", style="dim")
            lines.append(visible(event.text), style=KIND_STYLE.get(event.kind, ""))
            lines.append("\n")
        lines.rstrip()
        with VerticalScroll(id="detail-timeline"):
            yield Static(lines)
        yield Footer()
