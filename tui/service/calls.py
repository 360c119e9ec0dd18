"""Calls: dialling, every edit during a live call, hanging up, interrupting, redialling.

A ``LiveSession`` is the one way a running call changes: the call screen
forwards what the user did, the session applies it through the domain's
``LiveCall`` and queues the save. Screens read ``session.call`` to show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tui.domain.dates import DateProblem, describe, understand_date
from tui.domain.live import LiveCall, NoteResult, promise_text
from tui.domain.model import (
    INTERRUPTED,
    OUTCOMES,
    ROLES,
    Call,
    CallSummary,
    Case,
    Claim,
    HoldSegment,
    Note,
    PlaybookUse,
    Rep,
    as_role,
)
from tui.playbooks import Playbook
from tui.service.base import Context, ServiceError
from tui.service.cases import CaseService
from tui.service.followups import FollowUpService
from tui.store import SaveStatus

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
class RecordingChoice:
    """Is the call recorded, was consent asked, and the other side's state."""

    recorded: bool
    consent_asked: bool
    their_state: str


class LiveSession:
    """A call in progress: every change goes through here and is saved at once."""

    def __init__(self, ctx: Context, cases: CaseService, live: LiveCall,
                 playbook: Playbook | None) -> None:
        self._ctx = ctx
        self._cases = cases
        self.live = live
        self.playbook = playbook

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
        session = LiveSession(self._ctx, self._cases, live, playbook)
        self._live = [s for s in self._live if s.call.is_live]
        self._live.append(session)
        session.save(index=True)
        return session

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
        if not self._ctx.store.has_call(call_id):
            raise ServiceError(f"no call {call_id}")
        return self._ctx.store.load_call(call_id)

    def claims_on(self, call: Call) -> list[Claim]:
        """Claims noted during ``call`` (they live on its case)."""
        case = self._cases.find(call.case_id)
        return [claim for claim in case.claims if claim.call_id == call.id] if case else []

    def all_calls(self, case_id: str | None = None) -> list[Call]:
        """Every call in full, oldest first (slow on a big history: use a worker)."""
        return list(self._ctx.store.iter_calls(case_id))
