"""Promise status keeps the record: kept, kept late (still broken), broken, open; the
date it was done is kept; marking done can be undone; the command line lists them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.followups import promise_status
from tui.domain.model import Case, Promise
from tui.domain.stats import compute
from tui.domain.timefmt import to_iso
from tui.service import CallRequest, EndCallResult, Service, ServiceError
from tui.store import Store

TODAY = date(2026, 11, 24)


def promise(due: str | None, done_at: str | None = None, done: bool = False) -> Promise:
    return Promise(text="call back", due=due, elapsed=0.0, at="2026-11-01T12:00:00+00:00",
                   done=done or done_at is not None, done_at=done_at)


@pytest.mark.parametrize(("made", "status"), [
    (promise("2026-11-30"), "upcoming"),
    (promise("2026-11-24"), "today"),
    (promise("2026-11-20"), "broken"),
    (promise(None), "undated"),
    (promise("2026-11-20", "2026-11-19T22:00:00+00:00"), "kept"),
    (promise("2026-11-20", "2026-11-20T23:30:00+00:00"), "kept"),  # same local day (UTC)
    (promise("2026-11-20", "2026-11-21T09:00:00+00:00"), "kept late"),
    (promise("2026-11-30", "2026-11-21T09:00:00+00:00"), "kept"),
    (promise(None, "2026-11-21T09:00:00+00:00"), "kept"),
    (promise("2026-11-20", None, done=True), "kept"),  # done before dates were kept
])
def test_promise_status(made: Promise, status: str) -> None:
    assert promise_status(made, TODAY) == status


def test_kept_late_counts_as_broken_in_every_total() -> None:
    clock = FrozenClock()
    from tui.domain.live import LiveCall

    live = LiveCall.start(clock, "case-000000000001", "Insurer")
    live.add_promise("call back by 2026-11-20")
    live.add_promise("letter by 2026-11-30")
    live.add_promise("email by 2026-11-22")
    call = live.end("no progress")
    call.promises[0].done, call.promises[0].done_at = True, "2026-11-23T15:00:00+00:00"
    call.promises[1].done, call.promises[1].done_at = True, "2026-11-23T15:00:00+00:00"
    stats = compute([call], TODAY)
    assert (stats.kept, stats.kept_late, stats.broken, stats.pending) == (1, 1, 2, 0)


@pytest.fixture
def service(store: Store, clock: FrozenClock) -> Service:
    return Service(store, {}, [], clock)


def test_done_keeps_its_date_and_can_be_undone(service: Service, clock: FrozenClock) -> None:
    session = service.calls.start(CallRequest("Case", "Insurer"))
    session.enter_line("promise: call back tomorrow")
    session.end(EndCallResult("callback promised", ""))
    (item,) = service.followups.all()
    clock.advance(3 * 86400)
    service.followups.set_done(item.call_id, item.index)
    (item,) = service.followups.all()
    assert item.done_at == to_iso(clock.now())
    assert item.status(service.today()) == "kept late"
    assert service.home().broken_by_organisation["Insurer"] == 1
    assert [f.key for f in service.home().followups] == [item.key]  # still listed, to undo
    service.followups.set_done(*service.followups.by_key(item.key), done=False)
    (item,) = service.followups.all()
    assert (item.done, item.done_at, item.status(service.today())) == (False, None, "broken")


def test_followups_command_lists_and_marks(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    data = tmp_path / "data"
    clock = FrozenClock()
    with Store.open(data) as store:
        service = Service(store, {}, [], clock)
        store.save_case(Case.create("Case", to_iso(clock.now())))
        session = service.calls.start(CallRequest("Case", "Connector"))
        session.enter_line("promise: call back by 2026-11-20")
        session.enter_line("promise: letter in 3 weeks")
        session.end(EndCallResult("callback promised", ""))
        call_id = session.call.id
    assert main(["--data-dir", str(data), "followups", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["status"]) for r in rows][0] == (f"{call_id}#1", "broken")
    assert main(["--data-dir", str(data), "followups", "--due"]) == 0
    out = capsys.readouterr().out
    assert f"{call_id}#1" in out and "broken" in out and f"{call_id}#2" not in out
    assert main(["--data-dir", str(data), "followups", "done", f"{call_id}#1"]) == 0
    assert "Done: call back by 2026-11-20" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "followups", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["done_at"] is not None and rows[0]["status"] in ("kept", "kept late")
    assert main(["--data-dir", str(data), "followups", "done", f"{call_id}#1", "--undo"]) == 0
    assert "Not done" in capsys.readouterr().out
    for bad in ("nope", f"{call_id}#9", "call-000000000000#1"):
        assert main(["--data-dir", str(data), "followups", "done", bad]) == 1
        err = capsys.readouterr().err
        assert err.startswith("holdtheline: ") and err.count("\n") == 1


async def test_resolved_cases_and_recent_calls_are_reachable_from_home(make_app, store: Store,  # type: ignore[no-untyped-def]
                                                                         clock: FrozenClock
                                                                         ) -> None:
    from tui.screens.call_detail import CallDetailScreen
    from tui.screens.case import CaseScreen
    from tui.screens.home import HomeScreen

    service = Service(store, {}, [], clock)
    session = service.calls.start(CallRequest("Old fight", "Insurer"))
    session.end(EndCallResult("resolved", "fixed"))
    service.cases.toggle_status(session.call.case_id)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        cases = app.screen.query_one("#cases-table")
        assert cases.row_count == 1  # the resolved case is listed
        cases.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one("#calls-table").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen)
        assert app.screen.call.id == session.call.id


def test_the_callers_details_head_the_dossier_and_are_masked_when_asked(
        store: Store, clock: FrozenClock, tmp_path: Path) -> None:
    service = Service(store, {}, [], clock)
    service.save_profile({"name": "Ana Reyes", "phone": "617-555-0142",
                          "email": "ana@example.org", "date_of_birth": "3/14/1961"})
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.end(EndCallResult("resolved", ""))
    case = service.cases.open_or_create("Coverage restricted")
    service.cases.rename(case.id, {"title": case.title, "member": "my mother, Rosa Reyes"})
    text, _cases, _calls = service.exports.render("md")
    assert "**Prepared by:** Ana Reyes (617-555-0142, ana@example.org)" in text
    assert "1961-03-14" in text and "About: my mother, Rosa Reyes" in text
    masked, _cases, _calls = service.exports.render("md", mask=True)
    assert "**Prepared by:** A. R." in masked and "Ana Reyes" not in masked
    assert "617-555-0142" not in masked and "0142" in masked and "Rosa" not in masked
    as_json, _cases, _calls = service.exports.render("json")
    assert json.loads(as_json)["profile"]["name"] == "Ana Reyes"
    with pytest.raises(ServiceError, match="Date of birth"):
        service.save_profile({"name": "x", "date_of_birth": "whenever"})


def _many_followups(seed: int, count: int, today: date) -> list:  # type: ignore[type-arg]
    """Follow-ups of every state, crowded on a few dates (ties broken by organisation,
    text, call and place), in a shuffled order."""
    import random
    from datetime import timedelta

    from tui.domain.followups import FollowUp
    from tui.domain.model import PromiseSummary

    chance = random.Random(seed)
    made = []
    for number in range(count):
        due = today + timedelta(days=chance.choice([-40, -3, -1, 0, 0, 1, 2, 9]))
        done = chance.random() < 0.3
        done_at = (f"{(due + timedelta(days=chance.choice([-2, 0, 1, 5]))).isoformat()}"
                   "T12:00:00+00:00") if done else None
        missed = "2020-01-01" if chance.random() < 0.05 else None
        promise = PromiseSummary(chance.choice(["call back", "refund", "letter"]),
                                 due.isoformat(), done, done_at, f"promise-{number % 3 + 1}",
                                 missed)
        made.append(FollowUp(f"call-{chance.randrange(50):04d}", number % 3,
                             "case-1", chance.choice(["Acme", "Blue Cross", "MassHealth"]),
                             promise, due))
    chance.shuffle(made)
    return made


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 25, 400])
def test_home_lists_the_same_follow_ups_from_any_order(seed: int, count: int) -> None:
    """Home made from a long history's digests picks the few shown without sorting
    them all: the same follow-ups, in the same order, with the same counts, as from the
    sorted list (ties on a date included)."""
    from tui.domain.followups import soonest_first
    from tui.service.followups import overview_of

    today = date(2026, 12, 1)
    items = _many_followups(seed, count, today)
    ordered = overview_of(soonest_first(items), today)
    assert overview_of(items, today, ordered=False) == ordered
    if count >= 25:
        assert len(ordered.shown) > 10 and ordered.broken_by_organisation


@pytest.mark.parametrize("count", [0, 1, 3, 7, 40])
def test_the_first_and_last_few_follow_ups_are_those_of_the_sorted_list(count: int) -> None:
    from tui.domain.followups import soonest_first
    from tui.service.followups import _first, _last

    items = _many_followups(3, 30, date(2026, 12, 1))
    ordered = soonest_first(items)
    assert _first(items, count) == ordered[:count]
    assert _last(items, count) == (ordered[-count:] if count else [])

