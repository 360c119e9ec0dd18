"""The rules of a live call, with a frozen clock."""

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall, recover_interrupted
from tui.domain.model import Call
from tui.domain.timefmt import format_duration, format_elapsed


def start(clock: FrozenClock) -> LiveCall:
    return LiveCall.start(clock, "case-000000000001", "Massachusetts Health Connector",
                          playbook_id="ma-health-connector", number="1-877-623-6765")


def test_timer_comes_from_the_monotonic_clock() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(754)
    assert format_elapsed(live.elapsed()) == "00:12:34"
    assert live.call.started_at == "2026-11-24T14:05:00+00:00"


def test_hold_segments_split_hold_and_talk_time() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(60)
    assert live.toggle_hold() is True
    clock.advance(300)
    assert live.hold_seconds() == 300
    assert live.toggle_hold() is False
    clock.advance(40)
    live.toggle_hold()
    clock.advance(20)
    assert live.hold_seconds() == 320
    assert live.talk_seconds() == 100
    segment = live.call.hold_segments[0]
    assert segment.start == "2026-11-24T14:06:00+00:00"
    assert segment.end == "2026-11-24T14:11:00+00:00"
    call = live.end("no progress")
    assert call.hold_seconds() == 320 and call.talk_seconds() == 100
    assert call.hold_segments[-1].end_elapsed == 420


def test_transfer_keeps_the_chain_of_reps() -> None:
    clock = FrozenClock()
    live = start(clock)
    live.current_rep.first_name = "Dana"
    live.current_rep.rep_id = "4471"
    clock.advance(90)
    live.next_rep()
    live.current_rep.first_name = "Lee"
    live.current_rep.role = "supervisor"
    live.current_rep.id_refused = True
    assert [rep.label() for rep in live.call.reps] == [
        "Dana #4471 (agent)",
        "Lee (refused to give ID) (supervisor)",
    ]
    assert live.call.reps[1].joined_elapsed == 90


def test_note_line_prefixes() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(5)
    assert live.enter_line("Asked for a supervisor").kind == "note"
    ref = live.enter_line("ref: 88213")
    assert (ref.kind, ref.text) == ("reference", "88213")
    promise = live.enter_line("Promise: will call back in 3 days")
    assert (promise.kind, promise.due) == ("promise", "2026-11-27")
    assert live.enter_line("   ") is None
    assert live.enter_line("ref:") is None
    assert live.call.notes[0].elapsed == 5
    assert live.call.notes[0].at == "2026-11-24T14:05:05+00:00"


def test_end_keeps_an_unsent_draft_and_parses_promises() -> None:
    clock = FrozenClock()
    live = start(clock)
    live.call.draft_note = "typed but never entered"
    clock.advance(100)
    call = live.end("callback promised", " Billing will review ", ["A1", " "],
                    ["letter by 2026-12-01", "call back next tuesday"])
    assert call.status == "ended" and call.outcome == "callback promised"
    assert call.summary == "Billing will review"
    assert [n.text for n in call.notes] == ["typed but never entered"]
    assert [r.number for r in call.references] == ["A1"]
    assert [p.due for p in call.promises] == ["2026-12-01", "2026-12-01"]
    assert call.duration_seconds == 100 and call.ended_at == "2026-11-24T14:06:40+00:00"


def test_recover_interrupted_uses_the_last_saved_length() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(30)
    live.toggle_hold()
    clock.advance(30)
    live.call.draft_note = "half a note"
    live.touch()
    call = recover_interrupted(Call.from_dict(live.call.to_dict()))
    assert call.outcome == "interrupted" and call.status == "ended"
    assert call.ended_at == "2026-11-24T14:06:00+00:00"
    assert call.hold_seconds() == 30
    assert call.notes[-1].text == "half a note" and call.draft_note == ""


def test_round_trip_through_dict() -> None:
    clock = FrozenClock()
    live = start(clock)
    live.enter_line("[bold]paid[/bold]")
    live.toggle_hold()
    live.next_rep()
    data = live.call.to_dict()
    assert Call.from_dict(data).to_dict() == data
    assert format_duration(3725) == "1h 02m"
