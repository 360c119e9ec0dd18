"""Understanding promised dates: "in 3 days", "next tuesday", "2026-12-01"."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import arrow

_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fourteen": 14,
    "thirty": 30,
}
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_US = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_IN_N = re.compile(
    r"\b(?:in|within)\s+(\d+|[a-z]+)\s+(business\s+days?|working\s+days?|days?|weeks?|months?)\b"
)
_N_FROM_NOW = re.compile(
    r"\b(\d+|[a-z]+)\s+(business\s+days?|working\s+days?|days?|weeks?|months?)\s+from\s+(?:now|today)\b"
)
_WEEKDAY = re.compile(r"\b(next\s+|this\s+|on\s+|by\s+)?([a-z]+)\b")


def _amount(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def add_business_days(day: date, count: int) -> date:
    """``count`` weekdays (Monday to Friday) after ``day``."""
    left = count
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _shift(today: date, amount: int, unit: str) -> date:
    if unit.startswith(("business", "working")):
        return add_business_days(today, amount)
    base = arrow.Arrow(today.year, today.month, today.day)
    if unit.startswith("day"):
        return base.shift(days=amount).date()
    if unit.startswith("week"):
        return base.shift(weeks=amount).date()
    return base.shift(months=amount).date()


def parse_due(text: str, today: date | datetime) -> date | None:
    """The date a promise falls due, or None when the text names no date.

    ``today`` is the user's local date. Understood: ISO dates (2026-12-01),
    US dates (12/01/2026), today, tomorrow, "in 3 days", "within 2 weeks",
    "in 5 business days", "3 days from now", "next tuesday", "by friday".
    """
    if isinstance(today, datetime):
        today = today.date()
    lowered = text.lower()
    match = _ISO.search(lowered)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    match = _US.search(lowered)
    if match:
        try:
            return date(int(match[3]), int(match[1]), int(match[2]))
        except ValueError:
            return None
    for pattern in (_IN_N, _N_FROM_NOW):
        match = pattern.search(lowered)
        if match:
            amount = _amount(match[1])
            if amount is not None:
                return _shift(today, amount, match[2])
    if re.search(r"\bday after tomorrow\b", lowered):
        return today + timedelta(days=2)
    if re.search(r"\btomorrow\b", lowered):
        return today + timedelta(days=1)
    if re.search(r"\b(today|tonight|end of (the )?day)\b", lowered):
        return today
    if re.search(r"\bnext week\b", lowered):
        return today + timedelta(days=7 - today.weekday())
    for match in _WEEKDAY.finditer(lowered):
        weekday = _WEEKDAYS.get(match[2])
        if weekday is None or (len(match[2]) < 6 and not match[1]):
            # Short forms ("sat", "wed") only count after next/this/on/by.
            continue
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    return None
