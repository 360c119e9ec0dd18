"""Deadline arithmetic: a notice date plus a number of days.

Dates here are calendar dates in the user's local zone; "today" comes from
the wall clock (UTC) converted to that zone, so a deadline never shifts by a
day because of UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tui.domain.model import Case, Notice
from tui.domain.text import plural
from tui.domain.timefmt import to_local

CHECK_NOTICE = "Check the date on your notice: the clock runs from it."


def local_date(moment: datetime, zone: str = "local") -> date:
    """The calendar date of ``moment`` where the user lives (``zone``: an arrow zone)."""
    if zone == "local":
        return to_local(moment).date()
    import arrow

    return arrow.get(moment).to(zone).date()


def parse_date(text: str) -> date | None:
    """A stored ``YYYY-MM-DD`` date, or None."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def due_date(start: date, days: int) -> date:
    """``days`` calendar days after ``start`` (month ends and leap years included)."""
    return start + timedelta(days=days)


@dataclass
class DeadlineView:
    """A deadline as the user sees it."""

    name: str
    notice: str
    start: date
    due: date
    days_left: int

    @property
    def status(self) -> str:
        if self.days_left < 0:
            return "passed"
        if self.days_left == 0:
            return "today"
        if self.days_left <= 7:
            return "soon"
        return "open"

    def describe(self) -> str:
        """``Reinstatement window: due 2026-12-29 (35 days left)``."""
        if self.days_left < 0:
            left = f"passed {plural(-self.days_left, 'day')} ago"
        elif self.days_left == 0:
            left = "due TODAY"
        else:
            left = f"{plural(self.days_left, 'day')} left"
        return f"{self.name}: due {self.due.isoformat()} ({left})"


def notice_deadline(notice: Notice, today: date) -> DeadlineView | None:
    """The deadline a notice starts, if it names one and has a valid date."""
    start = parse_date(notice.date)
    if start is None or notice.deadline_days <= 0:
        return None
    due = due_date(start, notice.deadline_days)
    name = notice.deadline_name or f"{notice.deadline_days}-day deadline"
    label = notice.name + (f" ({notice.notice_id})" if notice.notice_id else "")
    return DeadlineView(name, label, start, due, (due - today).days)


def case_deadlines(case: Case, today: date) -> list[DeadlineView]:
    """Every deadline started by the case's notices, soonest first."""
    views = [notice_deadline(notice, today) for notice in case.notices]
    return sorted((v for v in views if v is not None), key=lambda v: v.due)
