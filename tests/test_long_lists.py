"""Long lists shown a screenful at a time: home's cases and the history's matches. What
is not drawn yet arrives as the cursor nears the end, and counts are always whole."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from tests.pilot_helpers import wait_until
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.screens.history import HistoryScreen
from tui.screens.home import CASE_ROWS, HomeScreen
from tui.store import Store


def _history(store: Store, clock: FrozenClock, cases: int, calls: int) -> None:
    made = []
    for number in range(cases):
        case = Case.create(f"Case {number:03d}", clock.now().isoformat())
        store.save_case(case)
        made.append(case)
    for number in range(calls):
        clock.advance(600)
        live = LiveCall.start(clock, made[number % cases].id,
                              "Blue Cross" if number % 3 else "Denied Co")
        live.add_note(f"note {number} {'denied claim' if number % 3 == 0 else 'talked'}")
        live.end("resolved", "done")
        store.save_call(live.call, index=True)
    store.flush()


async def _open_history(app, pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    """``h`` from home, once the history has read every call."""
    await pilot.pause()
    await pilot.press("h")
    await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                     and app.screen.fully_loaded, "the history read")
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_home_lists_a_screenful_of_cases_and_ctrl_end_reaches_the_last(
        make_app, store: Store, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    _history(store, clock, cases=CASE_ROWS * 2 + 7, calls=3)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#cases-table", DataTable)
        assert table.has_focus and table.row_count == CASE_ROWS
        await pilot.press("ctrl+end")  # the last case: every one listed first
        await wait_until(pilot, lambda: table.cursor_row == CASE_ROWS * 2 + 6, "the last case")
        assert table.row_count == CASE_ROWS * 2 + 7
        last = str(table.get_row_at(table.cursor_row)[0])
        assert last.startswith("Case ")


async def test_a_filter_counts_every_match_and_scrolls_to_the_last(
        make_app, store: Store, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    _history(store, clock, cases=4, calls=150)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_history(app, pilot)
        screen.query_one("#history-filter", Input).focus()
        await pilot.press(*"denied")  # one burst: each key finds a screenful, then counted
        count = screen.query_one("#history-count", Static)
        await wait_until(pilot, lambda: "50 of 150 calls" in str(count.content), "the count")
        table = screen.query_one(DataTable)
        assert 0 < table.row_count < 50
        table.focus()
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: table.cursor_row == 49, "the last match")
        assert table.row_count == 50
        assert all("Denied Co" in str(table.get_row_at(i)[2]) for i in range(50))


@pytest.mark.parametrize("width", [80, 60])
async def test_the_count_line_is_whole_in_narrow_windows(
        make_app, store: Store, clock: FrozenClock, width: int,
) -> None:  # type: ignore[no-untyped-def]
    """Count, its state and the sort are all readable in an 80- or 60-column window
    (what does not fit wraps to a second line instead of being cut)."""
    from tests.test_call_flow import _export_text

    _history(store, clock, cases=4, calls=150)
    app = make_app()
    async with app.run_test(size=(width, 24)) as pilot:
        screen = await _open_history(app, pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("s", "s")  # sorted by organisation: the longest line
        count = screen.query_one("#history-count", Static)
        await wait_until(pilot, lambda: "organisation" in str(count.content)
                         and "150 of 150" in str(count.content), "the sort, counted")
        await pilot.pause()
        text = " ".join(_export_text(app).split())
        assert "150 of 150 calls (more below)" in text
        assert "sorted by organisation (high to low)" in text or \
            "sorted by organisation (low to high)" in text
