"""Follow-ups: promises with a due date, and which of them were broken."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tui.domain.model import Promise


@dataclass
class FollowUp:
    """A promise someone made on a call, with its due date."""

    call_id: str
    index: int
    """Position of the promise in the call's list."""
    case_id: str
    organisation: str
    text: str
    due: date
    done: bool

    def status(self, today: date) -> str:
        """``kept``, ``broken`` (due date passed, not done), ``today`` or ``upcoming``."""
        if self.done:
            return "kept"
        if self.due < today:
            return "broken"
        if self.due == today:
            return "today"
        return "upcoming"


def followups_from_rows(rows: Iterable[dict[str, Any]]) -> list[FollowUp]:
    """Follow-ups from the index's call summary rows, soonest first."""
    found: list[FollowUp] = []
    for row in rows:
        for index, promise in enumerate(row.get("promises", [])):
            due = promise.get("due")
            if not due:
                continue
            try:
                when = date.fromisoformat(due)
            except ValueError:
                continue
            found.append(FollowUp(
                call_id=str(row["id"]), index=index, case_id=str(row.get("case_id", "")),
                organisation=str(row.get("organisation", "")), text=str(promise.get("text", "")),
                due=when, done=bool(promise.get("done")),
            ))
    return sorted(found, key=lambda f: (f.due, f.organisation, f.text))


def promise_status(promise: Promise, today: date) -> str:
    """``kept``, ``broken``, ``today``, ``upcoming`` (dated) or ``undated`` (no date given)."""
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


def broken_by_organisation(followups: Iterable[FollowUp], today: date) -> Counter[str]:
    """How many promises each organisation broke (not done by their date)."""
    return Counter(f.organisation for f in followups if f.status(today) == "broken")
