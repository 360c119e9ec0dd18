"""The rules of a call in progress: timer, hold, reps, notes, ending."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tui.domain.clock import Clock
from tui.domain.dates import parse_due
from tui.domain.holds import on_hold_since
from tui.domain.model import (
    INTERRUPTED,
    Call,
    Gap,
    HoldSegment,
    Note,
    PlaybookUse,
    Promise,
    Reference,
    Rep,
    as_outcome,
    new_id,
)
from tui.domain.timefmt import parse_iso, to_iso, to_local

REF_PREFIX = re.compile(r"^\s*(?:ref|reference|ticket)\s*[:#]\s*", re.IGNORECASE)
PROMISE_PREFIX = re.compile(r"^\s*(?:promise|promised)\s*[:#]\s*", re.IGNORECASE)


@dataclass
class NoteResult:
    """What a line typed on the note line turned into."""

    kind: str  # "note", "reference" or "promise"
    text: str
    due: str | None = None


def promise_text(line: str) -> str | None:
    """What follows ``promise:`` on a note line, or None if the line is not a promise."""
    if not PROMISE_PREFIX.match(line):
        return None
    return PROMISE_PREFIX.sub("", line, count=1).strip()


def split_list(text: str) -> list[str]:
    """Split ``"A1; B2, C3"`` into items, dropping blanks."""
    return [item.strip() for item in re.split(r"[;,]", text) if item.strip()]


class LiveCall:
    """A call being made now. Durations come from the monotonic clock."""

    def __init__(self, call: Call, clock: Clock, elapsed_offset: float = 0.0) -> None:
        self.call = call
        self.clock = clock
        self.home_state = ""
        """The user's US state: business days in promises skip its public holidays."""
        self._mono_start = clock.monotonic() - elapsed_offset

    @classmethod
    def start(
        cls,
        clock: Clock,
        case_id: str,
        organisation: str,
        playbook_id: str = "",
        playbook_name: str = "",
        number: str = "",
        direction: str = "outgoing",
    ) -> LiveCall:
        """Dial (or answer, ``direction="incoming"``): a new call with its first rep."""
        now = to_iso(clock.now())
        call = Call(
            id=new_id("call"),
            case_id=case_id,
            organisation=organisation,
            playbook_id=playbook_id,
            number_dialled=number,
            started_at=now,
            direction="incoming" if direction == "incoming" else "outgoing",
        )
        if playbook_id:
            call.playbooks_used.append(
                PlaybookUse(id=playbook_id, name=playbook_name or playbook_id, at=now, elapsed=0.0)
            )
        call.reps.append(Rep(joined_at=now, joined_elapsed=0.0))
        call.item_ids()
        return cls(call, clock)

    # -- time -------------------------------------------------------------
    def elapsed(self) -> float:
        """Seconds since dialling (monotonic)."""
        if not self.call.is_live:
            return self.call.duration_seconds
        return max(0.0, self.clock.monotonic() - self._mono_start)

    def hold_seconds(self) -> float:
        return self.call.hold_seconds(self.elapsed())

    def talk_seconds(self) -> float:
        return self.call.talk_seconds(self.elapsed())

    def _stamp(self) -> tuple[float, str]:
        return round(self.elapsed(), 3), to_iso(self.clock.now())

    def touch(self) -> None:
        """Record how far the call has got (kept if the app dies)."""
        self.call.duration_seconds = round(self.elapsed(), 3)

    # -- hold -------------------------------------------------------------
    def toggle_hold(self) -> bool:
        """Go on or off hold; returns True when now on hold."""
        elapsed, at = self._stamp()
        if self.call.on_hold:
            segment = self.call.hold_segments[-1]
            segment.end, segment.end_elapsed = at, elapsed
        else:
            self.call.hold_segments.append(
                HoldSegment(start=at, start_elapsed=elapsed, id=self.call.next_hold_id()))
        self.touch()
        return self.call.on_hold

    def hold_since(self, seconds_ago: float) -> HoldSegment:
        """"On hold since ``seconds_ago`` ago" (a forgotten ctrl+o), kept as a correction."""
        segment = on_hold_since(self.call, self.elapsed(), self.clock.now(), seconds_ago)
        self.touch()
        return segment

    # -- reps -------------------------------------------------------------
    @property
    def current_rep(self) -> Rep:
        return self.call.reps[-1]

    def next_rep(self) -> Rep:
        """A transfer: the next rep joins the chain."""
        elapsed, at = self._stamp()
        rep = Rep(joined_at=at, joined_elapsed=elapsed)
        self.call.reps.append(rep)
        self.call.item_ids()
        self.touch()
        return rep

    # -- notes, references, promises ---------------------------------------
    def add_note(self, text: str) -> Note:
        elapsed, at = self._stamp()
        note = Note(text=text, elapsed=elapsed, at=at)
        self.call.notes.append(note)
        self.call.item_ids()
        self.touch()
        return note

    def add_reference(self, number: str) -> Reference:
        elapsed, at = self._stamp()
        ref = Reference(number=number.strip(), elapsed=elapsed, at=at)
        self.call.references.append(ref)
        self.call.item_ids()
        self.touch()
        return ref

    def local_today(self) -> date:
        """The user's date now (what "in 3 days" counts from)."""
        return to_local(self.clock.now()).date()

    def add_promise(self, text: str) -> Promise:
        elapsed, at = self._stamp()
        due = parse_due(text, self.local_today(), self.home_state)
        promise = Promise(
            text=text.strip(), due=due.isoformat() if due else None, elapsed=elapsed, at=at
        )
        self.call.promises.append(promise)
        self.call.item_ids()
        self.touch()
        return promise

    def enter_line(self, line: str) -> NoteResult | None:
        """Handle a line from the note line: ``ref:``/``promise:`` or a note."""
        if not line.strip():
            return None
        if REF_PREFIX.match(line):
            number = REF_PREFIX.sub("", line, count=1).strip()
            if number:
                self.add_reference(number)
                return NoteResult("reference", number)
            return None
        if PROMISE_PREFIX.match(line):
            text = PROMISE_PREFIX.sub("", line, count=1).strip()
            if text:
                promise = self.add_promise(text)
                return NoteResult("promise", promise.text, promise.due)
            return None
        note = self.add_note(line)
        return NoteResult("note", note.text)

    # -- playbooks --------------------------------------------------------
    def use_playbook(self, playbook_id: str, name: str) -> None:
        """Record a switch to another playbook."""
        elapsed, at = self._stamp()
        self.call.playbook_id = playbook_id
        self.call.playbooks_used.append(
            PlaybookUse(id=playbook_id, name=name, at=at, elapsed=elapsed)
        )

    # -- ending -----------------------------------------------------------
    def end(
        self,
        outcome: str | None,
        summary: str = "",
        references: list[str] | None = None,
        promises: list[str] | None = None,
        next_step: str = "",
        reference_refused: bool | None = None,
    ) -> Call:
        """Hang up: close any hold, stamp the end, keep outcome and summary."""
        checked = None if outcome is None else as_outcome(outcome)
        for number in references or []:
            if number.strip():
                self.add_reference(number)
        for text in promises or []:
            if text.strip():
                self.add_promise(text)
        elapsed, at = self._stamp()
        if self.call.on_hold:
            segment = self.call.hold_segments[-1]
            segment.end, segment.end_elapsed = at, elapsed
        draft = self.call.draft_note.strip()
        if draft:
            # Never drop what was typed but not yet entered.
            self.call.notes.append(Note(text=draft, elapsed=elapsed, at=at))
            self.call.item_ids()
        self.call.draft_note = ""
        self.call.duration_seconds = elapsed
        self.call.ended_at = at
        self.call.status = "ended"
        self.call.outcome = checked
        self.call.summary = summary.strip()
        self.call.next_step = next_step.strip()
        self.call.reference_refused = None if self.call.references else reference_refused
        return self.call


def recover_interrupted(call: Call) -> Call:
    """A call found still live after a crash: end it as interrupted.

    The end time is the last moment recorded: the last saved call time, as wall time
    (after the last time the app was closed and the call continued, if any).
    """
    end_iso = to_iso(call.wall_at(call.duration_seconds))
    if call.on_hold:
        segment = call.hold_segments[-1]
        segment.end, segment.end_elapsed = end_iso, call.duration_seconds
    if call.draft_note.strip():
        draft = call.draft_note.strip()
        call.notes.append(Note(text=draft, elapsed=call.duration_seconds, at=end_iso))
        call.item_ids()
        call.draft_note = ""
    call.ended_at = end_iso
    call.status = "ended"
    call.outcome = INTERRUPTED
    return call


class ResumeError(ValueError):
    """A call that cannot be continued, with a one-line message."""


def resume(call: Call, clock: Clock) -> LiveCall:
    """Continue an interrupted call: the same call, live again, its clock going on from
    where it stopped; the time the app was closed is kept as a ``Gap``.

    The outcome "interrupted" is cleared (the gap records that it happened). A call that
    was on hold when the app went away is put on hold again from now, as a new segment
    (the other side of the gap), so the HOLD badge shows what was last known.
    """
    if call.is_live or call.outcome != INTERRUPTED or call.ended_at is None:
        raise ResumeError(f"only an interrupted call can be continued (this one is "
                          f"{call.outcome_label()})")
    now = to_iso(clock.now())
    stopped = call.duration_seconds
    last = call.hold_segments[-1] if call.hold_segments else None
    was_on_hold = (last is not None and last.end_elapsed is not None
                   and last.end_elapsed >= stopped)
    end = now if parse_iso(now) > parse_iso(call.ended_at) else call.ended_at
    call.gaps.append(Gap(start=call.ended_at, end=end, start_elapsed=stopped,
                         was_on_hold=was_on_hold))
    call.status = "live"
    call.outcome = None
    call.ended_at = None
    if was_on_hold:
        call.hold_segments.append(HoldSegment(start=end, start_elapsed=stopped,
                                              id=call.next_hold_id()))
    return LiveCall(call, clock, elapsed_offset=stopped)
