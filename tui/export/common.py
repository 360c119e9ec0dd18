"""What every export format says the same way: promise status, reps, totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tui.domain.claims import ClaimGroup, claim_groups
from tui.domain.deadlines import local_date, parse_date
from tui.domain.model import Call, Case, Promise
from tui.domain.stats import Stats, compute
from tui.domain.timefmt import parse_iso

STATUS_WORDS = {
    "kept": "kept",
    "kept late": "kept late, still counted as broken",
    "broken": "broken",
    "today": "due today",
    "upcoming": "pending",
    "undated": "pending, no date given",
}


@dataclass
class CaseFacts:
    """What a case adds up to, counted on the real records before any masking, so a
    masked export says exactly the same numbers and groups claims the same way."""

    stats: Stats
    claim_groups: list[ClaimGroup]


def case_facts(cases: list[Case], calls: list[Call], today: date) -> dict[str, CaseFacts]:
    """Case id → its totals and claim groups."""
    grouped = calls_by_case(calls)
    return {case.id: CaseFacts(compute(grouped.get(case.id, []), today, case),
                               claim_groups(case))
            for case in cases}


def export_today(exported_at: str, today: date | None = None) -> date:
    """The date promises and deadlines are judged on: ``today`` or the export's local date."""
    return today if today is not None else local_date(parse_iso(exported_at))


def promise_text(promise: Promise, status: str) -> str:
    """``will call back in 3 days (due 2026-11-27, broken)`` — plain text."""
    due = f"due {promise.due}, " if promise.due and status != "undated" else ""
    return f"{promise.text} ({due}{STATUS_WORDS[status]})"


def reps_short(call: Call) -> str:
    """Every rep noted on the call, ``; ``-separated, in the order spoken to."""
    return "; ".join(label for label in (rep.short_label() for rep in call.reps) if label)


def call_days(call: Call) -> date | None:
    try:
        return local_date(parse_iso(call.started_at))
    except ValueError:
        return None


def case_started(case: Case, calls: Iterable[Call]) -> date | None:
    """The earliest date on record: the case's creation, a notice, or a call."""
    found: list[date] = []
    try:
        found.append(local_date(parse_iso(case.created_at)))
    except ValueError:
        pass
    found += [d for d in (parse_date(n.date) for n in case.notices) if d is not None]
    found += [d for d in (call_days(call) for call in calls) if d is not None]
    return min(found) if found else None




def calls_by_case(calls: Iterable[Call]) -> dict[str, list[Call]]:
    """Calls grouped by case, oldest first in each."""
    grouped: dict[str, list[Call]] = {}
    for call in sorted(calls, key=lambda c: c.started_at):
        grouped.setdefault(call.case_id, []).append(call)
    return grouped
