"""Every screen's styles: those of home read before its first frame, the others just
after; a screen is styled the same whenever it opens, and none makes Textual parse and
restyle everything as it opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static

import tui.app
from tests.pilot_helpers import wait_until
from tui.app import FIRST_SHEETS, HoldTheLineApp
from tui.screens.history import HistoryScreen

SCREENS = Path(__file__).resolve().parents[1] / "tui" / "screens"
EVERY_SHEET = {path.name for path in SCREENS.glob("*.tcss")} | {"app.tcss"}


def _sheets(app: HoldTheLineApp) -> set[str]:
    return {Path(path).name for path, _ in app.stylesheet.source if path.endswith(".tcss")}


def _count_reparses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted = [0]
    reparse = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        counted[0] += 1
        reparse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    return counted


def _sheets_at_first_paint(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The sheets read when the app's first frame is drawn (filled in then)."""
    at_first_paint: list[set[str]] = []
    first_paint_done = HoldTheLineApp._first_paint_done

    def noting(self: HoldTheLineApp) -> None:
        at_first_paint.append(_sheets(self))
        first_paint_done(self)

    monkeypatch.setattr(HoldTheLineApp, "_first_paint_done", noting)
    return at_first_paint


def _history_styled(app: HoldTheLineApp) -> bool:
    """history.tcss applied: the match line's padding (Textual's default has none)."""
    match = app.screen.query_one("#history-match", Static)
    return match.styles.padding.left == 2


async def test_home_first_then_every_sheet_and_no_screen_parses_again(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    reparses = _count_reparses(monkeypatch)
    at_first_paint = _sheets_at_first_paint(monkeypatch)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(at_first_paint), what="the first frame")
        assert at_first_paint == [set(FIRST_SHEETS)]  # home drawn with its own styles only
        await wait_until(pilot, lambda: _sheets(app) == EVERY_SHEET, what="every sheet")
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen),
                         what="the history")
        assert _history_styled(app)
        assert reparses == [0]


async def test_a_screen_opened_before_the_other_sheets_is_styled_all_the_same(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tui.app, "LATER_SHEETS_AFTER", 600.0)  # not before the history
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen),
                         what="the history")
        assert "history.tcss" in _sheets(app) and "call.tcss" not in _sheets(app)
        assert _history_styled(app)
        app._read_later_sheets()  # as the timer would
        await pilot.pause()
        assert _sheets(app) == EVERY_SHEET
        assert _history_styled(app)


async def test_an_app_that_starts_elsewhere_reads_every_sheet_first(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    at_first_paint = _sheets_at_first_paint(monkeypatch)
    app = make_app(ask_to_start=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(at_first_paint), what="the first frame")
        assert at_first_paint == [EVERY_SHEET]
