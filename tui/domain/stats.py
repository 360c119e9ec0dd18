"""Totals for a case or an organisation: calls, hold, reps, promises."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tui.domain.followups import FollowUp
from tui.domain.model import Call

BARS = "▁▂▃▄▅▆▇█"


@dataclass
class Stats:
    calls: int = 0
    hold_seconds: float = 0.0
    longest_hold: float = 0.0
    talk_seconds: float = 0.0
    distinct_reps: int = 0
    refused_id: int = 0
    promises_made: int = 0
    kept: int = 0
    broken: int = 0
    pending: int = 0
    hold_per_call: list[float] = field(default_factory=list)


def _rep_key(call: Call, index: int) -> str:
    rep = call.reps[index]
    name = " ".join(rep.first_name.casefold().split())
    return f"{call.organisation.casefold()}|{name}|{rep.rep_id.strip().casefold()}"


def compute(calls: Iterable[Call], today: date) -> Stats:
    """Totals over ``calls`` (oldest first gives the hold picture in order)."""
    stats = Stats()
    reps: set[str] = set()
    refused: set[str] = set()
    for call in sorted(calls, key=lambda c: c.started_at):
        stats.calls += 1
        hold = call.hold_seconds()
        stats.hold_seconds += hold
        stats.hold_per_call.append(hold)
        stats.talk_seconds += call.talk_seconds()
        for segment in call.hold_segments:
            stats.longest_hold = max(stats.longest_hold, segment.seconds(call.duration_seconds))
        for index, rep in enumerate(call.reps):
            if not rep.first_name.strip() and not rep.rep_id.strip():
                continue
            key = _rep_key(call, index)
            reps.add(key)
            if rep.id_refused:
                refused.add(key)
        for number, promise in enumerate(call.promises):
            stats.promises_made += 1
            if promise.done:
                stats.kept += 1
            elif promise.due:
                item = FollowUp(call.id, number, call.case_id, call.organisation, promise.text,
                                date.fromisoformat(promise.due), False)
                if item.status(today) == "broken":
                    stats.broken += 1
                else:
                    stats.pending += 1
            else:
                stats.pending += 1
    stats.distinct_reps = len(reps)
    stats.refused_id = len(refused)
    return stats


def by_organisation(calls: Iterable[Call], today: date) -> dict[str, Stats]:
    """Stats for each organisation called, most calls first."""
    groups: dict[str, list[Call]] = {}
    for call in calls:
        groups.setdefault(call.organisation, []).append(call)
    computed = {org: compute(group, today) for org, group in groups.items()}
    return dict(sorted(computed.items(), key=lambda item: (-item[1].calls, item[0])))


def sparkline(values: list[float], width: int = 40) -> str:
    """A text picture of ``values`` (the last ``width`` of them)."""
    shown = values[-width:]
    if not shown:
        return ""
    top = max(shown) or 1.0
    return "".join(BARS[min(len(BARS) - 1, int(value / top * (len(BARS) - 1)))]
                   for value in shown)
