"""The worked example from the spec, told by ``story.yaml`` and acted out through the
application layer (``Service`` on a ``FrozenClock`` that the teller moves on)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

import msgspec
import yaml

from tui.demo.days import MONTHS, add_months, at, business_day, local_day, long, short
from tui.demo.shipped import shipped_playbooks, step_keys
from tui.domain.clock import FrozenClock
from tui.domain.model import Case, Outcome, Role
from tui.playbooks import Playbook
from tui.service import CallRequest, EndCallResult, LiveSession, Service
from tui.store import Store

STORY_FILE = Path(__file__).with_name("story.yaml")
SAY_GAP = 1.5
"""Minutes before each line typed on the note line."""
PROMISE_GAP = 1.0
"""Minutes before a promise is typed."""
KEPT_AT = "16:00"
"""The time of day a promise is marked kept (Massachusetts time)."""
END_GAP = 1.0
"""Minutes from the last action to hanging up."""


class StoryError(ValueError):
    """``story.yaml`` says something the teller cannot act out."""


class _Spec(msgspec.Struct, forbid_unknown_fields=True):
    """A part of the story file (unknown keys are mistakes)."""


class DateSpec(_Spec):
    """A day counted from day 0: one of business days, calendar days, or months."""

    business_days: int | None = None
    days: int | None = None
    months: int | None = None
    day: int = 1
    """With ``months``: the day of that month."""

    def __post_init__(self) -> None:
        given = [name for name in ("business_days", "days", "months")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("a date needs one of business_days, days or months")


When = str | DateSpec
"""A name from the story's ``dates``, or a date."""


class RepSpec(_Spec):
    name: str
    id: str = ""
    role: Role = "agent"
    department: str = ""
    refused: bool = False


class CallClaimSpec(_Spec):
    question: str
    says: str
    who: str = ""


class EndSpec(_Spec):
    outcome: Outcome
    summary: str
    next_step: str = ""
    reference_refused: bool | None = None


class ActionSpec(_Spec):
    """One thing that happens on a call: exactly one kind, with that kind's options."""

    say: str | list[str] | None = None
    promise: str | None = None
    gap: float | None = None
    """``say``/``promise``: minutes before each line (default ``SAY_GAP``/``PROMISE_GAP``)."""
    kept: bool | DateSpec = False
    """``promise``: kept later: ``true`` on its due date, or on the day given (after the
    due date it is kept late, and still counts as broken)."""
    hold: float | None = None
    line_drops: bool = False
    """``hold``: still on hold when the call ends."""
    rep: RepSpec | None = None
    transfer: RepSpec | None = None
    read: list[str] | None = None
    tick: list[str] | Literal["all"] | None = None
    switch: str | None = None
    claim: CallClaimSpec | None = None
    end: EndSpec | None = None

    def __post_init__(self) -> None:
        kinds = [kind for kind in ACTION_KINDS if getattr(self, kind) is not None]
        if len(kinds) != 1:
            raise ValueError(f"an action needs exactly one of {', '.join(ACTION_KINDS)}; "
                             f"got {', '.join(kinds) or 'none'}")
        for option, allowed in _OPTIONS.items():
            if getattr(self, option) not in (None, False) and kinds[0] not in allowed:
                raise ValueError(f"'{option}' goes with {' or '.join(allowed)}, not {kinds[0]}")

    @property
    def kind(self) -> str:
        return next(kind for kind in ACTION_KINDS if getattr(self, kind) is not None)


ACTION_KINDS = ("say", "promise", "hold", "rep", "transfer", "read", "tick", "switch",
                "claim", "end")
_OPTIONS = {"gap": ("say", "promise"), "kept": ("promise",), "line_drops": ("hold",)}
"""Options and the action kinds they go with."""


class CallSpec(_Spec):
    """One call: when, to whom, and what happens on it."""

    day: int
    """Business days after day 0."""
    at: str
    playbook: str
    actions: list[ActionSpec]
    number: str = ""
    """Dialled instead of the playbook's main number."""
    redials: int = 0
    """The story's call (1 = the first) that dropped and this one redials."""
    incoming: bool = False
    """They called the user (``number``: the number it came from)."""
    keeps: list[str] = msgspec.field(default_factory=list)
    """Promises this call keeps, as ``<call>#<promise>`` counted from 1 (``6#1``)."""

    def __post_init__(self) -> None:
        kinds = [action.kind for action in self.actions]
        if kinds.count("end") != 1 or kinds[-1] != "end":
            raise ValueError("'end' must be the call's last action, once")


class PaymentSpec(_Spec):
    date: When
    amount: str
    method: str = "manual"
    confirmation: str = ""
    account: str = ""
    note: str = ""
    first_typed: str = ""
    """The confirmation number as first typed (a slip), corrected before the first call."""
    why_corrected: str = ""


class NoticeSpec(_Spec):
    date: When
    name: str
    notice_id: str = ""
    says: str = ""
    deadline_name: str = ""
    deadline_days: int | None = None


class DocumentSpec(_Spec):
    date: When
    what: str
    how: str
    to: str = ""
    tracking: str = ""


class CaseClaimSpec(_Spec):
    date: When
    question: str
    party: str
    says: str
    who: str = ""


class CaseSpec(_Spec):
    """The case and what is on it besides the calls."""

    title: str
    created: str
    """Time on day 0."""
    home_state: str = ""
    identifiers: dict[str, str] = {}
    payments: list[PaymentSpec] = []
    notices: list[NoticeSpec] = []
    documents: list[DocumentSpec] = []
    claims: list[CaseClaimSpec] = []


class ProfileSpec(_Spec):
    """Who is asking: the caller's details (they head the dossier)."""

    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


class Story(_Spec):
    dates: dict[str, DateSpec]
    words: dict[str, str]
    case: CaseSpec
    calls: list[CallSpec]
    profile: ProfileSpec | None = None

    def __post_init__(self) -> None:
        for number, call in enumerate(self.calls, start=1):
            if not 0 <= call.redials < number:
                raise ValueError(f"call {number} redials {call.redials}: name an earlier call")


@lru_cache(maxsize=1)
def load_story(path: Path = STORY_FILE) -> Story:
    """The story file, checked."""
    try:
        story = msgspec.convert(yaml.safe_load(path.read_text("utf-8")), Story)
    except (OSError, yaml.YAMLError, msgspec.ValidationError) as error:
        raise StoryError(f"{path.name}: {error}") from None
    return story


class _Day:
    """A date as the story's text writes it: ``{d:long}``, ``{d:short}``, ``{d:month}``,
    ``{d}`` (ISO)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __format__(self, spec: str) -> str:
        formats: dict[str, Callable[[date], str]] = {
            "": date.isoformat, "long": long, "short": short,
            "month": lambda day: MONTHS[day.month - 1]}
        if spec not in formats:
            raise StoryError(f"unknown date format '{spec}'")
        return formats[spec](self.day)


class StoryTeller:
    """Acts the story out through the service, moving its frozen clock forward."""

    def __init__(self, store: Store, story: Story, day0: date) -> None:
        self.story = story
        self.day0 = day0
        self.clock = FrozenClock(at(day0, story.case.created))
        self.service = Service(store, shipped_playbooks(), clock=self.clock)
        self.dates = {name: self._resolve(spec) for name, spec in story.dates.items()}
        days = {name: _Day(day) for name, day in self.dates.items()}
        self.words: dict[str, object] = {
            **days, **{name: text.format_map(days) for name, text in story.words.items()}}
        self.call_ids: list[str] = []
        self.kept: list[tuple[datetime, str, int]] = []
        """Promises to mark done: when, the call, the promise's index (kept in time order)."""
        self.case_id = ""
        self.corrections: list[tuple[str, dict[str, str], str]] = []
        """Payments first typed wrong: their id, the right values, why (corrected before
        the first call)."""

    # -- time and text --------------------------------------------------------------
    def _resolve(self, spec: DateSpec) -> date:
        if spec.business_days is not None:
            return business_day(self.day0, spec.business_days)
        if spec.days is not None:
            return self.day0 + timedelta(days=spec.days)
        return add_months(self.day0, spec.months or 0).replace(day=spec.day)

    def day_of(self, when: When) -> date:
        if isinstance(when, DateSpec):
            return self._resolve(when)
        if when not in self.dates:
            raise StoryError(f"no date called '{when}'")
        return self.dates[when]

    def text(self, template: str) -> str:
        try:
            return template.format_map(self.words)
        except (KeyError, ValueError) as error:
            raise StoryError(f"{template!r}: {error}") from None

    def wait(self, minutes: float) -> None:
        self.clock.advance(minutes * 60)

    def move_to(self, moment: datetime) -> None:
        """Move the clock on to ``moment``, keeping promises whose day comes first."""
        if moment < self.clock.now():
            raise StoryError(f"the story goes back in time at {moment.isoformat()}")
        self.kept.sort()
        while self.kept and self.kept[0][0] <= moment:
            when, call_id, index = self.kept.pop(0)
            self.clock.advance(max(0.0, (when - self.clock.now()).total_seconds()))
            self.service.followups.set_done(call_id, index)
        self.clock.advance((moment - self.clock.now()).total_seconds())

    def form(self, record: _Spec) -> dict[str, str]:
        """A case record as the case screen's form would give it."""
        values: dict[str, str] = {}
        for name in record.__struct_fields__:
            value = getattr(record, name)
            if name == "date":
                values[name] = self.day_of(value).isoformat()
            elif isinstance(value, str):
                values[name] = self.text(value)
            elif value is not None:
                values[name] = str(value)
        return values

    # -- the case -------------------------------------------------------------------
    def open_case(self) -> str:
        spec = self.story.case
        cases = self.service.cases
        case_id = cases.open_or_create(spec.title).id
        cases.rename(case_id, {"title": spec.title, "home_state": spec.home_state})
        for key, value in spec.identifiers.items():
            cases.add_identifier(case_id, {"key": key, "value": self.text(value)})
        for payment in spec.payments:
            if self.day_of(payment.date) < self.day0:
                values = {key: value for key, value in self.form(payment).items()
                          if key not in ("first_typed", "why_corrected")}
                if payment.first_typed:
                    typed = cases.add_payment(case_id, {**values,
                                                        "confirmation": payment.first_typed})
                    self.corrections.append((typed.id, values, payment.why_corrected))
                else:
                    cases.add_payment(case_id, values)
        for notice in spec.notices:
            cases.add_notice(case_id, self.form(notice))
        for document in spec.documents:
            cases.add_document(case_id, self.form(document))
        for claim in spec.claims:
            cases.add_claim(case_id, self.form(claim))
        return case_id

    # -- the calls ------------------------------------------------------------------
    def make_call(self, spec: CallSpec) -> None:
        self.move_to(at(business_day(self.day0, spec.day), spec.at))
        playbook = self.playbook(spec.playbook)
        request = CallRequest(self.case_id, playbook.name, playbook.id,
                              spec.number or playbook.main_number)
        redial_of = self.call_ids[spec.redials - 1] if spec.redials else ""
        if spec.incoming:
            request.direction = "incoming"
            request.fulfils = [self._followup(key) for key in spec.keeps]
        session = self.service.calls.start(request, redial_of=redial_of)
        for action in spec.actions:
            self.ACTIONS[action.kind](self, session, action)
        self.call_ids.append(session.call.id)

    def _followup(self, key: str) -> str:
        """``6#1`` (the story's call 6, its first promise) as the app names it."""
        call, _, promise = key.partition("#")
        if not (call.isdigit() and promise.isdigit()) or not 0 < int(call) <= len(
                self.call_ids):
            raise StoryError(f"keeps: '{key}' names no earlier call's promise (like 6#1)")
        return f"{self.call_ids[int(call) - 1]}#{int(promise)}"

    def playbook(self, playbook_id: str) -> Playbook:
        found = self.service.playbooks.get(playbook_id)
        if found is None:
            raise StoryError(f"no shipped playbook '{playbook_id}'")
        return found

    def say(self, session: LiveSession, action: ActionSpec) -> None:
        lines = [action.say] if isinstance(action.say, str) else action.say or []
        for line in lines:
            self.wait(SAY_GAP if action.gap is None else action.gap)
            session.enter_line(self.text(line))

    def promise(self, session: LiveSession, action: ActionSpec) -> None:
        self.wait(PROMISE_GAP if action.gap is None else action.gap)
        session.enter_line(f"promise: {self.text(action.promise or '')}")
        if action.kept:
            promise = session.call.promises[-1]
            if isinstance(action.kept, DateSpec):
                day = self._resolve(action.kept)
            elif promise.due:
                day = date.fromisoformat(promise.due)
            else:
                raise StoryError(f"'{promise.text}' has no date: say on which day it is kept")
            moment = max(at(day, KEPT_AT), self.clock.now())
            self.kept.append((moment, session.call.id, len(session.call.promises) - 1))

    def hold(self, session: LiveSession, action: ActionSpec) -> None:
        session.toggle_hold()
        self.wait(action.hold or 0)
        if not action.line_drops:
            session.toggle_hold()

    def rep(self, session: LiveSession, action: ActionSpec) -> None:
        self.fill_rep(session, action.rep)

    def transfer(self, session: LiveSession, action: ActionSpec) -> None:
        session.next_rep()
        self.fill_rep(session, action.transfer)

    @staticmethod
    def fill_rep(session: LiveSession, rep: RepSpec | None) -> None:
        assert rep is not None
        for field, value in (("first_name", rep.name), ("rep_id", rep.id), ("role", rep.role),
                             ("department", rep.department), ("id_refused", rep.refused)):
            session.set_rep_field(field, value)

    def read(self, session: LiveSession, action: ActionSpec) -> None:
        starts = tuple(self.text(start) for start in action.read or [])
        for fact in session.facts():
            if fact.startswith(starts):
                session.set_fact_read(fact, True)

    def tick(self, session: LiveSession, action: ActionSpec) -> None:
        assert session.playbook is not None
        words = [] if action.tick == "all" else action.tick or []
        for key in step_keys(session.playbook, words):
            session.set_step(key, True)

    def switch(self, session: LiveSession, action: ActionSpec) -> None:
        session.switch_playbook(self.playbook(action.switch or ""))

    def claim(self, session: LiveSession, action: ActionSpec) -> None:
        claim = action.claim
        assert claim is not None
        party, _rep = session.claim_defaults()
        session.add_claim({"question": self.text(claim.question), "party": party,
                           "says": self.text(claim.says), "who": self.text(claim.who),
                           "date": local_day(self.clock.now()).isoformat()})

    def end(self, session: LiveSession, action: ActionSpec) -> None:
        ending = action.end
        assert ending is not None
        self.wait(END_GAP)
        session.end(EndCallResult(ending.outcome, self.text(ending.summary),
                                  next_step=self.text(ending.next_step),
                                  reference_refused=ending.reference_refused))

    ACTIONS: dict[str, Callable[[StoryTeller, LiveSession, ActionSpec], None]] = {
        # every kind in ACTION_KINDS, and the method that acts it out
        "say": say, "promise": promise, "hold": hold, "rep": rep, "transfer": transfer,
        "read": read, "tick": tick, "switch": switch, "claim": claim, "end": end,
    }

    # -- the whole story --------------------------------------------------------------
    def tell(self) -> Case:
        if self.story.profile is not None:
            self.service.save_profile(msgspec.structs.asdict(self.story.profile))
        self.case_id = self.open_case()
        self.clock.advance(10 * 60)  # checked against the bank statement before calling
        for payment_id, values, why in self.corrections:
            self.service.cases.correct(self.case_id, "payment", payment_id, values, why)
        for spec in self.story.calls:
            self.make_call(spec)
        for when, call_id, index in sorted(self.kept):
            self.clock.advance(max(0.0, (when - self.clock.now()).total_seconds()))
            self.service.followups.set_done(call_id, index)
        self.kept.clear()
        return self.service.cases.get(self.case_id)


def build_story(store: Store, start: datetime) -> Case:
    """Record the worked example into ``store`` through the service; returns its case.

    ``start`` gives the day of the first call (its date in Massachusetts; a
    weekend moves to the Monday after). The calls fall on business days over
    about three weeks, in office hours, Massachusetts time. The saves are
    queued as the app's are: ``store.flush()`` or ``close()`` puts them on disk.
    """
    return StoryTeller(store, load_story(), business_day(local_day(start), 0)).tell()
