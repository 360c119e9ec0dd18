"""Pilot tests: continuing an interrupted call, a redial that shows the dropped call,
fixing holds during and after a call, and hold time with the organisation."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RichLog

from tests.test_call_flow import REQUEST, _export_text, on_disk, type_text
from tui.cli import main
from tui.config import Config
from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.screens.call_detail import CallDetailScreen
from tui.screens.confirm import ConfirmKeyDialog
from tui.screens.form import FormDialog
from tui.screens.history import HistoryScreen
from tui.screens.home import HomeScreen
from tui.service import CallRequest, EndCallResult, Service
from tui.store import Store


def log_text(app) -> str:  # type: ignore[no-untyped-def]
    """The notes log as one line of words (its lines wrap at the log's width)."""
    log = app.screen.query_one("#notes-log", RichLog)
    return " ".join(" ".join(strip.text for strip in log.lines).split())


def interrupted_call(app_service: Service, clock: FrozenClock) -> str:
    """A call with a rep, a note, a reference and a ticked step, then the app quit."""
    session = app_service.calls.start(REQUEST)
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    clock.advance(60)
    session.enter_line("asked for a supervisor")
    session.enter_line("ref: 88213")
    session.set_step("ma-health-connector#1: ask", True)
    app_service.shutdown()
    return session.call.id


async def test_continue_an_interrupted_call_from_home(make_app, store: Store, data_dir: Path,
                                                      clock: FrozenClock) -> None:
    app = make_app()
    call_id = interrupted_call(app.service, clock)
    other = app.service.calls.start(CallRequest("Other", "Insurer"))
    other.end(EndCallResult("resolved", ""))
    clock.advance(17 * 60)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "u on an interrupted call continues it" in _export_text(app)
        calls = home.query_one("#calls-table", DataTable)
        calls.focus()
        await pilot.pause()
        # Newest first: the resolved call is highlighted; no "Continue" for it.
        assert not home.check_action("continue_call", ())
        assert "Continue" not in _export_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down")
        await pilot.pause()
        assert home.check_action("continue_call", ())
        assert "Continue" in _export_text(app)
        outcome = calls.get_row_at(1)[-1]
        assert str(outcome) == "interrupted" and "reverse" in str(outcome.style or outcome.spans)
        await pilot.press("u")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.session.call.id == call_id
        assert screen.session.elapsed() == 60
        text = log_text(app)
        assert "asked for a supervisor" in text and "88213" in text
        assert "APP CLOSED App closed 14:06–14:23 (17m 00s, not recorded); call continued" in text
        assert screen.query_one("#rep-name", Input).value == "Dana"
        assert any("Call continued" in n.message for n in app._notifications)
        clock.advance(30)
        await pilot.press("ctrl+n")
        await type_text(pilot, "after the gap")
        await pilot.press("enter")
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("tab", "enter")  # resolved
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert not app.screen.check_action("continue_call", ())
    assert store.flush()
    saved = {call["id"]: call for call in on_disk(data_dir)}[call_id]
    assert saved["status"] == "ended" and saved["outcome"] == "resolved"
    assert [n["text"] for n in saved["notes"]] == ["asked for a supervisor", "after the gap"]
    assert saved["notes"][1]["elapsed"] == 90
    assert saved["gaps"][0]["start_elapsed"] == 60
    assert saved["checklist"] == {"ma-health-connector#1: ask": True}
    assert len(on_disk(data_dir)) == 2


async def test_the_app_started_with_resume_opens_the_call(make_app, store: Store,
                                                          clock: FrozenClock) -> None:
    first = make_app()
    call_id = interrupted_call(first.service, clock)
    app = make_app(resume=call_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.session.call.id == call_id
        # Quitting again keeps it interrupted again, with the gap.
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    call = store.load_call(call_id)
    assert call.outcome == "interrupted" and len(call.gaps) == 1


def test_resume_without_an_interrupted_call_is_one_line_and_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path / "d"), "call", "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("holdtheline: no interrupted call to continue") and err.count("\n") == 1
    assert main(["--data-dir", str(tmp_path / "d"), "call", "--resume", "--case", "x"]) == 1
    assert "leave out --case" in capsys.readouterr().err


async def test_a_redial_shows_the_dropped_call_and_offers_the_same_rep(
        make_app, store: Store, data_dir: Path, clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, CallScreen)
        assert not first.check_action("same_rep", ())  # not a redial
        await type_text(pilot, "Dana")
        await pilot.press("tab")
        await type_text(pilot, "4471")
        await pilot.press("ctrl+n")
        for note in ("one", "two", "three", "four", "ref: 88213"):
            clock.advance(5)
            await type_text(pilot, note)
            await pilot.press("enter")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmKeyDialog)
        await pilot.press("f5")
        await pilot.pause()
        redial = app.screen
        assert isinstance(redial, CallScreen) and redial is not first
        assert redial.session.call.redial_of == first.session.call.id
        text = log_text(app)
        assert "Reps: 1. Dana #4471 (agent)" in text
        assert "Reference numbers: 88213" in text
        assert "Last 3 notes:" in text and "two" in text and "four" in text
        assert "one" not in text.split("Last 3 notes:")[1]
        assert "Same rep? ctrl+y fills Rep 1 with Dana #4471 (agent)" in text
        assert redial.check_action("same_rep", ())
        assert "Same rep" in _export_text(app)  # in the footer while it applies
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert redial.query_one("#rep-name", Input).value == "Dana"
        assert redial.query_one("#rep-id", Input).value == "4471"
        assert "Same rep as the dropped call: Dana #4471 (agent)" in log_text(app)
        assert not redial.check_action("same_rep", ())
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    dropped, again = sorted(on_disk(data_dir), key=lambda c: c["redial_of"])
    assert dropped["outcome"] == "disconnected"
    assert (again["reps"][0]["first_name"], again["reps"][0]["rep_id"]) == ("Dana", "4471")


async def test_typing_a_name_on_a_redial_withdraws_the_offer(make_app, clock: FrozenClock
                                                             ) -> None:
    app = make_app()
    session = app.service.calls.start(REQUEST)
    session.set_rep_field("first_name", "Dana")
    request = session.drop_for_redial()
    async with app.run_test(size=(100, 30)) as pilot:
        app.begin_call(request, redial_of=session.call.id)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.check_action("same_rep", ())
        await type_text(pilot, "Lee")
        await pilot.pause()
        assert not screen.check_action("same_rep", ())
        await pilot.press("ctrl+y")  # does nothing now: Lee stays
        await pilot.pause()
        assert screen.session.current_rep.first_name == "Lee"


async def test_on_hold_since_during_the_call(make_app, store: Store, data_dir: Path,
                                             clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        clock.advance(15 * 60)
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert any("cannot start before the call" in n.message for n in app._notifications)
        assert not app.screen.session.call.on_hold
        await pilot.press("f9")
        await pilot.pause()
        await type_text(pilot, "ten")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)  # refused in the form, in one line
        assert any("whole number" in n.message for n in app._notifications)
        await pilot.press("ctrl+u")
        await type_text(pilot, "10")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and screen.session.call.on_hold
        assert "On hold since 14:10 (corrected at 14:20; was 14:20–…)" in log_text(app)
        text = _export_text(app)
        assert "ON HOLD" in text and "On hold  00:10:00" in text
        assert "on hold with them" not in text  # the first call to them: the timer says it
    assert store.flush()
    (call,) = on_disk(data_dir)
    segment = call["hold_segments"][0]
    assert segment["start"] == "2026-11-24T14:10:00+00:00"
    assert segment["revisions"][0]["before"]["start"] == "2026-11-24T14:20:00+00:00"


async def test_hold_time_with_the_organisation_and_the_hold_alert(
        make_app, store: Store, clock: FrozenClock, tmp_path: Path) -> None:
    setup = make_app()
    for minutes in (100, 50):
        session = setup.service.calls.start(REQUEST)
        session.toggle_hold()
        clock.advance(minutes * 60)
        session.end(EndCallResult("no progress", ""))
    app = make_app(start=REQUEST,
                   config=Config(tmp_path / "config.toml", hold_alert_minutes=20))
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 34), notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert "2h 30m on hold with them so far, 3 calls" in _export_text(app)
        await pilot.press("ctrl+o")
        clock.advance(19 * 60)
        screen._watch_hold()
        assert rings == []
        clock.advance(60)
        screen._watch_hold()
        screen._watch_hold()
        await pilot.pause()
        assert rings == [1]
        alerts = [n for n in app._notifications if "On hold for 20 min" in n.message]
        assert len(alerts) == 1 and alerts[0].severity == "warning"
        assert "2h 50m on hold with them so far, 3 calls" in _export_text(app)
        await pilot.press("ctrl+o", "ctrl+o")  # a new hold: its own alert later
        clock.advance(20 * 60)
        screen._watch_hold()
        assert rings == [1, 1]


async def _open_history_call(app, pilot) -> CallDetailScreen:  # type: ignore[no-untyped-def]
    await pilot.press("h")
    await pilot.pause(0.5)
    history = app.screen
    assert isinstance(history, HistoryScreen)
    table = history.query_one(DataTable)
    table.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, CallDetailScreen)
    return app.screen


async def test_fix_a_hold_after_the_call(make_app, store: Store, data_dir: Path,
                                         clock: FrozenClock) -> None:
    setup = make_app()
    session = setup.service.calls.start(REQUEST)
    clock.advance(60)
    session.toggle_hold()
    clock.advance(300)
    session.toggle_hold()  # 14:06–14:11
    clock.advance(540)
    session.toggle_hold()
    clock.advance(300)
    session.toggle_hold()  # 14:20–14:25
    clock.advance(900)
    session.end(EndCallResult("no progress", ""))  # ended 14:40
    clock.advance(3600)
    app = make_app()
    async with app.run_test(size=(110, 34), notifications=True) as pilot:
        await pilot.pause()
        detail = await _open_history_call(app, pilot)
        assert "on hold 10m 00s" in _export_text(app)
        await pilot.press("h")
        await pilot.pause()
        await type_text(pilot, "Hold 1")
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#field-start", Input).value == "14:06:00"
        assert form.query_one("#field-end", Input).value == "14:11:00"
        form.query_one("#field-end", Input).value = "14:21"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        assert any("overlap the hold 14:20–14:25" in n.message for n in app._notifications)
        assert detail.call.hold_seconds() == 600  # nothing changed
        await pilot.press("h")
        await pilot.pause()
        await type_text(pilot, "Hold 1")
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#field-end", Input).value = "14:16"
        app.screen.query_one("#field-reason", Input).value = "pressed ctrl+o late"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is detail
        text = _export_text(app)
        assert "on hold 15m 00s" in text and "talking 20m 00s" in text
        assert "On hold (corrected at 15:40; was 14:06–14:11)" in text
        assert "1 of 2 holds corrected" in text
        await pilot.press("escape")
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert "15m 00s" in _export_text(app)  # the list shows the corrected total
    assert store.flush()
    (call,) = on_disk(data_dir)
    first = call["hold_segments"][0]
    assert first["end"] == "2026-11-24T14:16:00+00:00" and first["end_elapsed"] == 660
    assert first["revisions"] == [{"at": "2026-11-24T15:40:00+00:00",
                                   "before": {"end": "2026-11-24T14:11:00+00:00",
                                              "end_elapsed": 360.0},
                                   "reason": "pressed ctrl+o late"}]


async def test_a_call_without_holds_has_nothing_to_fix(make_app, store: Store,
                                                       clock: FrozenClock) -> None:
    setup = make_app()
    session = setup.service.calls.start(REQUEST)
    clock.advance(60)
    session.end(EndCallResult("resolved", ""))
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await _open_history_call(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen)
        assert any("no hold to fix" in n.message for n in app._notifications)
