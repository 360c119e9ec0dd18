"""Timelines: one call minute by minute, and a whole case day by day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.domain.holds import describe_correction
from tui.domain.model import Call, Case, Claim, Gap, Revisable
from tui.domain.timefmt import format_duration, format_local_time, parse_iso


@dataclass
class Event:
    """One line of a timeline."""

    at: str
    """UTC ISO time, or a ``YYYY-MM-DD`` date for case records."""
    kind: str
    text: str
    elapsed: float | None = None
    call_id: str = ""


def gap_text(gap: Gap) -> str:
    """``App closed 14:05–14:22 (17m 00s); call continued``."""
    held = "; still on hold" if gap.was_on_hold else ""
    return (f"App closed {format_local_time(gap.start)}–{format_local_time(gap.end)} "
            f"({format_duration(gap.seconds())}, not recorded); call continued{held}")


CORRECTED_MARK = " ✎ corrected"
"""Appended to a corrected item in a timeline (its history shows what it was)."""


def corrected_mark(item: Revisable) -> str:
    return CORRECTED_MARK if item.corrected else ""


def not_recorded_text(call: Call) -> str:
    """``not recorded for 17m 00s (the app was closed)``, or ``""`` without gaps."""
    if not call.gaps:
        return ""
    times = f", {len(call.gaps)} times" if len(call.gaps) > 1 else ""
    return f"not recorded for {format_duration(call.gap_seconds())} (the app was closed{times})"


def call_events(call: Call, claims: Iterable[Claim] = ()) -> list[Event]:
    """Dial, holds, reps and transfers, notes, references, promises, claims made on the
    call, playbooks, times the app was closed, end.

    Ordered by call time, then wall time; a gap is stamped with the moment the call was
    continued, after everything recorded before the app went away."""
    where = f" {'from' if call.incoming else 'at'} {call.number_dialled}" if (
        call.number_dialled) else ""
    opening = f"{call.organisation} called" if call.incoming else f"Dialled {call.organisation}"
    events = [Event(call.started_at, "dial", opening + where, 0.0)]
    for key in call.fulfils:
        events.append(Event(call.started_at, "promise", f"Kept their promise ({key})", 0.0))
    if call.redial_of:
        events.append(Event(call.started_at, "dial", "Redial of a dropped call", 0.0))
    for use in call.playbooks_used:
        events.append(Event(use.at, "playbook", f"Playbook: {use.name}", use.elapsed))
    for number, rep in enumerate(call.reps, start=1):
        verb = "On the line" if number == 1 else "Transferred to"
        events.append(Event(rep.joined_at or call.started_at, "rep",
                            f"{verb}: {rep.label()}{corrected_mark(rep)}", rep.joined_elapsed))
    for gap in call.gaps:
        events.append(Event(gap.end, "gap", gap_text(gap), gap.start_elapsed))
    for segment in call.hold_segments:
        corrected = describe_correction(segment)
        mark = f" ({corrected})" if corrected else ""
        events.append(Event(segment.start, "hold", f"On hold{mark}", segment.start_elapsed))
        if segment.end is not None and segment.end_elapsed is not None:
            length = format_duration(segment.end_elapsed - segment.start_elapsed)
            events.append(Event(segment.end, "hold", f"Off hold (held {length})",
                                segment.end_elapsed))
    for note in call.notes:
        events.append(Event(note.at, "note", note.text + corrected_mark(note), note.elapsed))
    for ref in call.references:
        events.append(Event(ref.at, "reference",
                            f"Reference number: {ref.number}{corrected_mark(ref)}", ref.elapsed))
    for promise in call.promises:
        due = f" (due {promise.due})" if promise.due else ""
        done = " — done" if promise.done else ""
        events.append(Event(promise.at, "promise",
                            f"Promised: {promise.text}{due}{done}{corrected_mark(promise)}",
                            promise.elapsed))
    start = parse_iso(call.started_at)
    for claim in claims:
        if claim.call_id != call.id:
            continue
        at = claim.recorded_at or call.started_at
        elapsed = claim.recorded_elapsed
        if elapsed is None:
            elapsed = max(0.0, (parse_iso(at) - start).total_seconds())
        who = f" ({claim.who})" if claim.who else ""
        events.append(Event(at, "claim", f"Claim: {claim.question}: {claim.party}{who} says "
                            f"{claim.says}{corrected_mark(claim)}", elapsed))
    events.sort(key=lambda e: (e.elapsed if e.elapsed is not None else 0.0, parse_iso(e.at)))
    if call.ended_at:
        outcome = call.outcome or "ended"
        text = f"Call ended: {outcome}" + (f" — {call.summary}" if call.summary else "")
        events.append(Event(call.ended_at, "end", text, call.duration_seconds))
        if call.next_step:
            events.append(Event(call.ended_at, "end", f"Next step: {call.next_step}",
                                call.duration_seconds))
        if call.reference_refused:
            events.append(Event(call.ended_at, "end", "The rep refused to give a reference "
                                "number", call.duration_seconds))
    return events


def case_events(case: Case, calls: list[Call]) -> list[Event]:
    """Calls, payments, notices, claims and documents sent, oldest first."""
    events: list[Event] = []
    for call in calls:
        hold = format_duration(call.hold_seconds())
        outcome = call.outcome or ("in progress" if call.is_live else "")
        gap = not_recorded_text(call)
        events.append(Event(call.started_at, "call",
                            f"Call to {call.organisation}: {format_duration(call.duration_seconds)}"
                            f", {hold} on hold, {outcome}".rstrip(", ")
                            + (f"; {gap}" if gap else ""), call_id=call.id))
    for payment in case.payments:
        events.append(Event(payment.date, "payment",
                            f"Paid {payment.label()}{corrected_mark(payment)}"))
    for notice in case.notices:
        label = notice.name + (f" ({notice.notice_id})" if notice.notice_id else "")
        says = f": {notice.says}" if notice.says else ""
        events.append(Event(notice.date, "notice", f"Notice {label}{says}{corrected_mark(notice)}"))
    for claim in case.claims:
        who = f" ({claim.who})" if claim.who else ""
        events.append(Event(claim.date, "claim",
                            f"{claim.party}{who} says {claim.question}: {claim.says}"
                            f"{corrected_mark(claim)}"))
    for document in case.documents:
        tracking = f", tracking {document.tracking}" if document.tracking else ""
        to = f" to {document.to}" if document.to else ""
        events.append(Event(document.date, "document",
                            f"Sent {document.what}{to} by {document.how}{tracking}"
                            f"{corrected_mark(document)}"))
    return sorted(events, key=lambda e: e.at)
