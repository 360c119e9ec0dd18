"""The rep directory: every rep across calls, with what they said and promised; the live
call recognises a rep seen before."""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time
from datetime import date

from tests.pilot_helpers import wait_until
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Claim, Rep
from tui.domain.reps import RepIndex, RepRecord, directory, identity
from tui.screens.reps import RepDirectoryScreen
from tui.service import CallRequest, EndCallResult, Service
from tui.store import Store

TODAY = date(2026, 11, 30)


def _counted_loads(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """The ids of the calls read from their files from now on, in order."""
    read: list[str] = []
    real_load = Store.load_call

    def counted(self: Store, call_id: str):  # type: ignore[no-untyped-def]
        read.append(call_id)
        return real_load(self, call_id)

    monkeypatch.setattr(Store, "load_call", counted)
    return read


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


def test_directory_attributes_promises_and_claims_to_the_rep_on_the_line() -> None:
    clock = FrozenClock()
    live = LiveCall.start(clock, "case-000000000001", "Health Connector")
    live.current_rep.first_name, live.current_rep.rep_id = "Kevin", "HC2207"
    clock.advance(60)
    live.next_rep()
    live.current_rep.first_name, live.current_rep.rep_id = "Dolores", "SUP-3390"
    live.current_rep.role = "supervisor"
    clock.advance(60)
    live.add_promise("call me back by 2026-11-12")
    first = live.end("callback promised")
    claim = Claim(id="c1", question="Effective date", party="Health Connector", says="1 Mar",
                  date="2026-11-24", call_id=first.id, recorded_elapsed=130.0)
    clock.advance(86400)
    live = LiveCall.start(clock, "case-000000000001", "health  connector")
    live.current_rep.first_name, live.current_rep.rep_id = "Dee", "sup-3390"
    second = live.end("no progress")
    records = directory([first, second], [claim], TODAY)
    dolores = next(r for r in records if "SUP-3390" in r.ids)
    assert dolores.names == ["Dolores", "Dee"] and len(dolores.calls) == 2
    assert [p.status for p in dolores.promised] == ["broken"]
    assert [c.says for c in dolores.said] == ["1 Mar"]
    kevin = next(r for r in records if "HC2207" in r.ids)
    assert kevin.promised == [] and kevin.said == []
    assert "seen on 2 calls" in dolores.summary()
    assert "promised call me back by 2026-11-12 by 2026-11-12: broken" in dolores.summary()
    found = RepIndex(records).matches("Health Connector", second.reps[0])
    assert found == [dolores]
    assert RepIndex(records).matches("Insurer", second.reps[0]) == []


async def test_the_live_call_says_when_a_rep_was_seen_before(make_app, store: Store,  # type: ignore[no-untyped-def]
                                                             clock: FrozenClock) -> None:
    service = Service(store, {}, [], clock)
    request = CallRequest("Coverage restricted", "Massachusetts Health Connector")
    session = service.calls.start(request)
    session.set_rep_field("first_name", "Dolores")
    session.set_rep_field("rep_id", "SUP-3390")
    session.enter_line("promise: supervisor will call me back tomorrow")
    session.end(EndCallResult("callback promised", ""))
    clock.advance(14 * 86400)
    app = make_app(start=request)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("tab", *"SUP-3390")
        await pilot.pause()
        text = screen_text(app)
        assert "↺ Dolores #SUP-3390: seen on 1 call" in text
        assert "broken" in text
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, RepDirectoryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Dolores #SUP-3390" in text and "supervisor will call me back tomorrow" in text


def test_the_rep_hints_read_only_the_calls_saved_since_the_last_dial(
        store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Dialling an organisation called thousands of times read every earlier call again;
    now the calls read are kept while their index rows stay the same. What the hints
    show is always what reading every call shows (a call corrected, one gone, the live
    one changing)."""
    clock = FrozenClock()
    case_id = "case-000000000001"
    made = []
    for number in range(12):
        live = LiveCall.start(clock, case_id, "Health Connector" if number % 3 else "Comcast")
        live.current_rep.first_name, live.current_rep.rep_id = f"Rep{number % 5}", f"ID{number % 4}"
        live.add_promise("call me back by 2026-12-12")
        made.append(live.end("callback promised"))
        store.save_call(made[-1], index=True)
        clock.advance(3600)
    kept = Service(store, clock=clock)
    read = _counted_loads(monkeypatch)

    def fresh() -> list[object]:
        return [vars(r) for r in Service(store, clock=clock).rep_directory("health connector")]

    assert [vars(r) for r in kept.rep_directory("Health Connector")] == fresh()
    read.clear()
    assert [vars(r) for r in kept.rep_directory("Health Connector")] == fresh()
    assert read.count(made[1].id) == 1  # by the fresh service only
    # A correction (saved with its row), a call gone, a live call: read again as needed.
    corrected = store.load_call(made[1].id)
    corrected.reps[0].first_name = "Renamed"
    store.save_call(corrected, index=True)
    store.flush()
    store._call_path(made[2].id).unlink()
    store._drop_row(store.summary(made[2].id))
    live = LiveCall.start(clock, case_id, "Health Connector")
    live.current_rep.first_name = "Typing"
    store.save_call(live.call, index=True)
    read.clear()
    got = [vars(r) for r in kept.rep_directory("Health Connector")]
    assert got == fresh()
    assert any("Renamed" in record["names"] for record in got)
    assert read.count(made[1].id) == 2 and read.count(made[4].id) == 1
    live.current_rep.first_name = "Typed more"
    store.save_call(live.call)  # a keystroke: the live call's row stays the same
    assert any("Typed more" in r.names for r in kept.rep_directory("Health Connector"))


def test_the_index_of_reps_finds_what_looking_through_every_record_finds() -> None:
    """The live call looks up the rep being typed in an index (one step per key, with
    16,100 reps at the busiest organisation of 50,000 calls): the same records, in the
    same order, as looking through all of them, for ids, names, spacing and case."""
    import random

    chance = random.Random(3)
    orgs = ["Health Connector", "health  connector", "Comcast", "COMCAST "]
    names = ["Dana", "dana", "Lee", "Kim", "Dana ", ""]
    ids = ["HC1", "hc1", "B2", "", "77"]
    records = [RepRecord(chance.choice(orgs),
                         names=chance.sample(names, chance.randint(0, 2)),
                         ids=chance.sample(ids, chance.randint(0, 2)),
                         calls=chance.sample(["call-000000000001", "call-000000000002",
                                              "call-000000000003"], chance.randint(1, 2)),
                         last_seen=f"2026-11-{n % 28 + 1:02d}")
               for n in range(400)]
    index = RepIndex(records)
    asked = 0
    for _ in range(600):
        rep = Rep(first_name=chance.choice(names), rep_id=chance.choice(ids),
                  id_refused=chance.random() < 0.2)
        organisation = chance.choice(orgs)
        exclude = chance.choice(["", "call-000000000001", "call-000000000003"])
        expected = _looked_through(records, organisation, rep, exclude)
        assert index.matches(organisation, rep, exclude) == expected
        asked += bool(expected)
    assert asked > 100  # most lookups found someone


def _looked_through(records: list[RepRecord], organisation: str, rep: Rep,
                    exclude_call: str = "") -> list[RepRecord]:
    """What the live call found before the index: every record looked through."""
    key = identity(organisation, rep)
    if key is None:
        return []
    found = []
    for record in records:
        if " ".join(record.organisation.casefold().split()) != key[0]:
            continue
        if [c for c in record.calls if c != exclude_call] == []:
            continue
        if key[1] == "id" and key[2] in (i.casefold() for i in record.ids):
            found.append(record)
        elif key[1] == "name" and key[2] in (n.casefold() for n in record.names):
            found.append(record)
    return found


def test_the_rep_hints_stop_reading_when_asked_and_keep_what_they_read(
        store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = FrozenClock()
    made = []
    for number in range(20):
        live = LiveCall.start(clock, "case-000000000001", "Health Connector")
        live.current_rep.first_name = f"Rep{number}"
        made.append(live.end("callback promised"))
        store.save_call(made[-1], index=True)
        clock.advance(3600)
    store.flush()
    service = Service(store, clock=clock)
    read = _counted_loads(monkeypatch)
    service.rep_directory("Health Connector", stop=lambda: len(read) >= 7)
    assert len(read) == 7  # stopped: no call read after
    read.clear()
    records = service.rep_directory("Health Connector")
    assert len(read) == 13  # the seven read before were kept
    fresh = Service(store, clock=clock).rep_directory("Health Connector")
    assert [vars(r) for r in records] == [vars(r) for r in fresh]


async def test_hanging_up_stops_the_rep_hints_reading(
        make_app, store: Store, clock: FrozenClock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An organisation called many times: its earlier calls are read for the hints while the
    call runs; the call ends at once, and the reading stops with it."""
    for number in range(300):
        live = LiveCall.start(clock, "case-000000000001", "Health Connector")
        live.current_rep.first_name = f"Rep{number}"
        store.save_call(live.end("callback promised"), index=True)
        clock.advance(600)
    store.flush()
    read: list[str] = []
    real_load = Store.load_call

    def slow(self: Store, call_id: str):  # type: ignore[no-untyped-def]
        if threading.current_thread() is not threading.main_thread():
            read.append(call_id)
            time.sleep(0.01)  # 300 calls: 3 s of reading, on an old disk
        return real_load(self, call_id)

    monkeypatch.setattr(Store, "load_call", slow)
    app = make_app(start=CallRequest("Coverage restricted", "Health Connector"))
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 20
        while not read and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert read, "the hints never started reading"
        reading = [worker for worker in app.workers if worker.group == "call-reps"]
        assert reading
        app.screen._ended(EndCallResult("resolved", ""))  # type: ignore[attr-defined]
        await wait_until(pilot, lambda: all(worker.is_cancelled for worker in reading),
                         what="the hints' worker cancelled as the call ends")
        ended_at = len(read)
        await asyncio.sleep(0.5)  # 50 more calls read by now, were it still reading
        assert len(read) <= ended_at + 2 and len(read) < 300
