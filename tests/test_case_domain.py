"""Case rules: deadline arithmetic, broken promises, claims, recording consent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tui.domain.claims import claim_groups
from tui.domain.clock import FrozenClock
from tui.domain.deadlines import case_deadlines, due_date, local_date, notice_deadline
from tui.domain.followups import broken_by_organisation, followups_from_summaries
from tui.domain.live import LiveCall
from tui.domain.model import Case, Claim, Notice
from tui.domain.recording import recording_warning


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 24), 35, date(2026, 12, 29)),   # reinstatement window
        (date(2026, 12, 15), 30, date(2027, 1, 14)),    # across the year end
        (date(2027, 1, 31), 30, date(2027, 3, 2)),      # February has 28 days
        (date(2028, 1, 31), 30, date(2028, 3, 1)),      # leap year: Feb 29 exists
        (date(2028, 2, 29), 365, date(2029, 2, 28)),
        (date(2026, 1, 1), 180, date(2026, 6, 30)),     # internal appeal
        (date(2026, 10, 31), 60, date(2026, 12, 30)),
    ],
)
def test_due_dates(start: date, days: int, due: date) -> None:
    assert due_date(start, days) == due


def test_today_is_the_local_date_not_utc() -> None:
    late_evening_boston = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)
    assert local_date(late_evening_boston, "America/New_York") == date(2026, 11, 24)
    assert local_date(late_evening_boston, "UTC") == date(2026, 11, 25)
    early_morning_tokyo = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert local_date(early_morning_tokyo, "Asia/Tokyo") == date(2026, 11, 25)


def test_notice_deadlines_count_down_and_pass() -> None:
    notice = Notice(id="n1", date="2026-11-24", name="Termination notice", notice_id="TN-77",
                    deadline_name="Reinstatement window", deadline_days=35)
    view = notice_deadline(notice, date(2026, 11, 24))
    assert view is not None and view.due == date(2026, 12, 29) and view.days_left == 35
    assert view.describe() == "Reinstatement window: due 2026-12-29 (35 days left)"
    assert notice_deadline(notice, date(2026, 12, 29)).describe().endswith("(due TODAY)")
    late = notice_deadline(notice, date(2026, 12, 31))
    assert late.status == "passed" and late.describe().endswith("(passed 2 days ago)")
    assert notice_deadline(Notice(id="x", date="soon", name="bad", deadline_days=5),
                           date(2026, 1, 1)) is None
    case = Case.create("c", "2026-11-24T00:00:00+00:00")
    case.notices = [
        notice,
        Notice(id="n2", date="2026-11-01", name="Denial", deadline_name="Appeal",
               deadline_days=30),
        Notice(id="n3", date="2026-11-02", name="Letter"),
    ]
    assert [v.name for v in case_deadlines(case, date(2026, 11, 24))] == [
        "Appeal", "Reinstatement window",
    ]


def test_broken_promises_with_a_frozen_clock() -> None:
    clock = FrozenClock()  # 2026-11-24
    rows = []
    for organisation, promises in (
        ("Health Connector", ["will call back in 3 days", "letter by 2026-11-20"]),
        ("Insurer", ["email billing tomorrow", "fix it today", "sometime"]),
    ):
        live = LiveCall.start(clock, "case-000000000001", organisation)
        for text in promises:
            live.add_promise(text)
        live.end("callback promised")
        rows.append(live.call.summary_row())
    followups = followups_from_summaries(rows)
    assert [(f.text, f.due.isoformat()) for f in followups] == [
        ("letter by 2026-11-20", "2026-11-20"),
        ("fix it today", "2026-11-24"),
        ("email billing tomorrow", "2026-11-25"),
        ("will call back in 3 days", "2026-11-27"),
    ]
    today = date(2026, 11, 24)
    assert [f.status(today) for f in followups] == ["broken", "today", "upcoming", "upcoming"]
    later = date(2026, 11, 28)
    assert broken_by_organisation(followups, later) == {"Health Connector": 2, "Insurer": 2}
    followups[0].promise.done = True
    assert followups[0].done and followups[0].status(later) == "kept"
    assert broken_by_organisation(followups, later)["Health Connector"] == 1


def test_claims_side_by_side() -> None:
    case = Case.create("c", "2026-11-24T00:00:00+00:00")
    case.claims = [
        Claim(id="1", question="Coverage effective date", party="Insurer", says="1 Feb",
              date="2026-11-20", who="Dana #4471"),
        Claim(id="2", question="coverage effective date ", party="Health Connector",
              says="1 Mar", date="2026-11-21", who="Lee"),
        Claim(id="3", question="Premium paid for November?", party="Insurer", says="Yes",
              date="2026-11-20"),
        Claim(id="4", question="Premium paid for November?", party="Bank", says="yes",
              date="2026-11-22"),
    ]
    disputed, agreed = claim_groups(case)
    assert disputed.question == "Coverage effective date" and disputed.disagree
    assert disputed.parties == ["Insurer", "Health Connector"]
    assert not agreed.disagree
    case.claims.append(Claim(id="5", question="Coverage effective date", party="Insurer",
                             says="1 Mar", date="2026-11-23"))
    # The insurer changed its answer: both now say 1 Mar, so nothing is disputed.
    assert [group.disagree for group in claim_groups(case)] == [False, False]


@pytest.mark.parametrize(
    ("home", "theirs", "expected"),
    [
        ("MA", "", "MA needs everyone's consent"),
        ("ny", "ca", "CA needs everyone's consent"),
        ("NY", "MI", "MI has mixed rules"),
        ("NY", "TX", None),
        ("", "", None),
    ],
)
def test_recording_warning(home: str, theirs: str, expected: str | None) -> None:
    warning = recording_warning(home, theirs)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and warning.startswith(expected)
        assert "Do I have your permission to record?" in warning


def test_case_round_trip_with_every_record() -> None:
    case = Case.create("Coverage restricted", "2026-11-24T00:00:00+00:00")
    case.identifiers = {"Member ID": "123456789012", "Billing account": "700000001"}
    case.notices = [Notice(id="n", date="2026-11-24", name="Termination", deadline_days=35)]
    case.claims = [Claim(id="c", question="q", party="p", says="s", date="2026-11-24")]
    data = case.to_dict()
    assert Case.from_dict(data).to_dict() == data
