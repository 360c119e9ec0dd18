"""Story time: Massachusetts office hours, business days, months, and dates as the
story's text writes them (``20 Jan``, ``1 Feb 2026``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

from tui.domain.dates import add_business_days

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=1)
def _eastern() -> tzinfo:
    """Massachusetts time (the story's offices); a fixed -05:00 if no tz data."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    except Exception:  # pragma: no cover - no tz database on this system
        from datetime import timezone

        return timezone(timedelta(hours=-5), "EST")


def at(day: date, hhmm: str) -> datetime:
    """``day`` at ``hhmm`` Massachusetts time, as a UTC datetime."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_eastern())
    return local.astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The Massachusetts date of ``moment``."""
    return moment.astimezone(_eastern()).date()


def business_day(day0: date, n: int) -> date:
    """The ``n``-th business day after ``day0`` (``n`` = 0: ``day0``, or the Monday after)."""
    day = day0
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return add_business_days(day, n)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def short(day: date) -> str:
    """``20 Jan`` (locale-independent)."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def long(day: date) -> str:
    """``1 Feb 2026``."""
    return f"{short(day)} {day.year}"
