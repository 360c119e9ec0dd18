"""Dates as people say and write them: one parser for every date field.

Understood: ISO (2026-12-01), US (12/01/2026, 12/1/26), month names (Dec 1 2026,
1 December 2026, Dec 1), today, tomorrow, yesterday, "in 3 days", "within two weeks",
"in 5 business days", "3 days from now", "4 days ago", "next tuesday" (next week's),
"this friday", "by friday", "last monday", "next week". Business days skip weekends
and the public holidays of the user's state (the ``holidays`` package). Amounts too far
ahead to be meant (over ten years) are not understood rather than overflowing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

MAX_YEARS = 10
"""Nothing said on a call is more than this many years away."""
_LIMITS = {"day": 366 * MAX_YEARS, "week": 53 * MAX_YEARS, "month": 12 * MAX_YEARS,
           "business": 261 * MAX_YEARS}
_WEEKDAYS = {
    name: index
    for index, names in enumerate([
        ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"),
        ("sunday", "sun"),
    ])
    for name in names
}
_MONTHS = {
    name: index
    for index, names in enumerate([
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ], start=1)
    for name in names
}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90,
}
_UNIT = r"(business\s+days?|working\s+days?|days?|weeks?|months?)"
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_MONTH_DAY = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:,?\s+(\d{4}))?\b")
_IN_N = re.compile(rf"\b(?:in|within)\s+(\d+|[a-z]+)\s+{_UNIT}\b")
_N_FROM_NOW = re.compile(rf"\b(\d+|[a-z]+)\s+{_UNIT}\s+from\s+(?:now|today)\b")
_N_AGO = re.compile(rf"\b(\d+|[a-z]+)\s+{_UNIT}\s+ago\b")
_WEEKDAY = re.compile(r"\b(next\s+|this\s+|on\s+|by\s+|last\s+)?([a-z]+)\b")


class DateProblem(ValueError):
    """A date that cannot be used, with a message for the user."""


def _amount(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


@lru_cache(maxsize=64)
def _holidays(state: str, year: int) -> frozenset[date]:
    import holidays

    try:
        found = holidays.country_holidays("US", subdiv=state or None, years=year)
    except NotImplementedError:  # not a US state or territory the package knows
        found = holidays.country_holidays("US", years=year)
    return frozenset(found)


def is_business_day(day: date, state: str = "") -> bool:
    """Monday to Friday and not a public holiday (of ``state``, if given, and federal)."""
    return day.weekday() < 5 and day not in _holidays(state.strip().upper(), day.year)


def add_business_days(day: date, count: int, state: str = "") -> date:
    """``count`` business days after ``day`` (weekends and public holidays skipped)."""
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day, state):
            left -= 1
    return day


def _shift(today: date, amount: int, unit: str, state: str, back: bool = False) -> date:
    kind = "business" if unit.startswith(("business", "working")) else unit.rstrip("s")
    if amount > _LIMITS[kind]:
        raise DateProblem(f"{amount} {unit} is more than {MAX_YEARS} years away")
    if kind == "business":
        if back:
            raise DateProblem("say the date instead of business days ago")
        return add_business_days(today, amount, state)
    import arrow  # here only: importing it costs start-up ~20 ms

    base = arrow.Arrow(today.year, today.month, today.day)
    step = -amount if back else amount
    if kind == "day":
        return base.shift(days=step).date()
    if kind == "week":
        return base.shift(weeks=step).date()
    return base.shift(months=step).date()


def _make(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2200:
        raise DateProblem(f"the year {year} is not one to use here")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(f"there is no day {year:04d}-{month:02d}-{day:02d}") from None


def _named_month(today: date, month_word: str, day: str, year: str | None) -> date | None:
    month = _MONTHS.get(month_word)
    if month is None:
        return None
    return _make(int(year) if year else today.year, month, int(day))


def understand_date(text: str, today: date | datetime, state: str = "") -> date | None:
    """The date ``text`` names (None when it names none); ``DateProblem`` when it names
    one that cannot be (2026-02-30, in 99999 months)."""
    if isinstance(today, datetime):
        today = today.date()
    lowered = " ".join(text.lower().split())
    if match := _ISO.search(lowered):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _US.search(lowered):
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
        return _make(year, int(match[1]), int(match[2]))
    for pattern in (_IN_N, _N_FROM_NOW, _N_AGO):
        if match := pattern.search(lowered):
            amount = _amount(match[1])
            if amount is not None:
                return _shift(today, amount, match[2], state, back=pattern is _N_AGO)
    if match := _MONTH_DAY.search(lowered):
        if (found := _named_month(today, match[1], match[2], match[3])) is not None:
            return found
    if match := _DAY_MONTH.search(lowered):
        if (found := _named_month(today, match[2], match[1], match[3])) is not None:
            return found
    if re.search(r"\bday after tomorrow\b", lowered):
        return today + timedelta(days=2)
    if re.search(r"\btomorrow\b", lowered):
        return today + timedelta(days=1)
    if re.search(r"\byesterday\b", lowered):
        return today - timedelta(days=1)
    if re.search(r"\b(today|tonight|end of (the )?day)\b", lowered):
        return today
    if re.search(r"\bnext week\b", lowered):
        return today + timedelta(days=7 - today.weekday())
    for match in _WEEKDAY.finditer(lowered):
        weekday = _WEEKDAYS.get(match[2])
        prefix = (match[1] or "").strip()
        if weekday is None or (len(match[2]) < 6 and not prefix):
            continue  # short forms ("sat", "wed") only count after next/this/on/by/last
        if prefix == "last":
            return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
        if prefix == "next":  # next week's: the week (Monday to Sunday) after this one
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return monday + timedelta(days=weekday)
        if prefix == "this":
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return None


def parse_due(text: str, today: date | datetime, state: str = "") -> date | None:
    """The date a promise falls due, or None when the text names no usable date."""
    try:
        return understand_date(text, today, state)
    except DateProblem:
        return None


DATE_EXAMPLES = "2026-11-24, 11/24/2026, Nov 24, yesterday or in 3 days"


def read_date(text: str, today: date, state: str = "") -> date:
    """A date field's value as a date; ``DateProblem`` saying what to type instead."""
    found = understand_date(text, today, state)
    if found is None:
        raise DateProblem(f"not a date I understand; try {DATE_EXAMPLES}")
    return found


def describe(day: date, today: date) -> str:
    """``Tue 2026-12-01, in 8 days`` / ``today`` / ``3 days ago``: to check a date."""
    days = (day - today).days
    if days == 0:
        when = "today"
    elif days == 1:
        when = "tomorrow"
    elif days == -1:
        when = "yesterday"
    elif days > 0:
        when = f"in {days} days"
    else:
        when = f"{-days} days ago"
    return f"{day.strftime('%a')} {day.isoformat()}, {when}"
