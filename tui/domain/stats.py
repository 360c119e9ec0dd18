"""Totals for a case, an organisation or any set of calls: the one place they are counted.

Used by the statistics screen, the case overview and every export.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tui.domain.claims import claim_groups
from tui.domain.followups import promise_status
from tui.domain.model import Call, Case
from tui.domain.reps import identity

BARS = "▁▂▃▄▅▆▇█"


@dataclass
class Stats:
    calls: int = 0
    incoming: int = 0
    """Calls the organisation made to the user."""
    by_organisation: Counter[str] = field(default_factory=Counter)
    hold_seconds: float = 0.0
    longest_hold: float = 0.0
    """The most time on hold in one call."""
    talk_seconds: float = 0.0
    not_recorded_seconds: float = 0.0
    """Wall time the app was closed during calls that were then continued: neither hold
    nor talk (call time stops while the app is closed), shown on its own."""
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
    hold_per_call: list[float] = field(default_factory=list)
    """Hold time of each call, oldest first (for the picture)."""

    @property
    def promises_made(self) -> int:
        return sum(self.promises.values())

    @property
    def kept(self) -> int:
        """Kept by their date."""
        return self.promises["kept"]

    @property
    def kept_late(self) -> int:
        """Done after their date (counted in ``broken`` too)."""
        return self.promises["kept late"]

    @property
    def broken(self) -> int:
        """Broken: not done by their date, whether done later or not at all."""
        return self.promises["broken"] + self.promises["kept late"]

    @property
    def pending(self) -> int:
        return self.promises["today"] + self.promises["upcoming"] + self.promises["undated"]


@dataclass(frozen=True, slots=True)
class CallFigures:
    """What one call adds to every total, worked out once (the statistics screen groups
    the same calls three ways; a big history is counted in one pass over these)."""

    call_id: str
    started_at: str
    organisation: str
    case_id: str
    incoming: bool
    hold: float
    talk: float
    not_recorded: float
    reps: tuple[tuple[str, ...], ...]
    refused: tuple[tuple[str, ...], ...]
    references: tuple[str, ...]
    refused_reference: bool
    promises: tuple[str, ...]
    """Each promise's status on the day the figures were made."""


def call_figures(call: Call, today: date) -> CallFigures:
    """One call's contribution to the totals (see :class:`CallFigures`)."""
    hold = call.hold_seconds()
    reps: list[tuple[str, ...]] = []
    refused: list[tuple[str, ...]] = []
    for rep in call.reps:
        key = identity(call.organisation, rep)
        if key is not None:
            reps.append(key)
            if rep.id_refused:
                refused.append(key)
    return CallFigures(
        call_id=call.id,
        started_at=call.started_at,
        organisation=call.organisation,
        case_id=call.case_id,
        incoming=call.incoming,
        hold=hold,
        talk=max(0.0, call.duration_seconds - hold),
        not_recorded=call.gap_seconds(),
        reps=tuple(reps),
        refused=tuple(refused),
        references=tuple(ref.number.strip().casefold() for ref in call.references),
        refused_reference=not call.references and bool(call.reference_refused),
        promises=tuple(promise_status(promise, today) for promise in call.promises),
    )


class Tally:
    """A :class:`Stats` being counted, with the sets its distinct counts come from: add
    each call's figures, oldest call first, then :meth:`done`.

    ``per_call=False`` leaves ``hold_per_call`` empty (the exports do not draw it: a long
    history is counted without a number kept per call).
    """

    __slots__ = ("stats", "reps", "refused", "numbers", "per_call")

    def __init__(self, *, per_call: bool = True) -> None:
        self.stats = Stats()
        self.reps: set[tuple[str, ...]] = set()
        self.refused: set[tuple[str, ...]] = set()
        self.numbers: set[str] = set()
        self.per_call = per_call

    def add(self, figures: CallFigures) -> None:
        stats = self.stats
        stats.calls += 1
        stats.by_organisation[figures.organisation.strip() or "(organisation not noted)"] += 1
        stats.incoming += figures.incoming
        stats.hold_seconds += figures.hold
        if self.per_call:
            stats.hold_per_call.append(figures.hold)
        stats.talk_seconds += figures.talk
        stats.not_recorded_seconds += figures.not_recorded
        if figures.hold > stats.longest_hold:
            stats.longest_hold = figures.hold
        self.reps.update(figures.reps)
        self.refused.update(figures.refused)
        self.numbers.update(figures.references)
        stats.refused_reference += figures.refused_reference
        for status in figures.promises:
            stats.promises[status] += 1

    def done(self) -> Stats:
        self.stats.references = len(self.numbers)
        self.stats.distinct_reps = len(self.reps)
        self.stats.refused_id = len(self.refused)
        return self.stats


def compute(calls: Iterable[Call], today: date, case: Case | None = None) -> Stats:
    """Count calls, time, reps, references and promises; disputes from ``case``."""
    tally = Tally()
    for figures in sorted((call_figures(call, today) for call in calls),
                          key=lambda f: f.started_at):
        tally.add(figures)
    stats = tally.done()
    if case is not None:
        stats.disputed_questions = sum(1 for group in claim_groups(case) if group.disagree)
    return stats


@dataclass
class Grouped:
    """Every call counted, and counted again by organisation and by case."""

    total: Stats
    by_organisation: dict[str, Stats]
    """Most calls first."""
    by_case: dict[str, Stats]
    """By case id, in the order first called."""


def grouped(figures: Iterable[CallFigures]) -> Grouped:
    """The totals, per organisation and per case, in one pass (oldest call first)."""
    total = Tally()
    orgs: dict[str, Tally] = {}
    cases: dict[str, Tally] = {}
    for one in sorted(figures, key=lambda f: f.started_at):
        total.add(one)
        org = orgs.get(one.organisation)
        if org is None:
            org = orgs[one.organisation] = Tally()
        org.add(one)
        case = cases.get(one.case_id)
        if case is None:
            case = cases[one.case_id] = Tally()
        case.add(one)
    by_org = {name: tally.done() for name, tally in orgs.items()}
    return Grouped(
        total=total.done(),
        by_organisation=dict(sorted(by_org.items(), key=lambda item: (-item[1].calls, item[0]))),
        by_case={case_id: tally.done() for case_id, tally in cases.items()},
    )


def by_organisation(calls: Iterable[Call], today: date) -> dict[str, Stats]:
    """Stats for each organisation called, most calls first."""
    return grouped(call_figures(call, today) for call in calls).by_organisation


def sparkline(values: list[float], width: int = 40) -> str:
    """A text picture of ``values`` (the last ``width`` of them)."""
    shown = values[-width:]
    if not shown:
        return ""
    top = max(shown) or 1.0
    return "".join(BARS[min(len(BARS) - 1, int(value / top * (len(BARS) - 1)))]
                   for value in shown)
