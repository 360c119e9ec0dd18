"""Promised dates are understood the way a caller would say them."""

from datetime import date

import pytest

from tui.domain.dates import parse_due

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("will call back in 3 days", date(2026, 11, 27)),
        ("in 3 days", date(2026, 11, 27)),
        ("within two weeks", date(2026, 12, 8)),
        ("in 1 month", date(2026, 12, 24)),
        ("in 5 business days", date(2026, 12, 1)),
        ("3 days from now", date(2026, 11, 27)),
        ("next tuesday", date(2026, 12, 1)),
        ("by friday", date(2026, 11, 27)),
        ("Monday", date(2026, 11, 30)),
        ("letter by 2026-12-01", date(2026, 12, 1)),
        ("check on 12/15/2026", date(2026, 12, 15)),
        ("tomorrow", date(2026, 11, 25)),
        ("today before 5", date(2026, 11, 24)),
        ("day after tomorrow", date(2026, 11, 26)),
        ("next week", date(2026, 11, 30)),
    ],
)
def test_understood(text: str, expected: date) -> None:
    assert parse_due(text, TUESDAY) == expected


@pytest.mark.parametrize(
    "text",
    ["will look into it", "I sat on hold for ages", "ref 2026-13-45", "someday"],
)
def test_not_a_date(text: str) -> None:
    assert parse_due(text, TUESDAY) is None


def test_month_end_clamps() -> None:
    assert parse_due("in 1 month", date(2027, 1, 31)) == date(2027, 2, 28)
    assert parse_due("in 1 month", date(2028, 1, 31)) == date(2028, 2, 29)
