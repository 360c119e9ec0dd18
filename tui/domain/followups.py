"""Follow-ups: promises with a due date, and which of them were broken."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tui.domain.deadlines import local_date
from tui.domain.model import CallSummary, Promise, PromiseSummary
from tui.domain.timefmt import parse_iso

BROKEN_STATUSES = ("broken", "kept late")
"""A promise kept after its date was still broken: it counts as broken in every total."""


def done_on(promise: Promise | PromiseSummary, zone: str = "local") -> date | None:
    """The user's local date the promise was marked done, if known."""
    if not promise.done_at:
        return None
    try:
        return local_date(parse_iso(promise.done_at), zone)
    except ValueError:
        return None


def promise_status(promise: Promise | PromiseSummary, today: date) -> str:
    """The one rule for a promise's state, used by every screen and export:

    ``kept`` (done by its date, or with no date), ``kept late`` (done after its date:
    still broken in every total), ``broken`` (date passed, not done), ``today``,
    ``upcoming`` or ``undated`` (open, no date given).

    A corrected due date does not undo a broken promise: when the date was corrected
    after it had already passed with the promise not done (``missed_due``), the promise
    stays ``broken`` (``kept late`` once done), whatever its new date. A date corrected
    before it passed (a typo noticed in time) simply replaces it.
    """
    missed = promise.missed_due() if isinstance(promise, Promise) else promise.missed_due
    if missed:
        return "kept late" if promise.done else "broken"
    due: date | None = None
    if promise.due:
        try:
            due = date.fromisoformat(promise.due)
        except ValueError:
            due = None
    if promise.done:
        finished = done_on(promise)
        return "kept late" if due and finished and finished > due else "kept"
    if due is None:
        return "undated"
    if due < today:
        return "broken"
    return "today" if due == today else "upcoming"


def is_broken(status: str) -> bool:
    return status in BROKEN_STATUSES


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
    def number(self) -> int:
        """N of the promise's id ``promise-N`` (its first place in the call, from 1: it
        never changes, even when an earlier promise is removed)."""
        found = self.promise.id.rpartition("-")[2]
        return int(found) if found.isdigit() else self.index + 1

    @property
    def key(self) -> str:
        """``<call id>#<n>`` (n: see ``number``): names this follow-up on home and the CLI."""
        return f"{self.call_id}#{self.number}"

    @property
    def done_at(self) -> str | None:
        return self.promise.done_at

    def status(self, today: date) -> str:
        """``kept``, ``broken`` (due date passed, not done), ``today`` or ``upcoming``.

        Worked out once a day per follow-up (the home screen asks for tens of thousands
        of them on every refresh of a long history); an open promise whose date was
        never missed (most of them) needs only its date, already read."""
        promise = self.promise
        if not promise.done and not promise.missed_due:
            due = self.due  # (promise_status would read the same date from promise.due)
            return "broken" if due < today else "today" if due == today else "upcoming"
        key = (today, promise.done, promise.done_at, promise.due, promise.missed_due)
        known = self.__dict__.get("_status")
        if known is not None and known[0] == key:
            return str(known[1])
        found = promise_status(promise, today)
        object.__setattr__(self, "_status", (key, found))  # a memo, not a field
        return found


def followups_of(row: CallSummary) -> list[FollowUp]:
    """One call's follow-ups (promises with a valid due date), in the call's order."""
    found: list[FollowUp] = []
    for index, promise in enumerate(row.promises):
        if not promise.due:
            continue
        try:
            when = date.fromisoformat(promise.due)
        except ValueError:
            continue
        found.append(FollowUp(row.id, index, row.case_id, row.organisation, promise, when))
    return found


def followups_from_summaries(rows: Iterable[CallSummary]) -> list[FollowUp]:
    """Follow-ups (promises with a valid due date) from call summaries, soonest first."""
    return soonest_first(f for row in rows for f in followups_of(row))


def listing_order(item: FollowUp) -> tuple[date, str, str, str, int]:
    """By due date, then organisation, then text; then call and place, so that the order
    never depends on the order they were read in (home made from the index's digests
    lists them as home made from every row)."""
    return (item.due, item.organisation, item.text, item.call_id, item.index)


def soonest_first(followups: Iterable[FollowUp]) -> list[FollowUp]:
    """The order follow-ups are listed in (``listing_order``)."""
    return sorted(followups, key=listing_order)


def broken_by_organisation(followups: Iterable[FollowUp], today: date) -> Counter[str]:
    """How many promises each organisation broke: not done by their date, kept late too."""
    return Counter(f.organisation for f in followups if is_broken(f.status(today)))
