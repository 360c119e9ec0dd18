"""Workers that read in bulk pause the collector (counted, as two may overlap) and leave
it as they found it."""

from __future__ import annotations

import gc
import threading


async def test_the_collector_is_paused_while_workers_read_and_back_after(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        first_in, second_in, leave = threading.Event(), threading.Event(), threading.Event()
        seen: list[bool] = []

        def worker(entered: threading.Event) -> None:
            with app.collector_paused():
                entered.set()
                seen.append(gc.isenabled())
                leave.wait(5)

        threads = [threading.Thread(target=worker, args=(event,))
                   for event in (first_in, second_in)]
        for thread in threads:
            thread.start()
        assert first_in.wait(5) and second_in.wait(5)
        assert not gc.isenabled()
        leave.set()
        for thread in threads:
            thread.join()
        assert seen == [False, False]
        assert gc.isenabled()
        gc.disable()  # paused by someone else first: left paused
        try:
            with app.collector_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()
