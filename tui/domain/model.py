"""The records: cases, calls, reps, notes, hold segments, references, promises.

Every record is a typed ``msgspec.Struct``. ``decode`` turns a JSON-ready dict
(from disk or an import) into a record and checks every field's type on the
way: a wrong type anywhere raises ``RecordError`` naming the field, so damaged
or hostile documents never reach the layers above. ``to_dict`` goes back.

Times are UTC ISO-8601 strings; durations are seconds measured on the
monotonic clock from the start of the call. Records hold no references to
each other (only ids), so they are never part of a reference cycle and are
kept out of the garbage collector's way (``gc=False``).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from tui.domain.money import MONEY_PATTERN, shown
from tui.domain.timefmt import parse_iso, to_local

SCHEMA_VERSION = 4
"""Version of every stored document; bump it and add a step to ``tui.domain.migrate``.

2: payment amounts stored as money (``"412.50"``).
3: calls may carry ``gaps`` (the app was closed and the call continued) and hold
segments an ``id`` and ``revisions`` (corrections, the original kept). Older documents
read as version 3 with those empty; an older app refuses version 3 documents instead of
silently dropping the new fields (evidence would be lost).
4: every recorded item (note, reference, promise, rep, payment, notice, claim, document)
can be corrected, keeping the original in its ``revisions``; notes, references, promises
and reps get ids (``note-N``… from their place, as holds did); cases keep corrections of
their title, state and identifiers in ``revisions``; cases and calls keep removed items in
``removed`` (restorable)."""

ROLES = ("agent", "supervisor", "other")
OUTCOMES = ("resolved", "escalated", "callback promised", "no progress", "disconnected")
INTERRUPTED: Literal["interrupted"] = "interrupted"
"""Outcome given to a call that was still running when the app quit or died."""
PAYMENT_METHODS = ("manual", "autopay")
CASE_STATUSES = ("open", "resolved")
CALL_STATUSES = ("live", "ended")

ID_PATTERN = r"^[a-z]{2,12}-[0-9a-f]{12}$"
"""Every id the app makes: a lowercase prefix, a dash, 12 hex digits (``call-3f9a1c2b7d4e``).

Ids become file names, so nothing else is ever accepted where an id is read."""
_ID = re.compile(ID_PATTERN)

Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
"""A record id (checked on every decode)."""
OptionalId = Annotated[str, msgspec.Meta(pattern=r"^(?:[a-z]{2,12}-[0-9a-f]{12})?$")]
"""A link to another case or call, or empty."""
ItemId = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
"""The id of a record inside a case (a payment, a notice…): never part of a path, but
still plain letters, digits, ``-`` and ``_``."""
Money = Annotated[str, msgspec.Meta(pattern=MONEY_PATTERN)]
"""An amount as stored: ``"412.50"`` (see ``tui.domain.money``)."""
OptionalItemId = Annotated[str, msgspec.Meta(pattern=r"^(?:[A-Za-z0-9][A-Za-z0-9_-]{0,63})?$")]
"""An item id, or empty in documents written before the item had one."""
FieldValue = str | float | int | bool | None
"""A value a correction can replace: the plain JSON scalars."""
Role = Literal["agent", "supervisor", "other"]
Outcome = Literal[
    "resolved", "escalated", "callback promised", "no progress", "disconnected", "interrupted"
]
PaymentMethod = Literal["manual", "autopay"]
CaseStatus = Literal["open", "resolved"]
CallStatus = Literal["live", "ended"]
Direction = Literal["outgoing", "incoming"]


def as_outcome(value: str) -> Outcome:
    """``value`` as an outcome; ``ValueError`` when it is not one."""
    if value not in (*OUTCOMES, INTERRUPTED):
        raise ValueError(f"unknown outcome: {value}")
    return value  # type: ignore[return-value]


def as_role(value: str) -> Role:
    """``value`` as a rep's role; ``ValueError`` when it is not one."""
    if value not in ROLES:
        raise ValueError(f"unknown role: {value}")
    return value  # type: ignore[return-value]


def local_date_of(iso: str) -> date:
    """The user's local calendar date of a stored UTC time; ``ValueError`` if not one."""
    return to_local(parse_iso(iso)).date()


def new_id(prefix: str) -> str:
    """A short random id such as ``call-3f9a1c2b7d4e``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def is_valid_id(value: object) -> bool:
    """True when ``value`` is an id the app could have made (safe as a file name)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


class RecordError(ValueError):
    """A document that is not a valid record; the message names the field."""


R = TypeVar("R", bound="Record")


class Record(msgspec.Struct, gc=False):
    """A stored record: decoded with type checks, encoded as a plain JSON object."""

    @classmethod
    def from_dict(cls: type[R], data: Any) -> R:
        """The record in ``data``; ``RecordError`` naming the field when a type is wrong."""
        return decode(data, cls)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (nested records become dicts)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def copy(self: R) -> R:
        """A deep copy that shares nothing with this record."""
        return decode(self.to_dict(), type(self))


T = TypeVar("T")


def decode(data: Any, kind: type[T]) -> T:
    """``data`` as a ``kind``, every field's type checked; unknown keys ignored."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as error:
        raise RecordError(field_message(str(error))) from None


_AT = re.compile(r"^(?P<what>.*?) - at `\$(?P<where>[^`]*)`$")


def field_message(message: str) -> str:
    """msgspec's ``Expected `int`, got `str` - at `$.reps[0].role``` as
    ``field reps[0].role: expected int, got str``."""
    found = _AT.match(message)
    what = (found["what"] if found else message).replace("`", "")
    what = what[:1].lower() + what[1:]
    if found and found["where"]:
        return f"field {found['where'].lstrip('.')}: {what}"
    return what


class Revision(Record):
    """One correction of a recorded item: when it was made, why, and what it replaced.

    The shape every correctable item shares (see ``Revisable``): the item keeps its
    current, corrected values in its own fields and a list of revisions, oldest first.
    ``before`` holds only the fields this correction changed, with the values they had
    just before it, so applying the ``before`` of every revision, newest first, gives
    back the item exactly as first recorded. Nothing is ever thrown away.
    """

    at: str
    """When the correction was made (UTC ISO)."""
    before: dict[str, FieldValue]
    """Field name → its value before this correction (only the fields changed)."""
    reason: str = ""
    """Why, in the user's words or as the app describes it ("on hold since 12 min ago")."""


class Revisable(Record, kw_only=True):
    """A recorded item that can be corrected afterwards without losing the original.

    Subclasses add their own fields (and an ``id`` so a correction can name the item);
    ``tui.domain.corrections.revise`` is the one way to change them after the fact.
    """

    revisions: list[Revision] = msgspec.field(default_factory=list)
    """Corrections, oldest first (empty: as recorded)."""

    @property
    def corrected(self) -> bool:
        return bool(self.revisions)

    def original_values(self) -> dict[str, Any]:
        """The fields that were corrected, with the values first recorded."""
        found: dict[str, Any] = {}
        for revision in reversed(self.revisions):
            found.update(revision.before)
        return found


class Rep(Revisable):
    """One representative, in the order spoken to."""

    first_name: str = ""
    rep_id: str = ""
    id_refused: bool = False
    role: Role = "agent"
    department: str = ""
    joined_at: str = ""
    joined_elapsed: float = 0.0
    id: OptionalItemId = ""
    """``rep-N`` (see ``Call.item_ids``)."""

    @property
    def noted(self) -> bool:
        """True once anything identifying was noted (a name, an ID or a refusal)."""
        return bool(self.first_name.strip() or self.rep_id.strip() or self.id_refused)

    def short_label(self) -> str:
        """``Dana #4471`` or ``Lee (refused to give ID)``; ``""`` when nothing was noted."""
        if not self.noted:
            return ""
        if self.id_refused:
            ident = " (refused to give ID)"
        elif self.rep_id.strip():
            ident = f" #{self.rep_id.strip()}"
        else:
            ident = ""
        return f"{self.first_name.strip() or '(no name)'}{ident}"

    def label(self) -> str:
        """``Dana #4471 (supervisor, Billing)`` — plain text, never empty."""
        name = self.short_label() or "(no name yet)"
        extra = ", ".join(part for part in (self.role, self.department.strip()) if part)
        return name + (f" ({extra})" if extra else "")


class Note(Revisable):
    """A timestamped note: elapsed call time and wall time."""

    text: str
    elapsed: float
    at: str
    id: OptionalItemId = ""
    """``note-N`` (see ``Call.item_ids``)."""


class HoldSegment(Revisable):
    """One stretch on hold; ``end`` is empty while still on hold.

    Corrected values (``revisions`` not empty) are the ones every total uses."""

    start: str
    start_elapsed: float
    end: str | None = None
    end_elapsed: float | None = None
    id: OptionalItemId = ""
    """``hold-N``: its place among the call's holds, from 1 (holds are only ever added,
    never removed or reordered, so it never changes). Documents written before holds
    had ids get the same when read."""

    def seconds(self, now_elapsed: float) -> float:
        end = self.end_elapsed if self.end_elapsed is not None else now_elapsed
        return max(0.0, end - self.start_elapsed)


class Gap(Record):
    """A stretch when the app was closed (quit, crash, kill) and the call went on.

    The call's clock stands still during a gap: ``elapsed`` stamps on either side of it
    follow on, so call time (and hold and talk time) never includes it. Its wall-clock
    length is kept here and shown apart, as time not recorded."""

    start: str
    """Last moment recorded before the app went away (UTC ISO)."""
    end: str
    """When the call was continued (UTC ISO)."""
    start_elapsed: float
    """Call time at which the app went away (and at which recording went on)."""
    was_on_hold: bool = False
    """The call was on hold when the app went away (a new hold started on continuing)."""

    def seconds(self) -> float:
        """Wall-clock length (never negative)."""
        return max(0.0, (parse_iso(self.end) - parse_iso(self.start)).total_seconds())


class Reference(Revisable):
    """A reference or ticket number given on the call."""

    number: str
    elapsed: float
    at: str
    id: OptionalItemId = ""
    """``ref-N`` (see ``Call.item_ids``)."""


class Promise(Revisable):
    """Something the organisation promised; with a due date it is a follow-up.

    Its due date can be corrected (a slip when typing it); but a date that had already
    passed, not kept, when it was corrected stays on record as missed: see
    ``missed_due`` and ``tui.domain.followups.promise_status``."""

    text: str
    due: str | None
    elapsed: float
    at: str
    done: bool = False
    done_at: str | None = None
    """When it was marked done (UTC); None for promises marked done before this was kept."""
    id: OptionalItemId = ""
    """``promise-N`` (see ``Call.item_ids``); its follow-up is ``<call id>#N``."""

    def missed_due(self) -> str | None:
        """The first due date this promise had already missed when it was corrected away.

        A correction made after a due date passed, with the promise not done by then,
        does not undo the broken promise: that date is returned (and the promise counts
        as broken, or kept late, whatever its new date). None when no correction hid a
        missed date."""
        for revision in self.revisions:
            old = revision.before.get("due")
            if not isinstance(old, str) or "due" not in revision.before:
                continue
            try:
                due = datetime.fromisoformat(old).date()
                corrected = local_date_of(revision.at)
            except ValueError:
                continue
            done = local_date_of(self.done_at) if self.done and self.done_at else None
            if corrected > due and (done is None or done > due):
                return old
        return None


class PlaybookUse(Record):
    """A playbook shown during the call, and from when."""

    id: str
    name: str
    at: str
    elapsed: float


class Payment(Revisable):
    """One premium or bill payment, with the proof to read out."""

    id: ItemId
    date: str
    amount: Money
    method: PaymentMethod = "manual"
    confirmation: str = ""
    account: str = ""
    note: str = ""

    def label(self) -> str:
        """``2026-10-20  $412.50 autopay  conf. 88-1234 from checking …4821``."""
        parts = [self.date, shown(self.amount), self.method]
        if self.confirmation:
            parts.append(f"conf. {self.confirmation}")
        if self.account:
            parts.append(f"from {self.account}")
        return "  ".join(part for part in parts if part)


class Notice(Revisable):
    """A letter or notice received, and the deadline it starts."""

    id: ItemId
    date: str
    name: str
    notice_id: str = ""
    says: str = ""
    deadline_name: str = ""
    deadline_days: int = 0


class Claim(Revisable):
    """What one party says about one question, and when."""

    id: ItemId
    question: str
    party: str
    says: str
    date: str
    who: str = ""
    call_id: OptionalId = ""
    recorded_at: str = ""
    """When it was noted (UTC), if during a call."""
    recorded_elapsed: float | None = None
    """How far into the call it was noted."""


class DocumentSent(Revisable):
    """Something sent to an organisation: what, how, when, tracking."""

    id: ItemId
    what: str
    how: str
    date: str
    to: str = ""
    tracking: str = ""
    letter: str = ""
    """The id of the letter template it was written from, if any."""
    text: str = ""
    """The letter as sent (after review and editing)."""
    file: str = ""
    """Where a copy was written (PDF, text or Markdown), if anywhere."""
    call_id: OptionalId = ""
    """The call the letter confirms or follows up, if any."""
    written_at: str = ""
    """When the letter was saved to the case (UTC)."""


CASE_ITEM_KINDS = ("identifier", "payment", "notice", "claim", "document")
"""Items of a case that can be corrected and removed (an identifier by its name)."""
CALL_ITEM_KINDS = ("note", "reference", "promise", "rep")
"""Items of a call that can be corrected and removed after the call (holds: corrected)."""
ItemKind = Literal["identifier", "payment", "notice", "claim", "document",
                   "note", "reference", "promise", "rep"]


class Removed(Record, omit_defaults=True):
    """An item removed from a case or a call: kept whole, with when and why.

    Exactly one of the item fields holds it (an identifier: ``key`` and ``value``).
    It counts in no total; restoring puts it back where it was and stamps
    ``restored_at`` (the entry stays, so the removal stays on record)."""

    kind: ItemKind
    at: str
    """When it was removed (UTC ISO)."""
    reason: str = ""
    position: int = 0
    """Its place in its list when removed (restored there, or at the end)."""
    restored_at: str = ""
    """When it was put back (UTC ISO); empty while it is removed."""
    key: str = ""
    value: str = ""
    payment: Payment | None = None
    notice: Notice | None = None
    claim: Claim | None = None
    document: DocumentSent | None = None
    note: Note | None = None
    reference: Reference | None = None
    promise: Promise | None = None
    rep: Rep | None = None

    @property
    def item(self) -> Revisable | None:
        """The item removed (None for an identifier)."""
        found: Revisable | None = getattr(self, self.kind, None) if self.kind != "identifier" \
            else None
        return found

    @property
    def item_id(self) -> str:
        """What names the item: an identifier's name, else the item's id."""
        item = self.item
        return self.key if item is None else str(getattr(item, "id", ""))

    @property
    def restored(self) -> bool:
        return bool(self.restored_at)


class Case(Revisable):
    """One dispute, which many calls work on.

    ``revisions`` keeps corrections of the case's own values: ``title``, ``home_state``,
    ``member`` and ``identifier:<name>`` (None: the identifier did not exist), so a
    renamed or corrected identifier keeps what it was."""

    id: Id
    title: str
    created_at: str
    status: CaseStatus = "open"
    identifiers: dict[str, str] = msgspec.field(default_factory=dict)
    payments: list[Payment] = msgspec.field(default_factory=list)
    notices: list[Notice] = msgspec.field(default_factory=list)
    claims: list[Claim] = msgspec.field(default_factory=list)
    documents: list[DocumentSent] = msgspec.field(default_factory=list)
    home_state: str = ""
    """The user's US state (two letters), for the call-recording warning."""
    member: str = ""
    """Whom the case is about, when not the caller (e.g. "my mother, Ana Reyes")."""
    removed: list[Removed] = msgspec.field(default_factory=list)
    """Items removed from the case (kept, restorable), oldest first."""
    schema_version: int = SCHEMA_VERSION
    type: Literal["case"] = "case"

    @classmethod
    def create(cls, title: str, created_at: str) -> Case:
        return cls(id=new_id("case"), title=title.strip(), created_at=created_at)

    def facts(self) -> list[str]:
        """What to have ready and read out: identifiers, then payments by date."""
        found = [f"{key}: {value}" for key, value in self.identifiers.items()]
        found += [f"Paid {p.label()}" for p in sorted(self.payments, key=lambda p: p.date)]
        return found


class Profile(Record):
    """Who is asking: heads the dossier and the letters."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    date_of_birth: str = ""
    """``YYYY-MM-DD``, only if the user wants it in what they send."""
    schema_version: int = SCHEMA_VERSION
    type: Literal["profile"] = "profile"

    @property
    def empty(self) -> bool:
        return not any((self.name, self.phone, self.email, self.address, self.date_of_birth))


class Call(Record):
    """One phone call, as stored."""

    id: Id
    case_id: Id
    organisation: str
    started_at: str
    playbook_id: str = ""
    number_dialled: str = ""
    """The number called; for an incoming call, the number it came from."""
    ended_at: str | None = None
    duration_seconds: float = 0.0
    status: CallStatus = "live"
    outcome: Outcome | None = None
    summary: str = ""
    draft_note: str = ""
    direction: Direction = "outgoing"
    """``incoming``: the organisation called the user."""
    fulfils: list[str] = msgspec.field(default_factory=list)
    """Follow-ups (``call-…#n``) this call kept, e.g. the call back they promised."""
    reps: list[Rep] = msgspec.field(default_factory=list)
    notes: list[Note] = msgspec.field(default_factory=list)
    hold_segments: list[HoldSegment] = msgspec.field(default_factory=list)
    references: list[Reference] = msgspec.field(default_factory=list)
    promises: list[Promise] = msgspec.field(default_factory=list)
    playbooks_used: list[PlaybookUse] = msgspec.field(default_factory=list)
    checklist: dict[str, bool] = msgspec.field(default_factory=dict)
    read_out: list[str] = msgspec.field(default_factory=list)
    """Case facts read out to the rep on this call (their labels)."""
    reference_refused: bool | None = None
    """No reference number: did the rep refuse to give one? None = not asked."""
    next_step: str = ""
    recorded: bool = False
    consent_asked: bool = False
    their_state: str = ""
    redial_of: OptionalId = ""
    """The dropped call this one redials, if any."""
    gaps: list[Gap] = msgspec.field(default_factory=list)
    """Times the app was closed during this call and the call was continued, oldest first."""
    removed: list[Removed] = msgspec.field(default_factory=list)
    """Notes, references, promises and reps removed after the call (kept, restorable)."""
    schema_version: int = SCHEMA_VERSION
    type: Literal["call"] = "call"

    def __post_init__(self) -> None:
        for number, segment in enumerate(self.hold_segments, start=1):
            if not segment.id:
                segment.id = f"hold-{number}"
        self.item_ids()

    def items(self, kind: str) -> list[Any]:
        """The call's list of ``kind`` items (``note``, ``reference``, ``promise``, ``rep``)."""
        if kind not in CALL_ITEM_KINDS:
            raise ValueError(f"a call has no {kind} items")
        found: list[Any] = getattr(self, CALL_ITEM_LISTS[kind])
        return found

    def item_ids(self) -> None:
        """Give every note, reference, promise and rep without an id the next free one:
        ``note-N``, ``ref-N``, ``promise-N``, ``rep-N``. Documents written before items had
        ids get their place in the list (as holds did), so follow-up keys stay the same;
        ids are never reused, removed items included."""
        for kind in CALL_ITEM_KINDS:
            prefix = ITEM_PREFIX[kind]
            items = self.items(kind)
            if all(item.id for item in items):
                continue
            used = {item.id for item in items} | {r.item_id for r in self.removed
                                                  if r.kind == kind}
            numbers = [int(i.rpartition("-")[2]) for i in used
                       if i.startswith(prefix + "-") and i.rpartition("-")[2].isdigit()]
            top = max(numbers, default=0)
            for item in items:
                if not item.id:
                    top += 1
                    item.id = f"{prefix}-{top}"

    def item(self, kind: str, item_id: str) -> Any:
        """The ``kind`` item with this id, or None."""
        return next((item for item in self.items(kind) if item.id == item_id), None)

    def gap_seconds(self) -> float:
        """Wall-clock time the app was closed during the call (not call time)."""
        return sum(gap.seconds() for gap in self.gaps)

    def wall_at(self, elapsed: float) -> datetime:
        """The wall time (UTC) at ``elapsed`` seconds of call time, gaps skipped."""
        base, base_elapsed = parse_iso(self.started_at), 0.0
        for gap in self.gaps:
            if gap.start_elapsed <= elapsed:
                base, base_elapsed = parse_iso(gap.end), gap.start_elapsed
        return base + timedelta(seconds=elapsed - base_elapsed)

    def elapsed_at(self, moment: datetime) -> float | None:
        """Call time at wall time ``moment``; None before the call or while the app was
        closed (inside a gap)."""
        start = parse_iso(self.started_at)
        if moment < start:
            return None
        base, base_elapsed = start, 0.0
        for gap in self.gaps:
            if moment < parse_iso(gap.start):
                break
            if moment < parse_iso(gap.end):
                return None
            base, base_elapsed = parse_iso(gap.end), gap.start_elapsed
        return base_elapsed + (moment - base).total_seconds()

    def next_hold_id(self) -> str:
        """The id of the next hold segment (``hold-N``, unique in this call)."""
        used = {segment.id for segment in self.hold_segments}
        number = len(self.hold_segments) + 1
        while f"hold-{number}" in used:
            number += 1
        return f"hold-{number}"

    def hold_by_id(self, hold_id: str) -> HoldSegment | None:
        return next((s for s in self.hold_segments if s.id == hold_id), None)

    def hold_seconds(self, now_elapsed: float | None = None) -> float:
        """Total time on hold; an open segment counts up to ``now_elapsed``."""
        end = self.duration_seconds if now_elapsed is None else now_elapsed
        return sum(segment.seconds(end) for segment in self.hold_segments)

    def talk_seconds(self, now_elapsed: float | None = None) -> float:
        """Time not on hold."""
        total = self.duration_seconds if now_elapsed is None else now_elapsed
        return max(0.0, total - self.hold_seconds(now_elapsed))

    @property
    def on_hold(self) -> bool:
        return bool(self.hold_segments) and self.hold_segments[-1].end is None

    @property
    def is_live(self) -> bool:
        return self.status == "live"

    @property
    def incoming(self) -> bool:
        return self.direction == "incoming"

    def outcome_label(self) -> str:
        """The outcome as listed: ``live`` while running, ``not set`` if none was chosen."""
        return self.outcome or ("live" if self.is_live else "not set")

    def summary_row(self) -> CallSummary:
        """The few fields lists need (home, history, follow-ups), kept in the index."""
        return CallSummary(
            id=self.id,
            case_id=self.case_id,
            organisation=self.organisation,
            playbook_id=self.playbook_id,
            started_at=self.started_at,
            ended_at=self.ended_at,
            duration_seconds=self.duration_seconds,
            hold_seconds=self.hold_seconds(),
            status=self.status,
            outcome=self.outcome,
            summary=self.summary,
            direction=self.direction,
            reps=[rep.label() for rep in self.reps],
            references=[ref.number for ref in self.references],
            promises=[PromiseSummary(p.text, p.due, p.done, p.done_at, p.id, p.missed_due())
                      for p in self.promises],
        )


class PromiseSummary(Record):
    """A promise as the index keeps it."""

    text: str
    due: str | None
    done: bool = False
    done_at: str | None = None
    id: str = ""
    """The promise's id in its call (``promise-N``)."""
    missed_due: str | None = None
    """A due date it had missed before it was corrected (see ``Promise.missed_due``)."""


CALL_ITEM_LISTS = {"note": "notes", "reference": "references", "promise": "promises",
                   "rep": "reps"}
ITEM_PREFIX = {"note": "note", "reference": "ref", "promise": "promise", "rep": "rep"}


class CallSummary(Record):
    """One call as lists show it; rebuilt from the call file whenever it changes."""

    id: Id
    case_id: Id
    organisation: str
    started_at: str
    playbook_id: str = ""
    ended_at: str | None = None
    duration_seconds: float = 0.0
    hold_seconds: float = 0.0
    status: CallStatus = "live"
    outcome: Outcome | None = None
    summary: str = ""
    reps: list[str] = msgspec.field(default_factory=list)
    references: list[str] = msgspec.field(default_factory=list)
    promises: list[PromiseSummary] = msgspec.field(default_factory=list)
    direction: Direction = "outgoing"
    schema_version: int = SCHEMA_VERSION

    @property
    def is_live(self) -> bool:
        return self.status == "live"

    def outcome_label(self) -> str:
        """The outcome as listed: ``live`` while running, ``not set`` if none was chosen."""
        return self.outcome or ("live" if self.is_live else "not set")
