"""``holdtheline call``: the call opens over home at once; home's lists are made when it
shows (after the call), not first, and are then complete."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.pilot_helpers import wait_until
from tests.test_call_flow import REQUEST
from tests.test_history import seed
from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.screens.home import HomeScreen
from tui.service import EndCallResult
from tui.store import Store


async def test_home_is_made_when_it_shows_not_under_the_call(
        make_app, store: Store, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    seed(store, clock)
    made: list[bool] = []
    refresh_lists = HomeScreen.refresh_lists

    def noting(self: HomeScreen) -> None:
        made.append(self.app.screen is self)
        refresh_lists(self)

    monkeypatch.setattr(HomeScreen, "refresh_lists", noting)
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CallScreen), what="the call")
        await pilot.pause()
        assert made == []  # not while the call covers it
        call = app.screen
        assert isinstance(call, CallScreen)
        call._ended(EndCallResult("resolved", ""))
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        await pilot.pause()
        assert made and all(made)
        table = app.screen.query_one("#calls-table", DataTable)
        assert table.row_count == 4  # the three before and this one, on top
        assert str(table.coordinate_to_cell_key((0, 0)).row_key.value) == call.session.call.id


async def test_home_under_the_start_dialog_is_made_at_once(
        make_app, store: Store, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    seed(store, clock)
    app = make_app(ask_to_start=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        home = app.screen_stack[1]
        assert isinstance(home, HomeScreen) and app.screen is not home
        calls = home.query_one("#calls-table", DataTable)
        await wait_until(pilot, lambda: calls.row_count == 3, what="home's calls, dimmed")
