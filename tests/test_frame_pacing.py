"""A change shows as soon as the screen has handled its messages, not at the next tick of
Textual's frame clock; and a screen still draws at most one frame per frame period.

The screen's frame timer is stopped in these tests, so any frame written comes from the
screen drawing when it went idle (``LineDrawnScreen._on_idle``)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual import events
from textual._wait import wait_for_idle
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import UPDATE_PERIOD
from textual.widgets import DataTable, Static

import tui.screens.base
from tests.test_history import open_history, seed
from tui.domain.clock import FrozenClock
from tui.screens.base import LineDrawnScreen
from tui.store import Store


class Panel(LineDrawnScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("before", id="panel-text")


class PanelApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Panel())


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every widget has handled its messages, as ``Pilot.pause`` does, but
    without drawing the screen afterwards as ``Pilot.pause`` does."""
    await pilot._wait_for_screen()
    await wait_for_idle(0)


def _record_frames(app: App[None]) -> list[str]:
    """The text of every frame the app writes from now on."""
    frames: list[str] = []
    display = app._display

    def written(screen: Any, update: Any) -> None:
        if update is not None:
            frames.append(update.render_segments(app.console))
        display(screen, update)

    app._display = written  # type: ignore[assignment]
    return frames


@asynccontextmanager
async def _panel(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[
        tuple[Pilot[None], Panel, Static, list[float]]]:
    """The panel app on a clock the test moves (``now[0]``), its frame clock stopped: any
    frame written comes from the screen drawing once idle."""
    now = [1000.0]
    monkeypatch.setattr(tui.screens.base, "monotonic", lambda: now[0])
    app = PanelApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Panel)
        screen._update_timer.stop()  # no tick of the frame clock from here on
        yield pilot, screen, screen.query_one("#panel-text", Static), now


async def test_a_change_is_drawn_when_the_screen_is_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with _panel(monkeypatch) as (pilot, _screen, text, now):
        frames = _record_frames(pilot.app)
        now[0] += 2 * UPDATE_PERIOD  # more than a frame period after the last frame
        text.update("after")
        await settle(pilot)
        assert any("after" in frame for frame in frames), frames


async def test_frames_stay_a_frame_period_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    async with _panel(monkeypatch) as (pilot, _screen, text, now):
        frames = _record_frames(pilot.app)
        now[0] += 2 * UPDATE_PERIOD
        text.update("first")
        await settle(pilot)
        assert any("first" in frame for frame in frames)
        # Less than a frame period later: this change waits (for the frame clock, here
        # stopped), it is not drawn on idle.
        frames.clear()
        now[0] += UPDATE_PERIOD / 2
        text.update("second")
        await settle(pilot)
        assert frames == []
        # A frame period after the last frame, the next idle draws everything waiting.
        now[0] += 2 * UPDATE_PERIOD
        text.update("third")
        await settle(pilot)
        assert any("third" in frame for frame in frames), frames


async def test_the_frame_of_a_filter_key_shows_the_rows_it_filtered(  # type: ignore[no-untyped-def]
        make_app, store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The frame that first shows the typed letter draws the rows it filtered too (the
    frame clock used to draw it as soon as the field had changed, the rows a frame later).

    The hold is made long here so that a slow, loaded machine cannot end it early: what
    this checks is that the screen waits for the table, not how long it may."""
    monkeypatch.setattr(tui.screens.base, "HOLD_AT_MOST", 30.0, raising=False)
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        history = await open_history(app, pilot)
        history.action_focus_filter()
        await pilot.pause()
        table = history.query_one(DataTable)
        rows_drawn_for = [""]
        render_lines = table.render_lines

        def rendered(crop: Any) -> Any:
            rows_drawn_for[0] = history._query
            return render_lines(crop)

        monkeypatch.setattr(table, "render_lines", rendered)
        frames: list[tuple[str, str]] = []
        display = app._display

        def written(screen: Any, update: Any) -> None:
            if update is not None:
                frames.append((_plain(update.render_segments(app.console)), rows_drawn_for[0]))
            display(screen, update)

        monkeypatch.setattr(app, "_display", written)
        for typed in ("r", "re", "ret", "retr", "retro"):
            frames.clear()
            await pilot.press(typed[-1])
            await pilot.pause()
            field_shown = [rows for text, rows in frames if f"{typed} " in text]
            assert field_shown, (typed, frames)
            assert field_shown[0] == typed, (typed, frames)
        assert table.row_count == 1  # "retro" is in one call's notes


def _plain(frame: str) -> str:
    """A frame's text without its escape sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", frame)


async def test_a_widget_busy_every_frame_does_not_hold_the_screen_still(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with _panel(monkeypatch) as (pilot, screen, text, now):
        frames = _record_frames(pilot.app)
        text.update("changed")
        await settle(pilot)
        frames.clear()
        screen._repaint_required = True  # something to draw ...
        monkeypatch.setattr(text, "_repaint_required", True)  # ... and a widget never done
        now[0] += 2 * UPDATE_PERIOD
        screen._on_frame_tick()
        assert frames == []  # held: the widget may still be on its way
        now[0] += tui.screens.base.HOLD_AT_MOST
        screen._on_frame_tick()
        assert frames  # drawn anyway once held that long


async def test_the_frame_is_drawn_in_a_step_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the screen did before going idle (home made again after a pop) and the frame
    are two steps of the event loop: a key typed meanwhile is read between them."""
    async with _panel(monkeypatch) as (pilot, screen, text, now):
        text.update("changed")
        await settle(pilot)  # drawn, and nothing left to draw
        frames = _record_frames(pilot.app)
        now[0] += 2 * UPDATE_PERIOD
        screen._repaint_required = True
        await screen._on_idle(events.Idle())
        assert frames == []  # not in the idle handler's step ...
        assert screen._draw_next  # ... but in a step of the event loop's own, next
        await settle(pilot)
        assert len(frames) == 1
