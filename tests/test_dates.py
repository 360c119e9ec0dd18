"""Promised dates are understood the way a caller would say them."""

from datetime import date
from decimal import Decimal

import pytest

from tui.domain.checks import date_check, date_hint
from tui.domain.dates import DateProblem, add_business_days, describe, parse_due, read_date
from tui.domain.migrate import migrate
from tui.domain.model import SCHEMA_VERSION, RecordError
from tui.domain.money import parse_money, shown, stored, total

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("will call back in 3 days", date(2026, 11, 27)),
        ("in 3 days", date(2026, 11, 27)),
        ("within two weeks", date(2026, 12, 8)),
        ("in 1 month", date(2026, 12, 24)),
        ("in 5 business days", date(2026, 12, 2)),  # Thanksgiving (26 Nov) is skipped
        ("3 days from now", date(2026, 11, 27)),
        ("next tuesday", date(2026, 12, 1)),  # next week's Tuesday, never today
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


MONDAY = date(2026, 11, 23)


def test_next_weekday_said_on_the_day_before_is_next_weeks() -> None:
    # Said on a Monday, "next tuesday" is a week and a day away, not tomorrow.
    assert parse_due("next tuesday", MONDAY) == date(2026, 12, 1)
    assert parse_due("this tuesday", MONDAY) == date(2026, 11, 24)
    assert parse_due("by tuesday", MONDAY) == date(2026, 11, 24)
    assert parse_due("last friday", MONDAY) == date(2026, 11, 20)


@pytest.mark.parametrize(("state", "start", "days", "expected"), [
    ("MA", date(2026, 4, 17), 1, date(2026, 4, 21)),  # Patriots' Day (MA only) skipped
    ("NY", date(2026, 4, 17), 1, date(2026, 4, 20)),
    ("", date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas, then the weekend
    ("MA", date(2026, 11, 25), 2, date(2026, 11, 30)),  # Thanksgiving, then the weekend
    ("XX", date(2026, 11, 25), 1, date(2026, 11, 27)),  # unknown state: federal holidays
])
def test_business_days_skip_the_states_public_holidays(state: str, start: date, days: int,
                                                       expected: date) -> None:
    assert add_business_days(start, days, state) == expected
    assert parse_due(f"within {days} business day", start, state) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-10-29", date(2026, 10, 29)), ("10/29/2026", date(2026, 10, 29)),
    ("10/29/26", date(2026, 10, 29)), ("Oct 29", date(2026, 10, 29)),
    ("October 29, 2026", date(2026, 10, 29)), ("29 Oct 2026", date(2026, 10, 29)),
    ("yesterday", date(2026, 11, 23)), ("4 days ago", date(2026, 11, 20)),
])
def test_every_date_field_takes_the_same_forms(text: str, expected: date) -> None:
    assert read_date(text, TUESDAY) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("in 99999 months", "more than 10 years"), ("in 2600000 business days", "more than 10"),
    ("2026-02-30", "no day 2026-02-30"), ("13/45/2026", "no day"), ("soonish", "try"),
    ("3000-01-01", "year 3000"),
])
def test_dates_that_cannot_be_get_a_message(text: str, message: str) -> None:
    with pytest.raises(DateProblem, match=message) as error:
        read_date(text, TUESDAY)
    assert "\n" not in str(error.value)
    assert parse_due(text, TUESDAY) is None  # a promise keeps its text, without a date


def test_the_understood_date_is_described_for_checking() -> None:
    assert describe(date(2026, 12, 1), MONDAY) == "Tue 2026-12-01, in 8 days"
    assert describe(date(2026, 11, 20), MONDAY) == "Fri 2026-11-20, 3 days ago"
    hint = date_hint(MONDAY, "MA")
    assert hint("next tuesday") == "= Tue 2026-12-01, in 8 days"
    assert "not a date" in hint("whenever")
    assert date_check(MONDAY)("10/29/2026") is None


def test_money_is_decimal_and_shown_one_way() -> None:
    assert parse_money("$1,204.5") == Decimal("1204.50")
    assert parse_money("412") == Decimal("412.00") and parse_money("-12.00") == Decimal("-12")
    for bad in ("12.345", "1,2,3", "$", "", "abc", "1e5", "0.1 + 0.2"):
        assert parse_money(bad) is None, bad
    assert shown("1204.50") == "$1,204.50" and shown("-12.00") == "-$12.00"
    assert stored(Decimal("0.1") + Decimal("0.2")) == "0.30"
    assert total(["0.10", "0.20", "412.50"]) == Decimal("412.80")


def test_old_documents_get_their_amounts_as_money() -> None:
    doc = {"type": "case", "schema_version": 1,
           "payments": [{"amount": "$1,204.00"}, {"amount": "412.5"}]}
    migrated = migrate(doc)
    assert [p["amount"] for p in migrated["payments"]] == ["1204.00", "412.50"]
    assert migrated["schema_version"] == SCHEMA_VERSION
    assert doc["payments"][0]["amount"] == "$1,204.00"
    with pytest.raises(RecordError, match="payments\\[0\\].amount"):
        migrate({"type": "case", "payments": [{"amount": "about 400"}]})
