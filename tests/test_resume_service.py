"""Continue, redial, hold corrections and hold totals through the application layer
(no Textual), checked on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.store_files import index_tables
from tui.domain.clock import FrozenClock
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import CallRequest, EndCallResult, Service, ServiceError
from tui.store import Store

REQUEST = CallRequest("Coverage restricted", "Massachusetts Health Connector",
                      "ma-health-connector", "1-877-623-6765")


def make_service(store: Store, clock: FrozenClock) -> Service:
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    return Service(store, playbooks, problems, clock)


@pytest.fixture
def service(store: Store, clock: FrozenClock) -> Service:
    return make_service(store, clock)


def on_disk(data_dir: Path, call_id: str) -> dict:  # type: ignore[type-arg]
    path = data_dir / "calls" / f"{call_id}.json"
    return json.loads(path.read_text("utf-8"))["call"]["1"]  # type: ignore[no-any-return]


def index_rows(data_dir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    data = index_tables(data_dir)
    return {row["id"]: row for row in data["calls"].values()}


def test_continue_after_quitting(service: Service, store: Store, data_dir: Path,
                                 clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    clock.advance(60)
    session.enter_line("ref: 88213")
    session.set_step("ma-health-connector#1: x", True)
    assert service.shutdown()  # quit with the call running: kept as interrupted
    call_id = session.call.id
    assert service.calls.latest_interrupted() is not None
    clock.advance(17 * 60)
    resumed = service.calls.resume(call_id)
    assert resumed.call.id == call_id and resumed.call.is_live
    assert resumed.playbook is not None and resumed.playbook.id == "ma-health-connector"
    assert resumed.current_rep.label().startswith("Dana #4471")
    assert resumed.elapsed() == 60 and resumed.resumed is resumed.call.gaps[-1]
    assert service.calls.latest_interrupted() is None
    with pytest.raises(ServiceError, match="already running"):
        service.calls.resume(call_id)
    assert store.flush()
    saved = on_disk(data_dir, call_id)
    assert saved["status"] == "live" and saved["outcome"] is None
    assert saved["gaps"] == [{"start": "2026-11-24T14:06:00+00:00",
                              "end": "2026-11-24T14:23:00+00:00",
                              "start_elapsed": 60.0, "was_on_hold": False}]
    assert saved["checklist"] == {"ma-health-connector#1: x": True}
    assert index_rows(data_dir)[call_id]["status"] == "live"
    clock.advance(30)
    resumed.enter_line("continued after the app closed")
    ended = resumed.end(EndCallResult("resolved", "Done"))
    assert ended.duration_seconds == 90 and ended.gap_seconds() == 17 * 60
    assert store.flush()
    saved = on_disk(data_dir, call_id)
    assert saved["outcome"] == "resolved" and saved["status"] == "ended"
    assert [ref["number"] for ref in saved["references"]] == ["88213"]
    assert [note["text"] for note in saved["notes"]] == ["continued after the app closed"]
    assert len(list((data_dir / "calls").glob("*.json"))) == 1  # the same call, no new one
    with pytest.raises(ServiceError, match="only an interrupted call"):
        service.calls.resume(call_id)


def test_a_killed_resumed_call_is_recovered_again(data_dir: Path, clock: FrozenClock) -> None:
    with Store.open(data_dir) as store:
        service = make_service(store, clock)
        session = service.calls.start(REQUEST)
        clock.advance(40)
        session.heartbeat()
        call_id = session.call.id
        assert store.flush()  # then "killed": the call stays live on disk
    with Store.open(data_dir) as store:  # the next start recovers it as interrupted
        assert store.recovered_calls == [call_id]
        service = make_service(store, clock)
        latest = service.calls.latest_interrupted()
        assert latest is not None and latest.id == call_id
        clock.advance(300)
        session = service.calls.resume(call_id)
        clock.advance(20)
        session.set_draft("half a note")
        assert store.flush()  # killed again
    with Store.open(data_dir) as store:
        assert store.recovered_calls == [call_id]
        call = store.load_call(call_id)
        assert call.outcome == "interrupted" and call.duration_seconds == 60
        assert call.ended_at == "2026-11-24T14:11:00+00:00"  # 14:10:40 continued + 20 s
        assert call.notes[-1].text == "half a note"
        service = make_service(store, clock)
        clock.advance(60)
        again = service.calls.resume(call_id)
        assert [gap.start for gap in again.call.gaps] == [
            "2026-11-24T14:05:40+00:00", "2026-11-24T14:11:00+00:00"]


def test_the_most_recently_interrupted_call_is_the_one_resumed(service: Service,
                                                             clock: FrozenClock) -> None:
    assert service.calls.latest_interrupted() is None
    first = service.calls.start(REQUEST)
    clock.advance(10)
    service.shutdown()
    second = service.calls.start(CallRequest("Other", "Insurer"))
    clock.advance(10)
    service.shutdown()
    latest = service.calls.latest_interrupted()
    assert latest is not None and latest.id == second.call.id != first.call.id


def test_a_redial_carries_the_dropped_calls_rep_references_and_last_notes(
        service: Service, clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    session.set_rep_field("department", "Billing")
    session.next_rep()
    session.set_rep_field("first_name", "Lee")
    session.set_rep_field("role", "supervisor")
    session.set_rep_field("id_refused", True)
    session.next_rep()  # a transfer that dropped before anyone answered
    for text in ("one", "two", "three", "four"):
        clock.advance(10)
        session.enter_line(text)
    session.enter_line("ref: 88213")
    request = session.drop_for_redial()
    redial = service.calls.start(request, redial_of=session.call.id)
    dropped = redial.dropped
    assert dropped is not None and dropped.call.id == session.call.id
    assert [ref.number for ref in dropped.call.references] == ["88213"]
    assert [note.text for note in dropped.last_notes] == ["two", "three", "four"]
    assert dropped.last_rep is not None and dropped.last_rep.first_name == "Lee"
    assert redial.can_use_same_rep()
    rep = redial.same_rep_as_dropped()
    assert rep.label() == "Lee (refused to give ID) (supervisor)"
    assert redial.call.reps[0] is rep and not redial.can_use_same_rep()
    with pytest.raises(ServiceError, match="no rep"):
        redial.same_rep_as_dropped()
    plain = service.calls.start(REQUEST)
    assert plain.dropped is None and not plain.can_use_same_rep()


def test_hold_since_through_the_session_is_saved_with_the_original(
        service: Service, store: Store, data_dir: Path, clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    clock.advance(15 * 60)
    with pytest.raises(ServiceError, match="whole number"):
        session.hold_since("ten")
    with pytest.raises(ServiceError, match="before the call"):
        session.hold_since("20")
    segment = session.hold_since("10")
    assert session.call.on_hold and session.hold_seconds() == 600
    assert store.flush()
    saved = on_disk(data_dir, session.call.id)["hold_segments"]
    assert saved[0]["id"] == segment.id == "hold-1"
    assert saved[0]["start"] == "2026-11-24T14:10:00+00:00"
    assert saved[0]["revisions"][0]["before"] == {"start": "2026-11-24T14:20:00+00:00",
                                                  "start_elapsed": 900.0}


def test_correcting_a_past_hold_updates_the_totals_everywhere(
        service: Service, store: Store, data_dir: Path, clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    clock.advance(60)
    session.toggle_hold()
    clock.advance(300)
    session.toggle_hold()  # 14:06–14:11
    clock.advance(600)
    call = session.end(EndCallResult("no progress", ""))
    hold = call.hold_segments[0]
    with pytest.raises(ServiceError, match="end after the call"):
        service.calls.correct_hold(call.id, hold.id, "14:06:00", "15:00", "")
    with pytest.raises(ServiceError, match="like 14:02"):
        service.calls.correct_hold(call.id, hold.id, "soon", "14:11:00", "")
    with pytest.raises(ServiceError, match="no hold"):
        service.calls.correct_hold(call.id, "hold-9", "14:06", "14:11", "")
    clock.advance(3600)
    fixed = service.calls.correct_hold(call.id, hold.id, "14:06:00", "14:16", "pressed late")
    assert fixed.hold_seconds() == 600
    assert store.flush()
    saved = on_disk(data_dir, call.id)["hold_segments"][0]
    assert saved["start"] == "2026-11-24T14:06:00+00:00"  # left as shown: unchanged
    assert saved["end"] == "2026-11-24T14:16:00+00:00"
    assert saved["revisions"] == [{"at": "2026-11-24T15:21:00+00:00",
                                   "before": {"end": "2026-11-24T14:11:00+00:00",
                                              "end_elapsed": 360.0},
                                   "reason": "pressed late"}]
    assert index_rows(data_dir)[call.id]["hold_seconds"] == 600
    assert service.calls.summaries()[0].hold_seconds == 600


def test_time_on_hold_with_the_organisation_across_calls(service: Service,
                                                         clock: FrozenClock) -> None:
    for minutes in (30, 45):
        session = service.calls.start(REQUEST)
        session.toggle_hold()
        clock.advance(minutes * 60)
        session.end(EndCallResult("no progress", ""))
    other = service.calls.start(CallRequest("Coverage restricted", "Neighborhood Health Plan"))
    other.toggle_hold()
    clock.advance(3600)
    other.end(EndCallResult("no progress", ""))
    session = service.calls.start(
        CallRequest("Other case", " massachusetts health connector "))
    assert (session.earlier_hold.seconds, session.earlier_hold.calls) == (75 * 60, 2)
    session.toggle_hold()
    clock.advance(120)
    assert session.organisation_hold_seconds() == 75 * 60 + 120


def test_an_organisations_calls_and_hold_follow_every_change_without_reading_every_row(
        service: Service, store: Store, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted from every row once, then only from the calls saved since: new calls, the
    same organisation spelt another way, a hold corrected after its call. Always what
    every row sums to, and the calls the rep hints read are every row's."""
    import math
    from datetime import datetime, timedelta

    from tui.service.calls import hold_clock

    def every_row(organisation: str, call_id: str) -> tuple[float, int]:
        rows = [row for row in store.call_summaries() if row.id != call_id
                and row.organisation.strip().casefold() == organisation.strip().casefold()]
        return math.fsum(row.hold_seconds for row in rows), len(rows)

    ended = []
    for number, organisation in enumerate(["Blue Cross", " blue cross ", "MassHealth",
                                           "BLUE CROSS", "MassHealth", "Blue Cross"]):
        session = service.calls.start(CallRequest(f"Case {number % 2}", organisation))
        held = session.earlier_hold
        assert (held.seconds, held.calls) == every_row(organisation, session.call.id)
        session.toggle_hold()
        clock.advance(60 * (number + 1) + 0.1)
        session.toggle_hold()
        clock.advance(30)
        ended.append(session.end(EndCallResult("no progress", "")))
    assert service.calls.start(CallRequest("Case 0", "blue cross")).earlier_hold.calls == 4
    hold = ended[0].hold_segments[0]
    before = every_row("Blue Cross", "")[0]
    shorter = datetime.fromisoformat(hold.start) + timedelta(seconds=20)
    service.calls.correct_hold(ended[0].id, hold.id, hold_clock(hold.start),
                               hold_clock(shorter.isoformat()), "pressed late")
    # From here on a dial must not read every row again: only those saved since.
    monkeypatch.setattr(store, "call_summaries", lambda *a: pytest.fail("read every row"))
    session = service.calls.start(CallRequest("Case 1", "Blue Cross"))
    listed = [row.id for row in service.calls.by_organisation.rows(store, "blue cross ")]
    monkeypatch.undo()
    assert listed == [row.id for row in store.call_summaries()  # what the rep hints read
                      if row.organisation.strip().casefold() == "blue cross"]
    held = session.earlier_hold
    assert (held.seconds, held.calls) == every_row("Blue Cross", session.call.id)
    assert held.calls == 5 and held.seconds == pytest.approx(before - 40.1)


def test_a_reader_on_another_thread_never_misses_a_row_saved_meanwhile(
        service: Service, store: Store, clock: FrozenClock) -> None:
    """The start-up worker and the rep hints bring the per-organisation index up to date
    on their own threads while the screen's thread saves. A reader that ran just as a
    row was replaced (the change noted, the row not yet in) took the old row for the
    new one and never looked at that call again."""
    session = service.calls.start(REQUEST)
    session.toggle_hold()
    clock.advance(600)
    session.toggle_hold()
    clock.advance(60)
    call = session.end(EndCallResult("no progress", ""))
    index = service.calls.by_organisation
    index.update(store)
    rows_lock = store._rows_lock

    class ReadMeanwhile:
        """The rows' lock, with the other thread's reading done as it is taken."""

        def __enter__(self) -> object:
            entered = rows_lock.__enter__()
            index.update(store)
            return entered

        def __exit__(self, *exc: object) -> None:
            rows_lock.__exit__(*exc)  # type: ignore[arg-type]

    from tui.service.calls import hold_clock

    hold = call.hold_segments[0]
    store._rows_lock = ReadMeanwhile()  # type: ignore[assignment]
    try:
        from datetime import datetime, timedelta

        shorter = datetime.fromisoformat(hold.start) + timedelta(seconds=90)
        service.calls.correct_hold(call.id, hold.id, hold_clock(hold.start),
                                   hold_clock(shorter.isoformat()), "pressed late")
    finally:
        store._rows_lock = rows_lock
    held = index.earlier(store, REQUEST.organisation, "another call")
    assert (held.seconds, held.calls) == (90, 1)


def test_the_hold_alert_fires_once_per_hold(service: Service, clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    assert session.hold_alert(10) is None
    session.toggle_hold()
    clock.advance(9 * 60)
    assert session.hold_alert(10) is None
    clock.advance(60)
    first = session.hold_alert(10)
    assert first is not None and first.id == "hold-1"
    clock.advance(60)
    assert session.hold_alert(10) is None
    assert session.hold_alert(None) is None
    session.toggle_hold()
    session.toggle_hold()
    clock.advance(600)
    second = session.hold_alert(10)
    assert second is not None and second.id == "hold-2"
