"""Local times are shown exactly as arrow shows them, without arrow on the fast path."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import arrow
import pytest

from tui.domain.deadlines import local_date
from tui.domain.model import local_date_of
from tui.domain.timefmt import _formatter, format_local, parse_iso, to_iso

FAST = ["YYYY-MM-DD HH:mm", "YYYY-MM-DD", "HH:mm", "HH:mm:ss", "YYYY-MM-DD HH:mm ZZ",
        "YYYY-MM-DDTHH:mm:ssZ", "[at {0}] HH:mm", "{HH}"]
"""Every format of the app the fast path formats (and braces, literal to arrow)."""
SLOW = ["MMM D HH:mm", "h:mm A", "dddd YYYY", "{x}"]
"""Formats the fast path leaves to arrow."""
FORMATS = FAST + SLOW
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns",
         "Pacific/Chatham", "Australia/Lord_Howe", "Pacific/Kiritimati", "America/Adak"]


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def _instants(count: int = 150) -> list[str]:
    pick = random.Random(11)
    found = []
    for _ in range(count):
        moment = datetime(1971, 1, 1, tzinfo=UTC) + timedelta(
            seconds=pick.randrange(0, 130 * 365 * 86400), microseconds=pick.randrange(10**6))
        found.append(to_iso(moment))
        found.append(moment.isoformat())  # with microseconds
        offset = timezone(timedelta(minutes=pick.randrange(-14 * 60, 14 * 60, 15)))
        found.append(moment.astimezone(offset).isoformat())  # stored by another app
    return found + ["2026-03-29T01:00:00+00:00", "2026-10-25T00:59:59+00:00",
                    "2026-11-01T06:00:00+00:00", "2026-11-24T14:05:00", "0001-01-02T00:00:00"]


def test_format_local_is_arrows(zone: str) -> None:
    for iso in _instants():
        for fmt in FORMATS:
            expected = arrow.get(parse_iso(iso)).to("local").format(fmt)
            assert format_local(iso, fmt) == expected, (zone, iso, fmt)
        expected_day = arrow.get(parse_iso(iso)).to("local").date()
        assert local_date_of(iso) == expected_day
        assert local_date(parse_iso(iso)) == expected_day


def test_the_fast_path_takes_the_formats_the_app_uses() -> None:
    for fmt in FAST:
        assert _formatter(fmt) is not None, fmt
    for fmt in SLOW:
        assert _formatter(fmt) is None, fmt


def test_a_zone_change_is_seen_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    iso = "2026-11-24T14:05:00+00:00"
    try:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
        assert format_local(iso, "HH:mm ZZ") == "14:05 +00:00"
        monkeypatch.setenv("TZ", "Asia/Kolkata")
        time.tzset()
        assert format_local(iso, "HH:mm ZZ") == "19:35 +05:30"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_blank_is_blank() -> None:
    assert format_local(None) == format_local("") == ""


def test_list_dates_carry_the_year_unless_recent(zone: str) -> None:
    """"Dec 18" listed under "Dec 1" read as this month's: a date older than six months
    (or ahead of today) shows its year, as ``ls -l`` does; a recent one its month, day and
    time, as arrow writes ``MMM D HH:mm``. Never wider than the 12-column When cells."""
    from datetime import date

    from tui.domain.timefmt import format_when

    today = date(2026, 12, 1)
    for iso in ("2026-11-24T20:40:00+00:00", "2026-06-03T09:05:00+00:00",
                "2025-12-18T15:00:00+00:00", "2024-02-29T23:59:00+00:00",
                "2027-01-05T10:00:00+00:00"):
        local = arrow.get(iso).to("local")
        age = (today - local.date()).days
        shown = format_when(iso, today)
        assert len(shown) <= 12
        if 0 <= age < 182:
            assert shown == local.format("MMM D HH:mm")
        else:
            assert shown == local.format("YYYY-MM-DD")
    assert format_when("2025-12-18T15:00:00+00:00", today).startswith("2025-12-")
    assert format_when(None, today) == ""


@pytest.mark.parametrize(("iso", "shown"), [
    ("2026-12-01T09:30:00+00:00", "Dec 1 09:30"),      # today
    ("2026-12-02T08:00:00+00:00", "Dec 2 08:00"),      # a day ahead (a clock a little fast)
    ("2026-12-03T08:00:00+00:00", "2026-12-03"),       # further ahead
    ("2026-06-03T23:59:00+00:00", "Jun 3 23:59"),      # 181 days ago: the last shown so
    ("2026-06-02T00:00:00+00:00", "2026-06-02"),       # 182 days ago
    ("2025-12-18T15:00:00+00:00", "2025-12-18"),       # under "Dec 1", last year's
])
def test_list_dates_at_the_edges(iso: str, shown: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from tui.domain.timefmt import format_when

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert format_when(iso, date(2026, 12, 1)) == shown
    finally:
        monkeypatch.undo()
        time.tzset()
