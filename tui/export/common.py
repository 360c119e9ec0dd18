"""What every export format says the same way: promise status, reps, totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tui.domain.claims import claim_groups
from tui.domain.deadlines import local_date, parse_date
from tui.domain.followups import FollowUp, followups_from_rows
from tui.domain.model import Call, Case, Promise, Rep
from tui.domain.timefmt import parse_iso

STATUS_WORDS = {
    "kept": "kept",
    "broken": "broken",
    "today": "due today",
    "upcoming": "pending",
    "undated": "pending, no date given",
}


def export_today(exported_at: str, today: date | None = None) -> date:
    """The date promises and deadlines are judged on: ``today`` or the export's local date."""
    return today if today is not None else local_date(parse_iso(exported_at))


def call_followups(call: Call) -> dict[int, FollowUp]:
    """The call's promises that have a due date, by their position in the call."""
    return {f.index: f for f in followups_from_rows([call.summary_row()])}


def promise_status(call: Call, index: int, today: date) -> str:
    """``kept``, ``broken``, ``today``, ``upcoming`` (dated) or ``undated`` (not done, no date)."""
    followup = call_followups(call).get(index)
    if followup is not None:
        return followup.status(today)
    return "kept" if call.promises[index].done else "undated"


def promise_text(promise: Promise, status: str) -> str:
    """``will call back in 3 days (due 2026-11-27, broken)`` — plain text."""
    due = f"due {promise.due}, " if promise.due and status != "undated" else ""
    return f"{promise.text} ({due}{STATUS_WORDS[status]})"


def rep_short(rep: Rep) -> str:
    """``Dana #4471`` or ``Lee (refused to give ID)``; ``""`` for a rep with nothing noted."""
    name = rep.first_name.strip()
    rep_id = rep.rep_id.strip()
    if not (name or rep_id or rep.id_refused):
        return ""
    if rep.id_refused:
        ident = " (refused to give ID)"
    elif rep_id:
        ident = f" #{rep_id}"
    else:
        ident = ""
    return f"{name or '(no name)'}{ident}"


def reps_short(call: Call) -> str:
    """Every rep noted on the call, ``; ``-separated, in the order spoken to."""
    return "; ".join(label for label in (rep_short(rep) for rep in call.reps) if label)


def _rep_key(call: Call, rep: Rep) -> tuple[str, ...] | None:
    org = call.organisation.strip().casefold()
    if rep.rep_id.strip():
        return (org, "id", rep.rep_id.strip().casefold())
    if rep.first_name.strip():
        return (org, "name", rep.first_name.strip().casefold(), str(rep.id_refused))
    return None


def call_days(call: Call) -> date | None:
    try:
        return local_date(parse_iso(call.started_at))
    except ValueError:
        return None


@dataclass
class Totals:
    """The numbers of one case (or of any set of calls)."""

    calls: int = 0
    by_organisation: Counter[str] = field(default_factory=Counter)
    hold_seconds: float = 0.0
    talk_seconds: float = 0.0
    longest_hold_seconds: float = 0.0
    distinct_reps: int = 0
    refused_id: int = 0
    """Distinct reps who refused to give an ID."""
    references: int = 0
    """Different reference numbers given."""
    refused_reference: int = 0
    """Calls where the rep refused to give a reference number."""
    promises: Counter[str] = field(default_factory=Counter)
    """Promise statuses: kept, broken, today, upcoming, undated."""
    disputed_questions: int = 0

    @property
    def promises_made(self) -> int:
        return sum(self.promises.values())


def totals(calls: Iterable[Call], today: date, case: Case | None = None) -> Totals:
    """Count calls, time, reps, references and promises; disputes from ``case``."""
    result = Totals()
    reps: set[tuple[str, ...]] = set()
    refused: set[tuple[str, ...]] = set()
    numbers: set[str] = set()
    for call in calls:
        result.calls += 1
        result.by_organisation[call.organisation.strip() or "(organisation not noted)"] += 1
        hold = call.hold_seconds()
        result.hold_seconds += hold
        result.talk_seconds += call.talk_seconds()
        result.longest_hold_seconds = max(result.longest_hold_seconds, hold)
        for rep in call.reps:
            key = _rep_key(call, rep)
            if key is not None:
                reps.add(key)
                if rep.id_refused:
                    refused.add(key)
        numbers.update(ref.number.strip().casefold() for ref in call.references)
        if not call.references and call.reference_refused:
            result.refused_reference += 1
        for index in range(len(call.promises)):
            result.promises[promise_status(call, index, today)] += 1
    result.references = len(numbers)
    result.distinct_reps = len(reps)
    result.refused_id = len(refused)
    if case is not None:
        result.disputed_questions = sum(1 for group in claim_groups(case) if group.disagree)
    return result


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


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 call``, ``3 calls``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def join_words(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def calls_by_case(calls: Iterable[Call]) -> dict[str, list[Call]]:
    """Calls grouped by case, oldest first in each."""
    grouped: dict[str, list[Call]] = {}
    for call in sorted(calls, key=lambda c: c.started_at):
        grouped.setdefault(call.case_id, []).append(call)
    return grouped
