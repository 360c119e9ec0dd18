"""Continuing an interrupted call, and correcting holds: the domain rules, no Textual."""

from __future__ import annotations

import pytest

from tui.domain.clock import FrozenClock
from tui.domain.corrections import as_recorded, revise
from tui.domain.holds import HoldProblem, correct_hold, describe_correction, parse_clock
from tui.domain.live import LiveCall, ResumeError, recover_interrupted, resume
from tui.domain.model import Call, HoldSegment
from tui.domain.stats import compute
from tui.domain.timefmt import parse_iso, to_iso
from tui.domain.timeline import call_events


def start(clock: FrozenClock) -> LiveCall:
    return LiveCall.start(clock, "case-000000000001", "Massachusetts Health Connector",
                          playbook_id="ma-health-connector")


def interrupted_after(clock: FrozenClock, seconds: float, on_hold: bool = False) -> Call:
    """A call with a rep and a note, interrupted (quit) ``seconds`` after dialling."""
    live = start(clock)
    live.current_rep.first_name = "Dana"
    clock.advance(10)
    live.add_note("asked for a supervisor")
    if on_hold:
        clock.advance(10)
        live.toggle_hold()
    clock.advance(seconds - (20 if on_hold else 10))
    live.end("interrupted")
    return Call.from_dict(live.call.to_dict())


# -- resume -------------------------------------------------------------------------------

def test_resume_is_the_same_call_and_the_closed_time_is_a_gap() -> None:
    clock = FrozenClock()
    call = interrupted_after(clock, 60)
    call_id = call.id
    clock.advance(17 * 60)
    live = resume(call, clock)
    assert live.call is call and call.id == call_id
    assert call.status == "live" and call.outcome is None and call.ended_at is None
    [gap] = call.gaps
    assert (gap.start, gap.end) == ("2026-11-24T14:06:00+00:00", "2026-11-24T14:23:00+00:00")
    assert gap.start_elapsed == 60 and gap.seconds() == 17 * 60 and not gap.was_on_hold
    assert live.elapsed() == 60  # the timer goes on from where it stopped
    clock.advance(30)
    note = live.add_note("continued")
    assert (note.elapsed, note.at) == (90, "2026-11-24T14:23:30+00:00")
    assert [n.text for n in call.notes] == ["asked for a supervisor", "continued"]
    assert call.reps[0].first_name == "Dana"
    ended = live.end("resolved")
    assert ended.duration_seconds == 90  # call time: the gap is not in it
    assert ended.hold_seconds() + ended.talk_seconds() == 90
    assert ended.gap_seconds() == 17 * 60
    assert ended.ended_at == "2026-11-24T14:23:30+00:00"
    assert call.wall_at(90) == parse_iso(ended.ended_at)
    assert call.wall_at(30) == parse_iso("2026-11-24T14:05:30+00:00")


def test_a_call_on_hold_when_the_app_closed_goes_on_hold_again() -> None:
    clock = FrozenClock()
    call = interrupted_after(clock, 100, on_hold=True)  # on hold from 20 s to 100 s
    clock.advance(600)
    live = resume(call, clock)
    assert call.gaps[0].was_on_hold and call.on_hold
    first, second = call.hold_segments
    assert (first.start_elapsed, first.end_elapsed) == (20, 100)
    assert second.start_elapsed == 100 and second.start == call.gaps[0].end
    assert first.id != second.id
    clock.advance(50)
    assert live.hold_seconds() == 80 + 50  # both sides of the gap, never the gap itself


def test_interrupted_again_and_recovered_after_a_kill_uses_wall_time_after_the_gap() -> None:
    clock = FrozenClock()
    call = interrupted_after(clock, 60)
    clock.advance(3600)
    live = resume(call, clock)
    clock.advance(45)
    live.call.draft_note = "half typed"
    live.touch()  # the last save before a SIGKILL
    killed = recover_interrupted(Call.from_dict(live.call.to_dict()))
    assert killed.outcome == "interrupted" and killed.status == "ended"
    assert killed.duration_seconds == 105
    assert killed.ended_at == "2026-11-24T15:06:45+00:00"  # not started_at + 105 s
    assert killed.notes[-1].text == "half typed"
    clock.advance(120)
    again = resume(killed, clock)
    assert len(killed.gaps) == 2
    assert killed.gaps[1].start == "2026-11-24T15:06:45+00:00"
    assert again.elapsed() == 105
    assert again.end("no progress").gap_seconds() == 3600 + 120


def test_only_an_interrupted_call_can_be_continued() -> None:
    clock = FrozenClock()
    live = start(clock)
    with pytest.raises(ResumeError, match="only an interrupted call"):
        resume(live.call, clock)
    live.end("resolved")
    with pytest.raises(ResumeError, match="resolved"):
        resume(live.call, clock)


def test_documents_written_before_gaps_and_hold_ids_still_load() -> None:
    old = {
        "id": "call-000000000001", "case_id": "case-000000000001", "organisation": "X",
        "started_at": "2026-11-24T14:05:00+00:00", "schema_version": 1, "type": "call",
        "status": "ended", "duration_seconds": 100.0,
        "hold_segments": [
            {"start": "2026-11-24T14:05:10+00:00", "start_elapsed": 10.0,
             "end": "2026-11-24T14:05:20+00:00", "end_elapsed": 20.0},
            {"start": "2026-11-24T14:05:30+00:00", "start_elapsed": 30.0,
             "end": "2026-11-24T14:05:40+00:00", "end_elapsed": 40.0},
        ],
    }
    call = Call.from_dict(old)
    assert call.gaps == []
    assert [s.id for s in call.hold_segments] == ["hold-1", "hold-2"]
    assert [s.revisions for s in call.hold_segments] == [[], []]
    assert Call.from_dict(call.to_dict()).hold_segments[1].id == "hold-2"


def test_timeline_and_totals_show_the_gap_apart() -> None:
    clock = FrozenClock()
    call = interrupted_after(clock, 60)
    clock.advance(17 * 60)
    live = resume(call, clock)
    clock.advance(30)
    live.end("resolved")
    texts = [event.text for event in call_events(call)]
    gap_line = "App closed 14:06–14:23 (17m 00s, not recorded); call continued"
    assert gap_line in texts
    assert texts.index(gap_line) < texts.index("Call ended: resolved")
    stats = compute([call], clock.now().date())
    assert stats.not_recorded_seconds == 17 * 60
    assert stats.hold_seconds + stats.talk_seconds == 90


# -- hold corrections ---------------------------------------------------------------------

def test_on_hold_since_starts_a_forgotten_hold_and_keeps_the_press() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(20 * 60)
    segment = live.hold_since(12 * 60)
    assert live.call.on_hold
    assert (segment.start_elapsed, segment.start) == (480, "2026-11-24T14:13:00+00:00")
    [revision] = segment.revisions
    assert revision.before == {"start": "2026-11-24T14:25:00+00:00", "start_elapsed": 1200}
    assert revision.at == "2026-11-24T14:25:00+00:00"
    assert "12 min" in revision.reason
    assert live.hold_seconds() == 720
    assert describe_correction(segment) == "corrected at 14:25; was 14:25–…"
    assert as_recorded(segment).start == "2026-11-24T14:25:00+00:00"


def test_on_hold_since_moves_the_start_of_the_hold_running_now() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(600)
    live.toggle_hold()
    clock.advance(60)
    segment = live.hold_since(5 * 60)
    assert len(live.call.hold_segments) == 1
    assert segment.start_elapsed == 360 and live.hold_seconds() == 300
    assert segment.revisions[0].before["start_elapsed"] == 600


def test_on_hold_since_cannot_go_before_the_call_or_into_another_hold() -> None:
    clock = FrozenClock()
    live = start(clock)
    clock.advance(120)
    with pytest.raises(HoldProblem, match=r"before the call \(it began at 14:05\)"):
        live.hold_since(5 * 60)
    live.toggle_hold()
    clock.advance(60)
    live.toggle_hold()  # on hold 120–180
    clock.advance(60)
    with pytest.raises(HoldProblem, match="overlap the hold 14:07–14:08"):
        live.hold_since(2 * 60)
    assert len(live.call.hold_segments) == 1 and not live.call.on_hold


def ended_with_holds(clock: FrozenClock) -> Call:
    """14:05 dial; on hold 14:06–14:11 and 14:20–14:25; ended 14:40."""
    live = start(clock)
    for wait, _ in ((60, "on"), (300, "off"), (540, "on"), (300, "off")):
        clock.advance(wait)
        live.toggle_hold()
    clock.advance(900)
    return live.end("no progress")


def test_correcting_a_past_hold_keeps_the_original_and_totals_use_the_correction() -> None:
    clock = FrozenClock()
    call = ended_with_holds(clock)
    assert call.hold_seconds() == 600
    first = call.hold_segments[0]
    clock.advance(3600)
    revision = correct_hold(call, first.id, None, parse_clock("14:16", call), clock.now(),
                            "forgot to press ctrl+o")
    assert revision is not None and revision.reason == "forgot to press ctrl+o"
    assert revision.before == {"end": "2026-11-24T14:11:00+00:00", "end_elapsed": 360}
    assert (first.end, first.end_elapsed) == ("2026-11-24T14:16:00+00:00", 660)
    assert call.hold_seconds() == 600 + 300 and call.talk_seconds() == 2100 - 900
    assert describe_correction(first) == "corrected at 15:40; was 14:06–14:11"
    assert as_recorded(first).end_elapsed == 360
    texts = [event.text for event in call_events(call)]
    assert "On hold (corrected at 15:40; was 14:06–14:11)" in texts
    # A second correction: both kept, the first one's "before" is still the original.
    correct_hold(call, first.id, parse_clock("14:07:30", call), None, clock.now())
    assert len(first.revisions) == 2 and first.start_elapsed == 150
    assert first.original_values() == {
        "start": "2026-11-24T14:06:00+00:00", "start_elapsed": 60,
        "end": "2026-11-24T14:11:00+00:00", "end_elapsed": 360,
    }
    assert correct_hold(call, first.id, None, None, clock.now()) is None


@pytest.mark.parametrize(("start", "end", "message"), [
    ("14:00", None, r"cannot start before the call \(it began at 14:05\)"),
    (None, "14:45", r"cannot end after the call \(it ended at 14:40\)"),
    (None, "14:21", "overlap the hold 14:20–14:25"),
    ("14:12", "14:10", "must end after it starts"),
    ("14:41", "14:42", r"cannot start after the call"),
])
def test_a_past_hold_stays_inside_the_call_and_apart_from_the_others(
        start: str | None, end: str | None, message: str) -> None:
    clock = FrozenClock()
    call = ended_with_holds(clock)
    first = call.hold_segments[0]
    before = first.to_dict()
    with pytest.raises(HoldProblem, match=message):
        correct_hold(call, first.id, start and parse_clock(start, call),
                     end and parse_clock(end, call), clock.now())
    assert first.to_dict() == before


def test_a_hold_cannot_start_or_end_while_the_app_was_closed() -> None:
    clock = FrozenClock()
    call = interrupted_after(clock, 100, on_hold=True)
    clock.advance(600)
    live = resume(call, clock)  # closed 14:06:40–14:16:40
    clock.advance(60)
    live.toggle_hold()
    ended = live.end("resolved")
    with pytest.raises(HoldProblem, match="The app was closed 14:06–14:16"):
        correct_hold(ended, ended.hold_segments[0].id, None, parse_clock("14:10", ended),
                     clock.now())
    with pytest.raises(HoldProblem, match="Finish the call first"):
        correct_hold(start(clock).call, "hold-1", None, None, clock.now())


def test_clock_times_are_read_on_the_day_of_the_call_or_the_next() -> None:
    clock = FrozenClock(parse_iso("2026-11-24T23:50:00+00:00"))
    live = start(clock)
    clock.advance(1800)
    call = live.end("resolved")
    assert to_iso(parse_clock("23:55", call)) == "2026-11-24T23:55:00+00:00"
    assert to_iso(parse_clock("0:10", call)) == "2026-11-25T00:10:00+00:00"
    with pytest.raises(HoldProblem, match="like 14:02"):
        parse_clock("ten past", call)
    with pytest.raises(HoldProblem, match="not a time of day"):
        parse_clock("25:00", call)


def test_revise_is_generic_and_refuses_unknown_fields_and_wrong_types() -> None:
    segment = HoldSegment(start="2026-11-24T14:05:00+00:00", start_elapsed=0.0, id="hold-1")
    with pytest.raises(ValueError, match="no field 'nope'"):
        revise(segment, {"nope": 1}, "2026-11-24T15:00:00+00:00")
    with pytest.raises(ValueError, match="no field 'id'"):
        revise(segment, {"id": "hold-2"}, "2026-11-24T15:00:00+00:00")
    with pytest.raises(ValueError, match="start_elapsed"):
        revise(segment, {"start_elapsed": "soon"}, "2026-11-24T15:00:00+00:00")
    assert segment.revisions == [] and segment.start_elapsed == 0.0
    assert revise(segment, {"start_elapsed": 0.0}, "2026-11-24T15:00:00+00:00") is None


def test_the_dossier_shows_gaps_and_corrected_holds_apart() -> None:
    from tui.domain.model import Case
    from tui.export import render

    clock = FrozenClock()
    call = interrupted_after(clock, 100, on_hold=True)  # on hold 20–100 s, then closed
    clock.advance(17 * 60)
    live = resume(call, clock)
    clock.advance(30)
    live.toggle_hold()  # the hold after the gap: 100–130 s
    clock.advance(50)
    live.end("resolved")
    case = Case(id="case-000000000001", title="Coverage", created_at=call.started_at)
    clock.advance(600)
    correct_hold(call, "hold-1", parse_clock("14:05:15", call), None, clock.now(), "late")
    text = render("md", [case], [call], "2026-12-01T00:00:00+00:00")
    assert "not recorded for 17m 00s (the app was closed)" in text
    assert "App closed 14:06–14:23 (17m 00s, not recorded); call continued; still on hold" in text
    assert "— corrected at 14:35; was 14:05–14:06" in text
    assert "- Not recorded: 17m 00s" in text
    assert "on hold 1m 55s (2 holds)" in text  # 85 s corrected + 30 s: never the gap
