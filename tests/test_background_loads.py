"""Work done in the background next to the screen: reading the index rows while calls are
saved, and a damaged file met by a worker (it is said; the app and a live call go on)."""

from __future__ import annotations

import threading

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.screens.call import CallScreen
from tui.service import CallRequest
from tui.store import Store

from .pilot_helpers import wait_until


def test_rows_read_by_a_worker_while_calls_are_saved(store: Store, clock: FrozenClock) -> None:
    case = Case.create("Busy", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    stop = threading.Event()
    failures: list[BaseException] = []

    def reader() -> None:
        while not stop.is_set():
            try:
                rows = store.call_summaries()
                assert [r.started_at for r in rows] == sorted(r.started_at for r in rows)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for number in range(400):
            clock.advance(37)
            live = LiveCall.start(clock, case.id, f"Org {number % 5}")
            store.save_call(live.call, index=True)
            live.end("resolved", "done")
            store.save_call(live.call, index=True)
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert len(store.call_summaries()) == 400


async def test_a_damaged_call_met_by_the_rep_hints_never_ends_the_live_call(
        make_app, store: Store, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    case = Case.create("Damaged", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    earlier = LiveCall.start(clock, case.id, "Blue Cross")
    earlier.current_rep.first_name = "Dana"
    earlier.end("resolved", "done")
    store.save_call(earlier.call, index=True)
    store.flush()
    store._latest_calls.clear()  # read it from disk, as after a restart
    path = store._call_path(earlier.call.id)
    path.write_bytes(b'{"call": {"1": ')
    app = make_app(start=CallRequest("Damaged", "Blue Cross"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)  # still in the call
        # Skipped and named (kept aside; no backup has it), never an end to the call.
        await wait_until(pilot, lambda: any(
            path.name in n.message and "no backup holds a good copy" in n.message
            for n in app._notifications), "the damaged call named")
        assert isinstance(app.screen, CallScreen)
        await pilot.press(*"Lee")
        await pilot.pause()
        assert app.screen.session.call.reps[0].first_name == "Lee"
