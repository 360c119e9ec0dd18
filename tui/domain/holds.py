"""Correcting holds: "on hold since N minutes ago" during a call, a hold's start or end
afterwards. Each correction is a ``Revision`` on the segment (the original is kept);
totals use the corrected values. A hold never starts before the call, never ends after
it, never overlaps another hold, and never starts or ends while the app was closed."""

from __future__ import annotations

import re
from datetime import datetime

from tui.domain.corrections import revise
from tui.domain.model import Call, HoldSegment, Revision
from tui.domain.timefmt import format_duration, format_local_time, parse_iso, to_iso

MAX_MINUTES_AGO = 24 * 60
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*$")
_TOLERANCE = 1.0
"""Seconds a typed end may pass the call's end (stored times keep whole seconds)."""


class HoldProblem(ValueError):
    """A correction that cannot be made, with a one-line message for the user."""


def hold_span(segment: HoldSegment, values: dict[str, object] | None = None) -> str:
    """``14:02–14:30`` (``14:02–…`` while still on hold), in local time."""
    found = {"start": segment.start, "end": segment.end, **(values or {})}
    start = format_local_time(str(found["start"]))
    end = found["end"]
    return f"{start}–{format_local_time(str(end)) if end else '…'}"


def describe_correction(segment: HoldSegment) -> str:
    """``corrected at 14:20; was 14:02–14:30`` for a corrected hold, else ``""``."""
    if not segment.revisions:
        return ""
    last = segment.revisions[-1]
    times = f" {len(segment.revisions)} times" if len(segment.revisions) > 1 else ""
    was = hold_span(segment, segment.original_values())
    return f"corrected{times} at {format_local_time(last.at)}; was {was}"


def parse_minutes_ago(text: str) -> float:
    """``"12"`` → 720.0 seconds; ``HoldProblem`` for anything but whole minutes."""
    value = text.strip().removesuffix("min").removesuffix("m").strip()
    if not value.isdigit():
        raise HoldProblem(f"Give the minutes as a whole number, e.g. 12 (not '{text.strip()}').")
    minutes = int(value)
    if not 1 <= minutes <= MAX_MINUTES_AGO:
        raise HoldProblem(f"Give between 1 and {MAX_MINUTES_AGO} minutes.")
    return minutes * 60.0


def check_hold(call: Call, segment: HoldSegment, start: float, end: float | None,
               call_end: float) -> None:
    """``HoldProblem`` unless ``segment`` may run from ``start`` to ``end`` (call time)."""
    if start < 0:
        began = format_local_time(call.started_at)
        raise HoldProblem(f"A hold cannot start before the call (it began at {began}).")
    if start > call_end:
        ended = format_local_time(to_iso(call.wall_at(call_end)))
        raise HoldProblem(f"A hold cannot start after the call (it ended at {ended}).")
    if end is not None and end > call_end + _TOLERANCE:
        ended = format_local_time(to_iso(call.wall_at(call_end)))
        raise HoldProblem(f"A hold cannot end after the call (it ended at {ended}).")
    if end is not None and end <= start:
        raise HoldProblem("A hold must end after it starts.")
    for other in call.hold_segments:
        if other.id == segment.id:
            continue
        other_end = other.end_elapsed if other.end_elapsed is not None else call_end
        if start < other_end and other.start_elapsed < (end if end is not None else call_end):
            raise HoldProblem(f"That would overlap the hold {hold_span(other)}.")


def _move(call: Call, segment: HoldSegment, start: float, end: float | None, at: str,
          reason: str) -> Revision | None:
    changes: dict[str, str | float | None] = {
        "start": to_iso(call.wall_at(start)), "start_elapsed": round(start, 3),
    }
    if end is not None:
        changes.update(end=to_iso(call.wall_at(end)), end_elapsed=round(end, 3))
    return revise(segment, changes, at, reason)


def on_hold_since(call: Call, now_elapsed: float, now: datetime, seconds_ago: float
                  ) -> HoldSegment:
    """During a call: "on hold since ``seconds_ago`` ago".

    Already on hold: the open hold's start moves there. Not on hold: a hold starts now
    (as ctrl+o would) and its start is at once corrected back. Either way the revision
    keeps the start as it was pressed.
    """
    at = to_iso(now)
    start = now_elapsed - seconds_ago
    minutes = f"{round(seconds_ago / 60)} min"
    if call.on_hold:
        segment = call.hold_segments[-1]
        check_hold(call, segment, start, None, now_elapsed)
    else:
        segment = HoldSegment(start=at, start_elapsed=round(now_elapsed, 3), id=call.next_hold_id())
        check_hold(call, segment, start, None, now_elapsed)
        call.hold_segments.append(segment)
    _move(call, segment, start, None, at, f"on hold since {minutes} ago")
    return segment


def parse_clock(text: str, call: Call) -> datetime:
    """A local time of day typed for this call (``14:02`` or ``14:02:30``) as UTC.

    The day is the call's (or the next one, for a call that ran past midnight);
    ``HoldProblem`` when it is not a time.
    """
    found = _CLOCK.match(text)
    if not found:
        raise HoldProblem(f"Give a time like 14:02 or 14:02:30 (not '{text.strip()}').")
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise HoldProblem(f"'{text.strip()}' is not a time of day.")
    import arrow  # only here (the exports read this module too)

    start = arrow.get(parse_iso(call.started_at)).to("local")
    end = arrow.get(call.wall_at(call.duration_seconds)).to("local")
    day = start.floor("day")
    while True:
        moment = day.replace(hour=hour, minute=minute, second=second)
        if moment >= start.floor("minute") or day >= end.floor("day"):
            return moment.datetime
        day = day.shift(days=1)


def _elapsed(call: Call, moment: datetime, what: str) -> float:
    elapsed = call.elapsed_at(moment)
    if elapsed is None and moment >= parse_iso(call.started_at):
        gap = next(g for g in call.gaps if parse_iso(g.start) <= moment < parse_iso(g.end))
        closed = f"{format_local_time(gap.start)}–{format_local_time(gap.end)}"
        raise HoldProblem(f"The app was closed {closed}: a hold cannot {what} then.")
    if elapsed is None:
        began = format_local_time(call.started_at)
        raise HoldProblem(f"A hold cannot {what} before the call (it began at {began}).")
    return elapsed


def correct_hold(call: Call, hold_id: str, start: datetime | None, end: datetime | None,
                 now: datetime, reason: str = "") -> Revision | None:
    """After the call: move a hold's start and/or end (None: leave it as it is).

    None when nothing changes. ``HoldProblem`` when the hold would start before the
    call, end after it, overlap another hold or start or end while the app was closed.
    """
    if call.is_live:
        raise HoldProblem("Finish the call first (during a call, use 'on hold since').")
    segment = call.hold_by_id(hold_id)
    if segment is None:
        raise HoldProblem(f"This call has no hold {hold_id}.")
    new_start = segment.start_elapsed if start is None else _elapsed(call, start, "start")
    old_end = segment.end_elapsed if segment.end_elapsed is not None else call.duration_seconds
    new_end = old_end if end is None else _elapsed(call, end, "end")
    if call.duration_seconds < new_end <= call.duration_seconds + _TOLERANCE:
        new_end = call.duration_seconds
    check_hold(call, segment, new_start, new_end, call.duration_seconds)
    changes: dict[str, str | float | None] = {}
    if start is not None:
        changes.update(start=to_iso(start), start_elapsed=round(new_start, 3))
    if end is not None:
        changes.update(end=to_iso(end), end_elapsed=round(new_end, 3))
    held = format_duration(new_end - new_start)
    return revise(segment, changes, to_iso(now), reason.strip() or f"corrected to {held}")
