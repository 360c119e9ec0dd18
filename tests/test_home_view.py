"""Home is made again after every call from only the rows saved since (50,000 calls):
after any sequence of calls, promises done and undone, corrections and calls gone, it
shows exactly what a home made from every row shows."""

from __future__ import annotations

import random

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.service import HomeView, Service
from tui.store import Store


def _seen(view: HomeView) -> tuple[object, ...]:
    return (
        [(row.case.id, row.calls, row.last_call) for row in view.cases],
        [row.id for row, _title in view.recent],
        [(item.key, item.status(view.today)) for item in view.followups],
        view.open_followups,
        sorted(view.broken_by_organisation.items()),
    )


def test_home_made_from_the_changes_is_home_made_from_every_row(
        store: Store, clock: FrozenClock) -> None:
    chance = random.Random(11)
    service = Service(store)  # kept: made again from the rows changed each time
    cases = []
    for number in range(5):
        case = Case.create(f"Case {number}", clock.now().isoformat())
        store.save_case(case)
        cases.append(case)
    calls = []
    for step in range(160):
        clock.advance(chance.choice([60, 3600, 86400]))
        action = chance.random()
        if action < 0.5 or not calls:
            live = LiveCall.start(clock, chance.choice(cases).id,
                                  chance.choice(["Blue Cross", "MassHealth", "Comcast"]))
            for _ in range(chance.randint(0, 2)):
                live.add_promise(chance.choice(["call back tomorrow", "refund in 3 days",
                                                "letter by next week", "someday"]))
            live.end("resolved", "done")
            store.save_call(live.call, index=True)
            calls.append(live.call.id)
        elif action < 0.8:
            call = store.load_call(chance.choice(calls))
            if call.promises:
                promise = chance.choice(call.promises)
                promise.done = not promise.done
                promise.done_at = clock.now().isoformat() if promise.done else None
            else:
                call.summary = f"corrected {step}"
            store.save_call(call, index=True)
        else:  # a call's file gone, as after a restore (the store looks again)
            gone = calls.pop(chance.randrange(len(calls)))
            store.flush()
            store._call_path(gone).unlink()
            store.flush()
            store._check_files(write=False)
        if step % 7 == 0:
            assert _seen(service.home()) == _seen(Service(store).home()), step
    assert _seen(service.home()) == _seen(Service(store).home())
    assert service.home().open_followups > 0
