"""Pilot tests: history filtering, sorting, opening a call read-only, statistics."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Sparkline, Static

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.screens.call_detail import CallDetailScreen
from tui.screens.history import HistoryScreen
from tui.screens.home import HomeScreen
from tui.screens.stats import StatsScreen
from tui.store import Store

from .test_call_flow import _export_text


def seed(store: Store, clock: FrozenClock) -> Case:
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    plan = [
        ("Massachusetts Health Connector", "Dana", "4471", 45, "Asked for billing review",
         "88213", "no progress"),
        ("Neighborhood Health Plan", "Priya", "A-118", 5, "Enrollment dates verified [1 Feb]",
         "NHP-55", "resolved"),
        ("Massachusetts Health Connector", "Marco", "", 80, "Supervisor refused retro request",
         "", "escalated"),
    ]
    for organisation, name, rep_id, hold_minutes, note, ref, outcome in plan:
        live = LiveCall.start(clock, case.id, organisation)
        live.current_rep.first_name = name
        live.current_rep.rep_id = rep_id
        live.current_rep.id_refused = not rep_id
        clock.advance(60)
        live.toggle_hold()
        clock.advance(hold_minutes * 60)
        live.toggle_hold()
        live.enter_line(note)
        if ref:
            live.enter_line(f"ref: {ref}")
        live.enter_line("promise: call back tomorrow")
        clock.advance(300)
        live.end(outcome, f"{outcome} summary")
        store.save_call(live.call, index=True)
        clock.advance(86400 * 2)
    return case


async def open_history(app, pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    await pilot.press("h")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_filter_as_you_type_and_highlight(make_app, store: Store,
                                                clock: FrozenClock) -> None:
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_history(app, pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        await pilot.press(*"4471")  # a rep ID
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press(*["backspace"] * 4, *"retro")  # words from notes
        await pilot.pause()
        assert table.row_count == 1
        assert "note: Supervisor refused retro request" in " ".join(_export_text(app).split())
        match = screen.match_for(str(table.coordinate_to_cell_key((0, 0)).row_key.value))
        assert any("reverse" in str(span.style) for span in match.spans)
        await pilot.press(*["backspace"] * 5, *"nhp-55")  # a reference number
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press(*["backspace"] * 6, *"[1 feb]")  # brackets stay literal
        await pilot.pause()
        assert table.row_count == 1
        key = str(table.coordinate_to_cell_key((0, 0)).row_key.value)
        assert screen.match_for(key).plain == "note: Enrollment dates verified [1 Feb]"
        screen.query_one(Input).value = "connector summary"  # every word must match
        await pilot.pause()
        assert table.row_count == 2
        screen.query_one(Input).value = "nobody said this"
        await pilot.pause()
        assert table.row_count == 0
        shown = " ".join(_export_text(app).split())
        assert "0 of 3 calls" in shown
        match_line = screen.query_one("#history-match", Static)
        assert str(match_line.render()) == ""  # no match line left from an earlier filter


async def test_sort_and_open_a_call_read_only(make_app, store: Store,
                                              clock: FrozenClock) -> None:
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_history(app, pilot)
        table = screen.query_one(DataTable)
        first = [str(table.get_row_at(i)[2]) for i in range(3)]
        assert first[0] == "Massachusetts Health Connector"  # newest first
        table.focus()
        for _ in range(4):  # when → case → organisation → length → on hold
            await pilot.press("s")
        await pilot.pause()
        holds = [str(table.get_row_at(i)[4]) for i in range(3)]
        assert holds == ["1h 20m", "45m 00s", "5m 00s"]
        await pilot.press("r")
        await pilot.pause()
        assert [str(table.get_row_at(i)[4]) for i in range(3)] == ["5m 00s", "45m 00s", "1h 20m"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen)
        text = _export_text(app)
        assert "Neighborhood Health Plan" in text
        assert "On the line: Priya #A-118 (agent)" in text
        assert "On hold" in text and "Off hold (held 5m 00s)" in text
        assert "Reference number: NHP-55" in text
        assert "Call ended: resolved" in text
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_statistics_per_organisation(make_app, store: Store, clock: FrozenClock) -> None:
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await open_history(app, pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        text = _export_text(app)
        assert "3 calls · 2h 10m on hold (2.2 hours)" in text
        orgs = app.screen.query_one("#stats-orgs", DataTable)
        connector = [str(c) for c in orgs.get_row_at(0)]
        assert connector[:5] == ["Massachusetts Health Connector", "2", "0", "2h 05m", "1h 20m"]
        assert connector[7] == "1"  # Marco refused to give an ID
        assert app.screen.query_one(Sparkline).data == [45.0, 5.0, 80.0]


async def test_export_from_the_app(make_app, store: Store, clock: FrozenClock,
                                   tmp_path) -> None:  # type: ignore[no-untyped-def]
    import stat

    from tui.screens.export_dialog import MASKED
    from tui.screens.form import FormDialog

    seed(store, clock)
    case = store.list_cases()[0].copy()
    case.identifiers["Member ID"] = "123456789012"
    store.save_case(case)
    app = make_app()
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = await open_history(app, pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-path", Input).value = str(tmp_path / "dossier")
        await pilot.press("ctrl+s")  # masked or not: never a silent default
        await pilot.pause()
        assert app.screen is dialog
        assert any("Identifiers" in n.message and "needed" in n.message
                   for n in app._notifications)
        dialog.query_one("#field-mask", Select).value = MASKED
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Exported 3 calls" in n.message for n in app._notifications)
    written = tmp_path / "dossier.md"
    text = written.read_text("utf-8")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "Coverage restricted" in text and "Supervisor refused retro request" in text
    assert "123456789012" not in text and "9012" in text  # masked, as chosen


async def test_a_call_from_last_year_shows_its_year(make_app, store: Store,
                                                    clock: FrozenClock) -> None:
    """A call of 2025-12-18 listed with calls of this November read "Dec 18", as if it
    were next month's: lists show the year of calls older than six months."""
    from datetime import UTC, datetime

    case = Case.create("Old dispute", "2025-12-01T12:00:00+00:00")
    store.save_case(case)
    old = FrozenClock(datetime(2025, 12, 18, 15, 0, tzinfo=UTC))
    live = LiveCall.start(old, case.id, "Old Billing Office")
    old.advance(120)
    live.end("resolved", "")
    store.save_call(live.call, index=True)
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = _export_text(app)
        assert "2025-12-18" in home and "Nov 2" in home  # recent calls, the cases' last call
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        shown = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
        assert shown[-1] == "2025-12-18" and all(s.startswith("Nov ") for s in shown[:-1])
