"""Calls: dialling, every edit during a live call, hanging up, interrupting, redialling.

A ``LiveSession`` is the one way a running call changes: the call screen
forwards what the user did, the session applies it through the domain's
``LiveCall`` and queues the save. Screens read ``session.call`` to show it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from tui.domain.corrections import remove_item, removed_entry, restore_item, revise
from tui.domain.dates import DateProblem, describe, read_date, understand_date
from tui.domain.holds import HoldProblem, correct_hold, parse_clock, parse_minutes_ago
from tui.domain.live import LiveCall, NoteResult, ResumeError, promise_text, resume
from tui.domain.model import (
    CALL_ITEM_KINDS,
    INTERRUPTED,
    OUTCOMES,
    ROLES,
    Call,
    CallSummary,
    Case,
    Claim,
    FieldValue,
    Gap,
    HoldSegment,
    Note,
    PlaybookUse,
    Rep,
    Revision,
    as_role,
)
from tui.domain.search import call_search_text
from tui.domain.stats import CallFigures, call_figures
from tui.domain.timefmt import format_local
from tui.playbooks import Playbook
from tui.service.base import Context, ServiceError
from tui.service.cases import CaseService, as_kind
from tui.service.followups import FollowUpService
from tui.store import SaveStatus, Store


@dataclass(frozen=True, slots=True)
class Searchable:
    """What the history needs of a call beyond its index row: what to search, what to count."""

    call_id: str
    text: str
    """``call_search_text``: every field, normalised, one a line."""
    figures: CallFigures


REP_TEXT_FIELDS = ("first_name", "rep_id", "department")
"""Rep fields typed as text during a call (``role`` and ``id_refused`` have their own)."""


@dataclass
class CallRequest:
    """Everything needed to dial: which case, whom, which number."""

    case_title: str
    organisation: str
    playbook_id: str = ""
    number: str = ""
    """The number to dial; for an incoming call, the number it came from."""
    direction: str = "outgoing"
    """``incoming``: they called (a call back, a reply to a letter…)."""
    fulfils: list[str] = field(default_factory=list)
    """Follow-ups this call keeps (``call-…#n``): marked done when it starts."""


@dataclass
class EndCallResult:
    """What the user chose when hanging up."""

    outcome: str | None
    """None: the user chose to end the call with the outcome not set."""
    summary: str
    references: list[str] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)
    next_step: str = ""
    reference_refused: bool | None = None


@dataclass
class DroppedCall:
    """What a redial shows of the call that dropped: who, which references, last notes."""

    call: Call
    last_rep: Rep | None
    """The last rep who was noted (name, ID or a refusal), to carry on with."""
    last_notes: list[Note]
    """The last few notes, oldest first."""


LAST_NOTES = 3
"""Notes of the dropped call a redial shows."""


@dataclass
class OrganisationHold:
    """Time on hold with one organisation on earlier calls (counted once, at dial)."""

    organisation: str
    seconds: float
    calls: int


def organisation_key(name: str) -> str:
    """What two spellings of one organisation's name have in common (case, spaces)."""
    return name.strip().casefold()


class CallsByOrganisation:
    """Each organisation's calls and their hold time, kept up to date from the rows
    changed since it was last asked. A dial shows the hold with that organisation on
    earlier calls, and its rep hints read that organisation's calls: each looked at all
    the rows (the hold 40-90 ms of a dial's stall at 50,000 calls)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """Made ahead in a worker after start-up while a dial may ask."""
        self._seen = -1
        self._where: dict[str, str] = {}
        """Call id → its organisation's key, as counted."""
        self._holds: dict[str, dict[str, float]] = {}
        """Organisation key → call id → seconds on hold."""

    def earlier(self, store: Store, organisation: str, call_id: str) -> OrganisationHold:
        """The hold with ``organisation`` on every call but ``call_id``."""
        with self._lock:
            self._update(store)
            holds = self._holds.get(organisation_key(organisation), {})
            others = [seconds for other, seconds in holds.items() if other != call_id]
        # fsum: the exact total, whatever order the calls were counted in.
        return OrganisationHold(organisation, math.fsum(others), len(others))

    def rows(self, store: Store, organisation: str) -> list[CallSummary]:
        """The organisation's calls' index rows, oldest first."""
        with self._lock:
            self._update(store)
            ids = list(self._holds.get(organisation_key(organisation), {}))
        rows = [row for row in map(store.summary, ids) if row is not None]
        return sorted(rows, key=lambda row: row.started_at)

    def update(self, store: Store) -> None:
        with self._lock:
            self._update(store)

    def _update(self, store: Store) -> None:
        version, changed = store.rows_changed_since(self._seen)
        if changed is None:
            self._where, self._holds = {}, {}
            for row in store.call_summaries():
                self._count(row.id, row)
        else:
            for call_id in dict.fromkeys(changed):
                self._count(call_id, store.summary(call_id))
        self._seen = version

    def _count(self, call_id: str, row: CallSummary | None) -> None:
        before = self._where.pop(call_id, None)
        if before is not None:
            self._holds[before].pop(call_id, None)
        if row is not None:
            key = organisation_key(row.organisation)
            self._where[call_id] = key
            self._holds.setdefault(key, {})[call_id] = row.hold_seconds


@dataclass
class RecordingChoice:
    """Is the call recorded, was consent asked, and the other side's state."""

    recorded: bool
    consent_asked: bool
    their_state: str


def hold_clock(iso: str) -> str:
    """A hold's time as the correction form shows and reads it: local ``HH:mm:ss``."""
    return format_local(iso, "HH:mm:ss")


class LiveSession:
    """A call in progress: every change goes through here and is saved at once."""

    def __init__(self, ctx: Context, cases: CaseService, live: LiveCall,
                 playbook: Playbook | None, *, dropped: DroppedCall | None = None,
                 earlier_hold: OrganisationHold | None = None,
                 resumed: Gap | None = None) -> None:
        self._ctx = ctx
        self._cases = cases
        self.live = live
        self.playbook = playbook
        self.dropped = dropped
        """The dropped call this one redials (None if it is not a redial)."""
        self.earlier_hold = earlier_hold or OrganisationHold(live.call.organisation, 0.0, 0)
        """Hold time with this organisation on other calls, counted when dialling."""
        self.resumed = resumed
        """The gap just closed, when this session continues an interrupted call."""
        self._alerted: set[str] = set()

    # -- what the screen shows ------------------------------------------------
    @property
    def call(self) -> Call:
        """The call as it stands (read it; change it only through this session)."""
        return self.live.call

    @property
    def case(self) -> Case:
        return self._cases.get(self.call.case_id)

    @property
    def current_rep(self) -> Rep:
        return self.live.current_rep

    def elapsed(self) -> float:
        return self.live.elapsed()

    def hold_seconds(self) -> float:
        return self.live.hold_seconds()

    def talk_seconds(self) -> float:
        return self.live.talk_seconds()

    def organisation_hold_seconds(self) -> float:
        """Time on hold with this organisation so far: earlier calls plus this one."""
        return self.earlier_hold.seconds + self.hold_seconds()

    def hold_alert(self, minutes: int | None) -> HoldSegment | None:
        """The hold now running, the first time it passes ``minutes`` (once per hold)."""
        if not minutes or not self.call.on_hold:
            return None
        segment = self.call.hold_segments[-1]
        if segment.id in self._alerted or segment.seconds(self.elapsed()) < minutes * 60:
            return None
        self._alerted.add(segment.id)
        return segment

    def facts(self) -> list[str]:
        """The case's facts to read out (identifiers, payments)."""
        return self.case.facts()

    def today(self) -> date:
        """The user's local date (promised dates are understood from it)."""
        return self._ctx.today()

    def local_today_iso(self) -> str:
        return self._ctx.today().isoformat()

    def understood_due(self, line: str) -> str:
        """For a ``promise:`` line being typed: the date it would be due, to check it."""
        text = promise_text(line)
        if text is None:
            return ""
        try:
            due = understand_date(text, self.today(), self.live.home_state)
        except DateProblem as error:
            return str(error)
        if due is None:
            return "no date understood yet"
        passed = " (that date has passed!)" if due < self.today() else ""
        return f"due {describe(due, self.today())}{passed}"
    def now_iso(self) -> str:
        """Now, as stored (UTC ISO-8601)."""
        return self._ctx.now_iso()

    @property
    def save_status(self) -> SaveStatus:
        return self._ctx.store.status

    # -- saving ---------------------------------------------------------------
    def save(self, index: bool = False) -> None:
        """Queue the call for writing (the store writes within a fraction of a second)."""
        self.live.touch()
        self._ctx.store.save_call(self.live.call, index=index)

    def heartbeat(self) -> None:
        """Keep the call's running length on disk even when nothing is typed."""
        if self.call.is_live:
            self.save()

    # -- edits ----------------------------------------------------------------
    def set_rep_field(self, name: str, value: str | bool) -> None:
        """A field of the current rep changed (as typed)."""
        rep = self.current_rep
        if name in REP_TEXT_FIELDS and isinstance(value, str):
            setattr(rep, name, value)
        elif name == "role" and isinstance(value, str) and value in ROLES:
            rep.role = as_role(value)
        elif name == "id_refused" and isinstance(value, bool):
            rep.id_refused = value
        else:
            raise ServiceError(f"unknown rep field {name}")
        self.save()

    def set_draft(self, text: str) -> bool:
        """The note line's unsent text (kept on disk too); False when unchanged."""
        if text == self.call.draft_note:
            return False
        self.call.draft_note = text
        self.save()
        return True

    def enter_line(self, line: str) -> NoteResult | None:
        """A line entered on the note line: a note, ``ref:`` or ``promise:``."""
        result = self.live.enter_line(line)
        if result is not None:
            self.call.draft_note = ""
            self.save()
        return result

    def add_note(self, text: str) -> Note:
        """A note exactly as given (a multi-line paste keeps its line breaks)."""
        note = self.live.add_note(text)
        self.save()
        return note

    def toggle_hold(self) -> HoldSegment:
        """On or off hold; returns the segment that started or ended."""
        self.live.toggle_hold()
        self.save()
        return self.call.hold_segments[-1]

    def hold_since(self, minutes: str) -> HoldSegment:
        """"On hold since ``minutes`` minutes ago": starts or corrects the hold, keeping
        the start as pressed in the segment's revisions."""
        try:
            segment = self.live.hold_since(parse_minutes_ago(minutes))
        except HoldProblem as error:
            raise ServiceError(str(error)) from None
        self.save(index=True)
        return segment

    def can_use_same_rep(self) -> bool:
        """A redial whose dropped call noted a rep, and no rep noted yet on this one."""
        return (self.dropped is not None and self.dropped.last_rep is not None
                and len(self.call.reps) == 1 and not self.current_rep.noted)

    def same_rep_as_dropped(self) -> Rep:
        """Carry on with the dropped call's last rep: name, ID, role, department."""
        if not self.can_use_same_rep():
            raise ServiceError("no rep from the dropped call to carry on with")
        assert self.dropped is not None and self.dropped.last_rep is not None
        before = self.dropped.last_rep
        rep = self.current_rep
        rep.first_name, rep.rep_id, rep.id_refused = (before.first_name, before.rep_id,
                                                      before.id_refused)
        rep.role, rep.department = before.role, before.department
        self.save(index=True)
        return rep

    def next_rep(self) -> tuple[str, Rep]:
        """A transfer: returns the previous rep's label and the new (empty) rep."""
        previous = self.current_rep.label()
        rep = self.live.next_rep()
        self.save()
        return previous, rep

    def switch_playbook(self, playbook: Playbook) -> PlaybookUse | None:
        """Show ``playbook`` from now on; None when it is already shown."""
        if self.playbook is not None and playbook.id == self.playbook.id:
            return None
        self.playbook = playbook
        self.live.use_playbook(playbook.id, playbook.name)
        self.save(index=True)
        return self.call.playbooks_used[-1]

    def escalation_targets(self) -> list[Playbook]:
        """Playbooks the shown one escalates to (those that are loaded)."""
        targets = self.playbook.escalate_to if self.playbook else []
        return [self._ctx.playbooks[t] for t in targets if t in self._ctx.playbooks]

    def set_step(self, key: str, done: bool) -> None:
        """A playbook step ticked or unticked (kept with the call)."""
        self.call.checklist[key] = done
        self.save()

    def set_fact_read(self, fact: str, done: bool) -> None:
        """A case fact ticked as read out to the rep (or unticked)."""
        read_out = self.call.read_out
        if done and fact not in read_out:
            read_out.append(fact)
        elif not done and fact in read_out:
            read_out.remove(fact)
        self.save()

    def set_recording(self, choice: RecordingChoice) -> None:
        call = self.call
        call.recorded, call.consent_asked = choice.recorded, choice.consent_asked
        call.their_state = choice.their_state.strip().upper()
        self.save()

    def claim_defaults(self) -> tuple[str, str]:
        """Who says it (the organisation) and the rep saying it, for the claim form."""
        party = self.playbook.name if self.playbook else self.call.organisation
        rep = self.current_rep
        return party, rep.label() if rep.first_name.strip() else ""

    def add_claim(self, values: dict[str, str]) -> Claim:
        """Who says what, recorded on the case and linked to this call."""
        return self._cases.add_claim(self.call.case_id, values, call_id=self.call.id,
                                     elapsed=self.elapsed())

    # -- ending ---------------------------------------------------------------
    def end(self, result: EndCallResult) -> Call:
        """Hang up with the user's answers; the call is saved and indexed."""
        if result.outcome is not None and result.outcome not in OUTCOMES:
            raise ServiceError(f"unknown outcome: {result.outcome}")
        self.live.end(result.outcome, result.summary, result.references, result.promises,
                      result.next_step, result.reference_refused)
        self._ctx.store.save_call(self.call, index=True)
        return self.call

    def drop_for_redial(self) -> CallRequest:
        """The line dropped: keep this call as disconnected; the request to dial again."""
        self.live.end("disconnected")
        self._ctx.store.save_call(self.call, index=True)
        case = self._cases.find(self.call.case_id)
        title = case.title if case else self.call.case_id
        return CallRequest(title, self.call.organisation, self.call.playbook_id,
                           self.call.number_dialled)

    def interrupt(self) -> bool:
        """The app is going away with the call still running: keep it as interrupted."""
        if not self.call.is_live:
            return False
        self.live.end(INTERRUPTED)
        self._ctx.store.save_call(self.call, index=True)
        return True


class CallService:
    """Starting calls and reading past ones."""

    def __init__(self, ctx: Context, cases: CaseService, followups: FollowUpService) -> None:
        self._ctx = ctx
        self._cases = cases
        self._followups = followups
        self._live: list[LiveSession] = []
        self.by_organisation = CallsByOrganisation()

    def _earlier_hold(self, organisation: str, call_id: str) -> OrganisationHold:
        """Hold time with ``organisation`` on every other call (from the index)."""
        return self.by_organisation.earlier(self._ctx.store, organisation, call_id)

    def _dropped(self, call_id: str) -> DroppedCall | None:
        if not call_id or not self._ctx.store.has_call(call_id):
            return None
        try:
            call = self._ctx.load_call(call_id)
        except ServiceError:  # damaged since: named by the app; the new call goes on
            return None
        noted = [rep for rep in call.reps if rep.noted]
        return DroppedCall(call, noted[-1] if noted else None, call.notes[-LAST_NOTES:])

    def _session(self, live: LiveCall, playbook: Playbook | None,
                 resumed: Gap | None = None) -> LiveSession:
        call = live.call
        session = LiveSession(self._ctx, self._cases, live, playbook,
                              dropped=self._dropped(call.redial_of),
                              earlier_hold=self._earlier_hold(call.organisation, call.id),
                              resumed=resumed)
        self._live = [s for s in self._live if s.call.is_live]
        self._live.append(session)
        session.save(index=True)
        return session

    def resume(self, call_id: str) -> LiveSession:
        """Continue an interrupted call: the same call, live again; the time the app was
        closed is kept in the call as a gap."""
        if any(s.call.id == call_id for s in self.live_sessions()):
            raise ServiceError("this call is already running")
        call = self.load(call_id)
        try:
            live = resume(call, self._ctx.clock)
        except ResumeError as error:
            raise ServiceError(str(error)) from None
        case = self._ctx.store.get_case(call.case_id)
        live.home_state = case.home_state if case else ""
        playbook = self._ctx.playbooks.get(call.playbook_id) if call.playbook_id else None
        return self._session(live, playbook, resumed=call.gaps[-1])

    def latest_interrupted(self) -> CallSummary | None:
        """The call interrupted most recently (``holdtheline call --resume``), if any."""
        rows = [row for row in self._ctx.store.call_summaries()
                if not row.is_live and row.outcome == INTERRUPTED]
        return max(rows, key=lambda row: row.ended_at or row.started_at, default=None)

    def correct_hold(self, call_id: str, hold_id: str, start: str, end: str,
                     reason: str = "") -> Call:
        """After the call: a hold's start and end as local times of day (``14:02`` or
        ``14:02:30``); a time left as shown is not changed. The correction is kept with
        the original; returns the call as saved."""
        call = self.load(call_id)
        segment = call.hold_by_id(hold_id)
        if segment is None:
            raise ServiceError(f"this call has no hold {hold_id}")
        try:
            new_start = (None if start.strip() == hold_clock(segment.start)
                         else parse_clock(start, call))
            new_end = (None if segment.end and end.strip() == hold_clock(segment.end)
                       else parse_clock(end, call))
            revision = correct_hold(call, hold_id, new_start, new_end, self._ctx.clock.now(),
                                    reason)
        except HoldProblem as error:
            raise ServiceError(str(error)) from None
        if revision is not None:
            self._ctx.store.save_call(call, index=True)
        return call

    # -- corrections of notes, references, promises and reps ------------------------------
    def _past_call(self, call_id: str, kind: str) -> Call:
        if kind not in CALL_ITEM_KINDS:
            raise ServiceError(f"a call has no {kind} to change")
        call = self.load(call_id)
        if call.is_live or any(s.call.id == call_id for s in self.live_sessions()):
            raise ServiceError("Finish the call first: items are corrected after the call.")
        return call

    def _item_fields(self, call: Call, kind: str, values: Mapping[str, str]
                     ) -> dict[str, FieldValue]:
        """The values typed in a correction form, checked, as the item's fields."""
        def text(key: str) -> str:
            return str(values.get(key, "")).strip()

        def required(key: str, label: str) -> str:
            if not text(key):
                raise ServiceError(f"{label} is needed.")
            return text(key)

        if kind == "note":
            # A note keeps its line breaks (a multi-line paste).
            if not str(values.get("text", "")).strip():
                raise ServiceError("The note is needed.")
            return {"text": str(values["text"]).strip()}
        if kind == "reference":
            return {"number": required("number", "The reference number")}
        if kind == "promise":
            due = text("due")
            if due:
                case = self._ctx.store.get_case(call.case_id)
                try:
                    due = read_date(due, self._ctx.today(),
                                    case.home_state if case else "").isoformat()
                except DateProblem as error:
                    raise ServiceError(f"Due: {error}") from None
            return {"text": required("text", "What they promised"), "due": due or None}
        role = text("role") or "agent"
        if role not in ROLES:
            raise ServiceError(f"Role: use one of {', '.join(ROLES)}")
        refused = text("id_refused") or "no"
        if refused not in ("yes", "no"):
            raise ServiceError("Refused to give an ID: yes or no")
        return {"first_name": text("first_name"), "rep_id": text("rep_id"),
                "id_refused": refused == "yes", "role": role,
                "department": text("department")}

    def correct_item(self, call_id: str, kind: str, item_id: str, values: Mapping[str, str],
                     reason: str = "") -> Revision | None:
        """After the call: correct a note, reference, promise or rep with the values typed
        (a promise's due as any date the parser knows, blank for none). The values
        replaced are kept with the time and ``reason``; None when nothing changed.
        ``ServiceError`` with a one-line message for a bad value; nothing is changed then.
        A promise whose date had passed unkept stays broken if its date is corrected
        (see ``Promise.missed_due``)."""
        call = self._past_call(call_id, kind)
        item = call.item(kind, item_id)
        if item is None:
            raise ServiceError(f"this call has no {kind} {item_id}")
        fields = self._item_fields(call, kind, values)
        try:
            revision = revise(item, fields, self._ctx.now_iso(), reason)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        if revision is not None:
            self._ctx.store.save_call(call, index=True)
        return revision

    def remove_item(self, call_id: str, kind: str, item_id: str, reason: str = "") -> Call:
        """After the call: take a note, reference, promise or rep out of the call. It is
        kept in the call's ``removed`` list (when, why, where it was), counts in no total
        and can be restored."""
        call = self._past_call(call_id, kind)
        try:
            entry = remove_item(call.items(kind), item_id, as_kind(kind), self._ctx.now_iso(),
                                reason)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        call.removed.append(entry)
        self._ctx.store.save_call(call, index=True)
        return call

    def restore_item(self, call_id: str, kind: str, item_id: str) -> Call:
        """Put a removed item back where it was (the removal stays on record)."""
        call = self._past_call(call_id, kind)
        try:
            entry = removed_entry(call.removed, kind, item_id)
            restore_item(call.items(kind), entry, self._ctx.now_iso())
        except ValueError as error:
            raise ServiceError(str(error)) from None
        self._ctx.store.save_call(call, index=True)
        return call

    def start(self, request: CallRequest, redial_of: str = "") -> LiveSession:
        """Dial: the case is found or created, the timer starts now."""
        if not request.case_title.strip():
            raise ServiceError("name the case first, e.g. 'Coverage restricted'")
        if not request.organisation.strip():
            raise ServiceError("say whom you are calling")
        case = self._cases.open_or_create(request.case_title)
        playbook = self._ctx.playbooks.get(request.playbook_id) if request.playbook_id else None
        live = LiveCall.start(
            self._ctx.clock,
            case.id,
            request.organisation.strip(),
            playbook_id=playbook.id if playbook else "",
            playbook_name=playbook.name if playbook else "",
            number=request.number,
            direction=request.direction,
        )
        live.call.redial_of = redial_of
        for key in request.fulfils:
            call_id, index = self._followups.by_key(key)
            self._followups.set_done(call_id, index)
            live.call.fulfils.append(key)
        live.home_state = case.home_state
        return self._session(live, playbook)

    def request_for_playbook(self, case_text: str, playbook_id: str) -> CallRequest:
        """``holdtheline call --case … --playbook …``: dial this playbook's main number."""
        playbook = self._ctx.playbooks.get(playbook_id)
        if playbook is None:
            known = ", ".join(sorted(self._ctx.playbooks)) or "none"
            raise ServiceError(f"no playbook with id '{playbook_id}' (known: {known})")
        found = self._cases.find(case_text)
        title = found.title if found else case_text.strip()
        return CallRequest(title, playbook.name, playbook.id, playbook.main_number)

    def again(self, call_id: str) -> tuple[CallRequest, str]:
        """Call the same organisation again: the request, and the dropped call it redials."""
        call = self.load(call_id)
        case = self._cases.find(call.case_id)
        request = CallRequest(case.title if case else call.case_id, call.organisation,
                              call.playbook_id, call.number_dialled)
        return request, call.id if call.outcome == "disconnected" else ""

    def live_sessions(self) -> list[LiveSession]:
        """Calls running now."""
        return [session for session in self._live if session.call.is_live]

    def interrupt_live(self) -> int:
        """Keep every call still running as interrupted (the app is quitting)."""
        count = sum(1 for session in self._live if session.interrupt())
        self._live.clear()
        return count

    def summaries(self, case_id: str | None = None) -> list[CallSummary]:
        """Calls as lists show them, oldest first."""
        return self._ctx.store.call_summaries(case_id)

    def load(self, call_id: str) -> Call:
        """One call in full (a fresh copy)."""
        return self._ctx.load_call(call_id)

    def claims_on(self, call: Call) -> list[Claim]:
        """Claims noted during ``call`` (they live on its case)."""
        case = self._cases.find(call.case_id)
        return [claim for claim in case.claims if claim.call_id == call.id] if case else []

    def all_calls(self, case_id: str | None = None) -> list[Call]:
        """Every call in full, oldest first (slow on a big history: use a worker)."""
        return list(self._ctx.store.iter_calls(case_id))

    def searchable(self, titles: Mapping[str, str], today: date) -> Iterator[Searchable]:
        """Each call's search text and its figures for the statistics, oldest first; the
        full call is dropped once read (a big history is never held in memory whole).
        Slow on a big history: use a worker."""
        for call in self._ctx.store.iter_calls():
            yield Searchable(call.id, call_search_text(call, titles.get(call.case_id, "")),
                             call_figures(call, today))
