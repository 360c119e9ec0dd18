"""Cases: creating, renaming, resolving and reopening, and every record on them.

The service never changes a record the store holds: it changes a copy and
saves it. Values come as typed by the user (form fields), are checked here
with the domain's checks, and a bad value raises ``ServiceError`` with the
one-line message to show.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tui.domain.checks import check_days, check_state
from tui.domain.claims import ClaimGroup, claim_groups
from tui.domain.corrections import (
    IDENTIFIER,
    remove_identifier,
    remove_item,
    removed_entry,
    restore_identifier,
    restore_item,
    revise,
    revise_case,
)
from tui.domain.dates import DateProblem, read_date
from tui.domain.deadlines import DeadlineView, case_deadlines
from tui.domain.followups import FollowUp, broken_by_organisation, followups_from_summaries
from tui.domain.model import (
    CALL_ITEM_KINDS,
    CASE_ITEM_KINDS,
    PAYMENT_METHODS,
    Call,
    CallSummary,
    Case,
    Claim,
    DocumentSent,
    FieldValue,
    ItemKind,
    Notice,
    Payment,
    Removed,
    Revisable,
    Revision,
    decode,
    new_id,
)
from tui.domain.money import parse_money, stored, total
from tui.domain.stats import Stats, compute
from tui.domain.timeline import Event, case_events
from tui.service.base import Context, ServiceError

RECORD_KINDS = ("identifiers", "payments", "notices", "claims", "documents")
"""What can be added to and removed from a case."""


@dataclass
class CaseView:
    """Everything the case screen shows, computed once."""

    case: Case
    today: date
    calls: list[Call]
    summaries: list[CallSummary]
    deadlines: list[DeadlineView]
    followups: list[FollowUp]
    broken_by_organisation: dict[str, int]
    claim_groups: list[ClaimGroup]
    timeline: list[Event]
    stats: Stats
    paid: Decimal
    """The ledger's total."""


def _text(values: Mapping[str, str], key: str) -> str:
    return str(values.get(key, "")).strip()


def _required(values: Mapping[str, str], key: str, label: str) -> str:
    text = _text(values, key)
    if not text:
        raise ServiceError(f"{label} is needed.")
    return text


def _checked(values: Mapping[str, str], key: str, label: str,
             check: Callable[[str], str | None], required: bool = True) -> str:
    text = _required(values, key, label) if required else _text(values, key)
    if text:
        problem = check(text)
        if problem:
            raise ServiceError(f"{label}: {problem}")
    return text


def _money(values: Mapping[str, str], key: str, label: str) -> str:
    amount = parse_money(_required(values, key, label))
    if amount is None:
        raise ServiceError(f"{label}: use an amount like 412.50 or $1,204.00")
    return stored(amount)


def known_days(known: Mapping[str, int], typed: str) -> int:
    """Days of a playbook deadline named like ``typed`` (start of its name), else 0."""
    wanted = " ".join(typed.casefold().split())
    if not wanted:
        return 0
    for name, days in known.items():
        if " ".join(name.casefold().split()).startswith(wanted):
            return days
    return 0


class CaseService:
    """Every change to a case goes through here."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # -- reading ----------------------------------------------------------------
    def list(self, status: str | None = None) -> list[Case]:
        """Cases, newest first; ``status`` picks open or resolved ones (read-only)."""
        cases = self._ctx.store.list_cases()
        return [case for case in cases if status is None or case.status == status]

    def find(self, text: str) -> Case | None:
        """A case by id or by title (ignoring case and surrounding spaces)."""
        return self._ctx.store.find_case(text) if text.strip() else None

    def get(self, case_id: str) -> Case:
        case = self._ctx.store.get_case(case_id)
        if case is None:
            raise ServiceError(f"no case {case_id}")
        return case

    def titles(self) -> dict[str, str]:
        """Case id → title."""
        return {case.id: case.title for case in self._ctx.store.list_cases()}

    def _date(self, case_id: str, values: Mapping[str, str], key: str, label: str) -> str:
        """A date as typed (any form the date parser knows), stored as ``YYYY-MM-DD``."""
        case = self._ctx.store.get_case(case_id)
        try:
            found = read_date(_required(values, key, label), self._ctx.today(),
                              case.home_state if case else "")
        except DateProblem as error:
            raise ServiceError(f"{label}: {error}") from None
        return found.isoformat()

    def ledger_total(self, case: Case) -> Decimal:
        """Everything paid on this case."""
        return total(payment.amount for payment in case.payments)

    def known_deadlines(self) -> dict[str, int]:
        """Deadline names from the playbooks and their days (35-day reinstatement…)."""
        return {d.name: d.days for pb in self._ctx.playbooks.values() for d in pb.deadlines}

    def view(self, case_id: str) -> CaseView:
        """The case with its calls, deadlines, follow-ups, claims, timeline and totals."""
        case = self.get(case_id)
        today = self._ctx.today()
        store = self._ctx.store
        summaries = store.call_summaries(case.id)
        calls = list(store.iter_calls(case.id))
        followups = followups_from_summaries(summaries)
        return CaseView(
            case=case,
            today=today,
            calls=calls,
            summaries=summaries,
            deadlines=case_deadlines(case, today),
            followups=followups,
            broken_by_organisation=dict(broken_by_organisation(followups, today)),
            claim_groups=claim_groups(case),
            timeline=case_events(case, calls),
            stats=compute(calls, today, case),
            paid=self.ledger_total(case),
        )

    # -- the case itself --------------------------------------------------------
    def open_or_create(self, title: str) -> Case:
        """The case with this title (or id), created and saved if new."""
        if not title.strip():
            raise ServiceError("a case needs a title, e.g. 'Coverage restricted'")
        found = self.find(title)
        if found is not None:
            return found
        case = Case.create(title, self._ctx.now_iso())
        self._ctx.store.save_case(case)
        return case

    def _change(self, case_id: str, change: Callable[[Case], None]) -> Case:
        """Apply ``change`` to a copy of the case and save that copy."""
        case = self.get(case_id).copy()
        change(case)
        self._ctx.store.save_case(case)
        return case

    def rename(self, case_id: str, values: Mapping[str, str]) -> Case:
        """New title, the user's state (for the call-recording warning) and whom the case
        is about; the values replaced are kept in the case's ``revisions`` with the time
        and the optional ``reason`` value."""
        title = _required(values, "title", "Case title")
        state = _checked(values, "home_state", "Your US state", check_state, required=False)
        other = self.find(title)
        if other is not None and other.id != case_id:
            raise ServiceError(f"another case is already called '{other.title}'")

        member = _text(values, "member")

        def apply(case: Case) -> None:
            # A value given for the first time (empty until now) is not a correction.
            new = {"title": title, "home_state": state.upper(), "member": member}
            for name, value in new.items():
                if not getattr(case, name):
                    setattr(case, name, value)
            revise_case(case, new, self._ctx.now_iso(), _text(values, "reason"))

        return self._change(case_id, apply)

    def toggle_status(self, case_id: str) -> Case:
        """Resolve an open case, or reopen a resolved one."""

        def apply(case: Case) -> None:
            case.status = "open" if case.status == "resolved" else "resolved"

        return self._change(case_id, apply)

    # -- records ----------------------------------------------------------------
    def add_identifier(self, case_id: str, values: Mapping[str, str]) -> Case:
        key = _required(values, "key", "What it is")
        value = _required(values, "value", "Value")
        return self._change(case_id, lambda case: case.identifiers.__setitem__(key, value))

    def _payment_fields(self, case_id: str, values: Mapping[str, str]) -> dict[str, FieldValue]:
        method = _text(values, "method") or "manual"
        if method not in PAYMENT_METHODS:
            raise ServiceError(f"Method: use one of {', '.join(PAYMENT_METHODS)}")
        return {
            "date": self._date(case_id, values, "date", "Date paid"),
            "amount": _money(values, "amount", "Amount"),
            "method": method,
            "confirmation": _text(values, "confirmation"),
            "account": _text(values, "account"),
            "note": _text(values, "note"),
        }

    def _notice_fields(self, case_id: str, values: Mapping[str, str]) -> dict[str, FieldValue]:
        days_text = _checked(values, "deadline_days", "Days to the deadline", check_days,
                             required=False)
        deadline_name = _text(values, "deadline_name")
        days = int(days_text) if days_text else known_days(self.known_deadlines(),
                                                           deadline_name)
        return {
            "date": self._date(case_id, values, "date", "Date on the notice"),
            "name": _required(values, "name", "Name of the notice"),
            "notice_id": _text(values, "notice_id"),
            "says": _text(values, "says"),
            "deadline_name": deadline_name,
            "deadline_days": days,
        }

    def _claim_fields(self, case_id: str, values: Mapping[str, str]) -> dict[str, FieldValue]:
        return {
            "question": _required(values, "question", "Question"),
            "party": _required(values, "party", "Who says it"),
            "says": _required(values, "says", "They say"),
            "date": self._date(case_id, values, "date", "When"),
            "who": _text(values, "who"),
        }

    def _document_fields(self, case_id: str, values: Mapping[str, str]
                         ) -> dict[str, FieldValue]:
        return {
            "date": self._date(case_id, values, "date", "Date sent"),
            "what": _required(values, "what", "What"),
            "how": _required(values, "how", "How"),
            "to": _text(values, "to"),
            "tracking": _text(values, "tracking"),
        }

    def add_payment(self, case_id: str, values: Mapping[str, str]) -> Payment:
        payment = decode({"id": new_id("pay"), **self._payment_fields(case_id, values)},
                         Payment)
        self._change(case_id, lambda case: case.payments.append(payment))
        return payment

    def add_notice(self, case_id: str, values: Mapping[str, str]) -> Notice:
        notice = decode({"id": new_id("notice"), **self._notice_fields(case_id, values)},
                        Notice)
        self._change(case_id, lambda case: case.notices.append(notice))
        return notice

    def add_claim(self, case_id: str, values: Mapping[str, str], call_id: str = "",
                  elapsed: float | None = None) -> Claim:
        """Who says what about one question (from a call: linked to it, with its time)."""
        claim = decode({
            "id": new_id("claim"),
            **self._claim_fields(case_id, values),
            "call_id": call_id,
            "recorded_at": self._ctx.now_iso() if call_id else "",
            "recorded_elapsed": round(elapsed, 3) if call_id and elapsed is not None else None,
        }, Claim)
        self._change(case_id, lambda case: case.claims.append(claim))
        return claim

    def add_document(self, case_id: str, values: Mapping[str, str]) -> DocumentSent:
        document = decode({"id": new_id("doc"), **self._document_fields(case_id, values)},
                          DocumentSent)
        self._change(case_id, lambda case: case.documents.append(document))
        return document

    # -- corrections and removals -------------------------------------------------
    def _kind(self, kind: str) -> str:
        """``payments`` or ``payment`` → ``payment``; ``ServiceError`` for anything else."""
        singular = PLURAL_KINDS.get(kind, kind)
        if singular not in CASE_ITEM_KINDS:
            raise ServiceError(f"a case has no {kind} to change")
        return singular

    def item(self, case: Case, kind: str, item_id: str) -> Revisable:
        """The case's ``kind`` item ``item_id`` (not an identifier)."""
        singular = self._kind(kind)
        found = next((item for item in getattr(case, CASE_LISTS[singular])
                      if item.id == item_id), None)
        if found is None:
            raise ServiceError(f"this case has no {singular} {item_id}")
        assert isinstance(found, Revisable)
        return found

    def correct(self, case_id: str, kind: str, item_id: str, values: Mapping[str, str],
                reason: str = "") -> Revision | None:
        """Correct a payment, notice, claim, document or identifier (by its name) with
        the values typed in the same form used to add it. The values replaced are kept
        with the time and ``reason``; None when nothing changed. ``ServiceError`` with
        a one-line message for a bad value, and then nothing is changed."""
        singular = self._kind(kind)
        case = self.get(case_id).copy()
        at = self._ctx.now_iso()
        if singular == "identifier":
            revision = self._correct_identifier(case, item_id, values, at, reason)
        else:
            item = self.item(case, singular, item_id)
            fields = FIELD_BUILDERS[singular](self, case_id, values)
            try:
                revision = revise(item, fields, at, reason)
            except ValueError as error:
                raise ServiceError(str(error)) from None
        if revision is not None:
            self._ctx.store.save_case(case)
        return revision

    def _correct_identifier(self, case: Case, key: str, values: Mapping[str, str], at: str,
                            reason: str) -> Revision | None:
        if key not in case.identifiers:
            raise ServiceError(f"this case has no identifier '{key}'")
        new_key = _required(values, "key", "What it is")
        value = _required(values, "value", "Value")
        if new_key != key and new_key in case.identifiers:
            raise ServiceError(f"the case already has an identifier '{new_key}'")
        changes: dict[str, FieldValue] = {IDENTIFIER + new_key: value}
        if new_key != key:
            changes[IDENTIFIER + key] = None
        return revise_case_keeping_order(case, changes, at, reason, key, new_key)

    def remove(self, case_id: str, kind: str, key: str, reason: str = "") -> Case:
        """Remove one record (an identifier by name, anything else by id): it is kept in
        the case's ``removed`` list with the time and ``reason``, counts in no total, and
        can be restored."""
        singular = self._kind(kind)
        at = self._ctx.now_iso()

        def apply(case: Case) -> None:
            try:
                if singular == "identifier":
                    entry = remove_identifier(case, key, at, reason)
                else:
                    entry = remove_item(getattr(case, CASE_LISTS[singular]), key,
                                        as_kind(singular), at, reason)
            except ValueError as error:
                raise ServiceError(str(error)) from None
            case.removed.append(entry)

        return self._change(case_id, apply)

    def restore(self, case_id: str, kind: str, key: str) -> Case:
        """Put a removed record back where it was (the removal stays on record)."""
        singular = self._kind(kind)
        at = self._ctx.now_iso()

        def apply(case: Case) -> None:
            try:
                entry = removed_entry(case.removed, singular, key)
                if singular == "identifier":
                    restore_identifier(case, entry, at)
                else:
                    restore_item(getattr(case, CASE_LISTS[singular]), entry, at)
            except ValueError as error:
                raise ServiceError(str(error)) from None

        return self._change(case_id, apply)

    def removed(self, case_id: str) -> builtins.list[Removed]:
        """Records removed from the case and not restored, oldest first."""
        return [entry for entry in self.get(case_id).removed if not entry.restored]


def revise_case_keeping_order(case: Case, changes: dict[str, FieldValue], at: str,
                              reason: str, key: str, new_key: str) -> Revision | None:
    """``revise_case``, with a renamed identifier kept at the place of the old name."""
    order = [new_key if k == key else k for k in case.identifiers]
    revision = revise_case(case, changes, at, reason)
    case.identifiers = {k: case.identifiers[k] for k in order if k in case.identifiers}
    return revision


PLURAL_KINDS = {"identifiers": "identifier", "payments": "payment", "notices": "notice",
                "claims": "claim", "documents": "document"}
"""The case screen's tab names → item kinds."""
CASE_LISTS = {"payment": "payments", "notice": "notices", "claim": "claims",
              "document": "documents"}
FIELD_BUILDERS: dict[str, Callable[[CaseService, str, Mapping[str, str]],
                                   dict[str, FieldValue]]] = {
    "payment": CaseService._payment_fields,
    "notice": CaseService._notice_fields,
    "claim": CaseService._claim_fields,
    "document": CaseService._document_fields,
}
"""How each kind's form values become its fields (for adding and correcting alike)."""


def as_kind(kind: str) -> ItemKind:
    if kind not in (*CASE_ITEM_KINDS, *CALL_ITEM_KINDS):
        raise ServiceError(f"unknown kind of item {kind}")
    return kind  # type: ignore[return-value]
