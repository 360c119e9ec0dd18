"""Follow-ups: promises with a due date, and which of them were broken."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tui.domain.model import CallSummary, Promise, PromiseSummary


def promise_status(promise: Promise | PromiseSummary, today: date) -> str:
    """``kept``, ``broken``, ``today``, ``upcoming`` (dated) or ``undated`` (no date given).

    The one rule for a promise's state, used by every screen and export.
    """
    if promise.done:
        return "kept"
    if not promise.due:
        return "undated"
    try:
        due = date.fromisoformat(promise.due)
    except ValueError:
        return "undated"
    if due < today:
        return "broken"
    return "today" if due == today else "upcoming"


@dataclass(frozen=True)
class FollowUp:
    """A promise someone made on a call, with its due date."""

    call_id: str
    index: int
    """Position of the promise in the call's list."""
    case_id: str
    organisation: str
    promise: PromiseSummary
    due: date

    @property
    def text(self) -> str:
        return self.promise.text

    @property
    def done(self) -> bool:
        return self.promise.done

    @property
    def key(self) -> str:
        """``<call id>#<index>``: names this follow-up (home screen rows, the CLI)."""
        return f"{self.call_id}#{self.index}"

    def status(self, today: date) -> str:
        """``kept``, ``broken`` (due date passed, not done), ``today`` or ``upcoming``."""
        return promise_status(self.promise, today)


def followups_from_summaries(rows: Iterable[CallSummary]) -> list[FollowUp]:
    """Follow-ups (promises with a valid due date) from call summaries, soonest first."""
    found: list[FollowUp] = []
    for row in rows:
        for index, promise in enumerate(row.promises):
            if not promise.due:
                continue
            try:
                when = date.fromisoformat(promise.due)
            except ValueError:
                continue
            found.append(FollowUp(row.id, index, row.case_id, row.organisation, promise, when))
    return sorted(found, key=lambda f: (f.due, f.organisation, f.text))


def broken_by_organisation(followups: Iterable[FollowUp], today: date) -> Counter[str]:
    """How many promises each organisation broke (not done by their date)."""
    return Counter(f.organisation for f in followups if f.status(today) == "broken")
