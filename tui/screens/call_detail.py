"""One past call, read-only: its whole timeline. The one change made here is a
correction of a hold's start or end, kept with the original."""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from tui.domain.holds import describe_correction, hold_span
from tui.domain.model import Call, Claim, HoldSegment
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.domain.timeline import call_events, not_recorded_text
from tui.screens.base import AppScreen
from tui.service import ServiceError

KIND_STYLE = {
    "dial": "bold", "end": "bold", "hold": "yellow", "rep": "cyan", "reference": "bold green",
    "promise": "bold magenta", "claim": "bold yellow", "playbook": "dim", "note": "",
    "gap": "bold",
}


class CallDetailScreen(AppScreen[Call | None]):
    """Read-only but for hold corrections; dismissed with the call as saved when one was
    made (None otherwise)."""

    CSS_PATH = "call_detail.tcss"
    HELP = """\
## A past call

Read-only. Every stamp is time into the call and wall time.

`h` fixes a hold's start or end (a forgotten or late ctrl+o): the correction is
kept with the original, the totals use it, and the timeline marks the hold as
corrected. A hold cannot start before the call, end after it, or overlap another.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail-back"),
        Binding("h", "fix_hold", "Fix hold", id="detail-fix-hold",
                tooltip="Correct a hold's start or end (the original is kept)"),
    ]

    def __init__(self, call: Call, case_title: str, claims: list[Claim] | None = None) -> None:
        super().__init__()
        self.call = call
        self.case_title = case_title
        self.claims = claims or []
        self.changed = False

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
        if call.gaps:
            head.append(f" · {not_recorded_text(call)}")
        corrected = sum(1 for segment in call.hold_segments if segment.corrected)
        if corrected:
            head.append(f"\n{corrected} of {len(call.hold_segments)} holds corrected "
                        "(the originals are kept)", style="dim")
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

    # -- hold corrections ----------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(self.call if self.changed else None)

    def action_fix_hold(self) -> None:
        """Pick a hold (if there are several), then its new start and end."""
        from textual.command import SimpleCommand

        holds = self.call.hold_segments
        if not holds:
            self.notify("This call has no hold to fix.", severity="warning")
            return
        if len(holds) == 1:
            self._edit(holds[0])
            return
        commands = [
            SimpleCommand(f"Hold {number}: {hold_span(segment)}", partial(self._edit, segment),
                          describe_correction(segment) or format_duration(
                              segment.seconds(self.call.duration_seconds)))
            for number, segment in enumerate(holds, start=1)
        ]
        self.app.search_commands(commands, placeholder="Fix which hold? Type to search…")

    def _edit(self, segment: HoldSegment) -> None:
        from tui.screens.hold_fix import hold_correction_dialog

        self.app.push_screen(hold_correction_dialog(segment),
                             partial(self._corrected, segment.id))

    def _corrected(self, hold_id: str, values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            call = self.service.calls.correct_hold(self.call.id, hold_id, values["start"],
                                                   values["end"], values["reason"])
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        segment = call.hold_by_id(hold_id)
        if segment is None or call.to_dict() == self.call.to_dict():
            self.notify("Nothing changed.", markup=False)
            return
        self.call = call
        self.changed = True
        self.refresh(recompose=True)
        self.notify(f"Hold corrected to {hold_span(segment)}; the original is kept.",
                    markup=False)
