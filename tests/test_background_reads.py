"""A screen that reads every call in the background (the history, the rep directory)
stops reading when it is left: on a long history the reading went on for seconds,
competing with the screen the user went to (a live call's typing, the next dial)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from tests.pilot_helpers import wait_until
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.screens.history import HistoryScreen
from tui.screens.home import HomeScreen
from tui.screens.reps import RepDirectoryScreen
from tui.store import Store

CALLS = 300


def _slow_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call read by a worker, 10 ms each (300 calls: 3 s, an old disk)."""
    read: list[str] = []
    real_load = Store.load_call

    def slow(self: Store, call_id: str):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            read.append(call_id)
            time.sleep(0.01)
        return real_load(self, call_id)

    monkeypatch.setattr(Store, "load_call", slow)
    return read


@pytest.mark.parametrize(("key", "screen_type"), [("h", HistoryScreen),
                                                  ("d", RepDirectoryScreen)])
async def test_leaving_a_screen_stops_its_reading(
        make_app, store: Store, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,
        key: str, screen_type: type) -> None:  # type: ignore[no-untyped-def]
    for number in range(CALLS):
        live = LiveCall.start(clock, "case-000000000001", "Health Connector")
        live.current_rep.first_name = f"Rep{number}"
        store.save_call(live.end("callback promised"), index=True)
        clock.advance(600)
    store.flush()
    read = _slow_reads(monkeypatch)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(key)
        deadline = time.monotonic() + 20
        while not read and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert isinstance(app.screen, screen_type) and read, "the reading never started"
        reading = [worker for worker in app.workers if worker.node is app.screen]
        assert reading
        await pilot.press("escape")
        await wait_until(pilot, lambda: all(worker.is_cancelled for worker in reading),
                         what="the screen's worker cancelled as it goes")
        assert isinstance(app.screen, HomeScreen)
        left_at = len(read)
        await asyncio.sleep(0.5)  # 50 more calls read by now, were it still reading
        assert len(read) <= left_at + 2 and len(read) < CALLS
