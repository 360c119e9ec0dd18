"""The records: cases, calls, reps, notes, hold segments, references, promises.

Every record turns into a plain JSON-ready dict (``to_dict``) and back
(``from_dict``). Times are UTC ISO-8601 strings; durations are seconds
measured on the monotonic clock from the start of the call.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

SCHEMA_VERSION = 1
"""Version of every stored document; bump it and add a migration on change."""

ROLES = ("agent", "supervisor", "other")
OUTCOMES = ("resolved", "escalated", "callback promised", "no progress", "disconnected")
INTERRUPTED = "interrupted"
"""Outcome given to a call that was still running when the app quit or died."""

def new_id(prefix: str) -> str:
    """A short random id such as ``call-3f9a1c2b7d4e``."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in data.items() if key in names}


R = TypeVar("R", bound="Record")


class Record:
    """A flat record stored as a JSON object; unknown keys are ignored on reading."""

    @classmethod
    def from_dict(cls: type[R], data: dict[str, Any]) -> R:
        return cls(**_known(cls, data))


@dataclass
class Rep(Record):
    """One representative, in the order spoken to."""

    first_name: str = ""
    rep_id: str = ""
    id_refused: bool = False
    role: str = "agent"
    department: str = ""
    joined_at: str = ""
    joined_elapsed: float = 0.0

    def label(self) -> str:
        """``Dana #4471 (supervisor, Billing)`` — plain text."""
        name = self.first_name.strip() or "(no name yet)"
        if self.id_refused:
            ident = " (refused to give ID)"
        elif self.rep_id.strip():
            ident = f" #{self.rep_id.strip()}"
        else:
            ident = ""
        extra = ", ".join(part for part in (self.role, self.department.strip()) if part)
        return f"{name}{ident}" + (f" ({extra})" if extra else "")


@dataclass
class Note(Record):
    """A timestamped note: elapsed call time and wall time."""

    text: str
    elapsed: float
    at: str


@dataclass
class HoldSegment(Record):
    """One stretch on hold; ``end`` is empty while still on hold."""

    start: str
    start_elapsed: float
    end: str | None = None
    end_elapsed: float | None = None

    def seconds(self, now_elapsed: float) -> float:
        end = self.end_elapsed if self.end_elapsed is not None else now_elapsed
        return max(0.0, end - self.start_elapsed)


@dataclass
class Reference(Record):
    """A reference or ticket number given on the call."""

    number: str
    elapsed: float
    at: str


@dataclass
class Promise(Record):
    """Something the organisation promised; with a due date it is a follow-up."""

    text: str
    due: str | None
    elapsed: float
    at: str
    done: bool = False


@dataclass
class PlaybookUse(Record):
    """A playbook shown during the call, and from when."""

    id: str
    name: str
    at: str
    elapsed: float



PAYMENT_METHODS = ("manual", "autopay")


@dataclass
class Payment(Record):
    """One premium or bill payment, with the proof to read out."""

    id: str
    date: str
    amount: str
    method: str = "manual"
    confirmation: str = ""
    account: str = ""
    note: str = ""

    def label(self) -> str:
        """``2026-10-20  $412.50 autopay  conf. 88-1234 from checking …4821``."""
        parts = [self.date, self.amount, self.method]
        if self.confirmation:
            parts.append(f"conf. {self.confirmation}")
        if self.account:
            parts.append(f"from {self.account}")
        return "  ".join(part for part in parts if part)


@dataclass
class Notice(Record):
    """A letter or notice received, and the deadline it starts."""

    id: str
    date: str
    name: str
    notice_id: str = ""
    says: str = ""
    deadline_name: str = ""
    deadline_days: int = 0


@dataclass
class Claim(Record):
    """What one party says about one question, and when."""

    id: str
    question: str
    party: str
    says: str
    date: str
    who: str = ""
    call_id: str = ""


@dataclass
class DocumentSent(Record):
    """Something sent to an organisation: what, how, when, tracking."""

    id: str
    what: str
    how: str
    date: str
    to: str = ""
    tracking: str = ""


@dataclass
class Case:
    """One dispute, which many calls work on."""

    id: str
    title: str
    created_at: str
    status: str = "open"
    identifiers: dict[str, str] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    documents: list[DocumentSent] = field(default_factory=list)
    home_state: str = ""
    """The user's US state (two letters), for the call-recording warning."""
    schema_version: int = SCHEMA_VERSION
    type: str = "case"

    @classmethod
    def create(cls, title: str, created_at: str) -> Case:
        return cls(id=new_id("case"), title=title.strip(), created_at=created_at)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Case:
        values = _known(cls, data)
        values["identifiers"] = {str(k): str(v) for k, v in data.get("identifiers", {}).items()}
        values["payments"] = [Payment.from_dict(p) for p in data.get("payments", [])]
        values["notices"] = [Notice.from_dict(n) for n in data.get("notices", [])]
        values["claims"] = [Claim.from_dict(c) for c in data.get("claims", [])]
        values["documents"] = [DocumentSent.from_dict(d) for d in data.get("documents", [])]
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def facts(self) -> list[str]:
        """What to have ready and read out: identifiers, then payments by date."""
        found = [f"{key}: {value}" for key, value in self.identifiers.items()]
        found += [f"Paid {p.label()}" for p in sorted(self.payments, key=lambda p: p.date)]
        return found


@dataclass
class Call:
    """One phone call, as stored."""

    id: str
    case_id: str
    organisation: str
    started_at: str
    playbook_id: str = ""
    number_dialled: str = ""
    ended_at: str | None = None
    duration_seconds: float = 0.0
    status: str = "live"
    outcome: str | None = None
    summary: str = ""
    draft_note: str = ""
    reps: list[Rep] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    hold_segments: list[HoldSegment] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    playbooks_used: list[PlaybookUse] = field(default_factory=list)
    checklist: dict[str, bool] = field(default_factory=dict)
    read_out: list[str] = field(default_factory=list)
    """Case facts read out to the rep on this call (their labels)."""
    reference_refused: bool | None = None
    """No reference number: did the rep refuse to give one? None = not asked."""
    next_step: str = ""
    recorded: bool = False
    consent_asked: bool = False
    their_state: str = ""
    redial_of: str = ""
    """The dropped call this one redials, if any."""
    schema_version: int = SCHEMA_VERSION
    type: str = "call"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Call:
        values = _known(cls, data)
        values["reps"] = [Rep.from_dict(r) for r in data.get("reps", [])]
        values["notes"] = [Note.from_dict(n) for n in data.get("notes", [])]
        values["hold_segments"] = [
            HoldSegment.from_dict(h) for h in data.get("hold_segments", [])
        ]
        values["references"] = [Reference.from_dict(r) for r in data.get("references", [])]
        values["promises"] = [Promise.from_dict(p) for p in data.get("promises", [])]
        values["playbooks_used"] = [
            PlaybookUse.from_dict(p) for p in data.get("playbooks_used", [])
        ]
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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

    def summary_row(self) -> dict[str, Any]:
        """The few fields the index keeps for lists (home, history)."""
        return {
            "id": self.id,
            "case_id": self.case_id,
            "organisation": self.organisation,
            "playbook_id": self.playbook_id,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_seconds": self.duration_seconds,
            "hold_seconds": self.hold_seconds(),
            "status": self.status,
            "outcome": self.outcome,
            "summary": self.summary,
            "reps": [rep.label() for rep in self.reps],
            "references": [ref.number for ref in self.references],
            "promises": [
                {"text": p.text, "due": p.due, "done": p.done} for p in self.promises
            ],
            "schema_version": SCHEMA_VERSION,
        }
