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


def compute(calls: Iterable[Call], today: date, case: Case | None = None) -> Stats:
    """Count calls, time, reps, references and promises; disputes from ``case``."""
    stats = Stats()
    reps: set[tuple[str, ...]] = set()
    refused: set[tuple[str, ...]] = set()
    numbers: set[str] = set()
    for call in sorted(calls, key=lambda c: c.started_at):
        stats.calls += 1
        stats.by_organisation[call.organisation.strip() or "(organisation not noted)"] += 1
        stats.incoming += call.incoming
        hold = call.hold_seconds()
        stats.hold_seconds += hold
        stats.hold_per_call.append(hold)
        stats.talk_seconds += call.talk_seconds()
        stats.not_recorded_seconds += call.gap_seconds()
        stats.longest_hold = max(stats.longest_hold, hold)
        for rep in call.reps:
            key = identity(call.organisation, rep)
            if key is not None:
                reps.add(key)
                if rep.id_refused:
                    refused.add(key)
        numbers.update(ref.number.strip().casefold() for ref in call.references)
        if not call.references and call.reference_refused:
            stats.refused_reference += 1
        for promise in call.promises:
            stats.promises[promise_status(promise, today)] += 1
    stats.references = len(numbers)
    stats.distinct_reps = len(reps)
    stats.refused_id = len(refused)
    if case is not None:
        stats.disputed_questions = sum(1 for group in claim_groups(case) if group.disagree)
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
