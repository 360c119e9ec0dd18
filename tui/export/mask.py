"""Masking identifiers for sharing: at most the last 4 characters shown, never fewer
than 2 hidden.

``mask`` is the one rule, used by every export format. ``Masker`` applies it to
masked copies of cases and calls: the identifier fields themselves (identifier
values, payment confirmation numbers and accounts, notice IDs, tracking numbers,
reference numbers, rep IDs), and every occurrence of one of those identifiers in
free text (notes, summaries, facts read out, ...), so an account number typed
into a note does not slip through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from tui.domain.claims import masked_groups
from tui.domain.model import Call, Case, Profile
from tui.export.common import CaseFacts

MASK_CHAR = "•"
KEEP = 4
"""At most this many trailing characters stay visible."""
MIN_HIDDEN = 2
"""At least this many characters are always hidden (all of a 1- or 2-character value)."""
MIN_IN_TEXT = 4
"""Identifiers at least this long are also found and masked inside free text (shorter
ones would hit ordinary numbers there); every identifier is masked in its own field."""


def mask(text: str) -> str:
    """``"123456789012"`` → ``"••••••••9012"``, ``"8812"`` → ``"••12"``, ``"77"`` → ``"••"``.

    Surrounding spaces are dropped; an empty value stays empty.
    """
    value = text.strip()
    shown = max(0, min(KEEP, len(value) - MIN_HIDDEN))
    return MASK_CHAR * (len(value) - shown) + value[len(value) - shown:]


def _copy_case(case: Case) -> Case:
    return Case.from_dict(case.to_dict())


def _copy_call(call: Call) -> Call:
    return Call.from_dict(call.to_dict())


def known_identifiers(cases: Iterable[Case], calls: Iterable[Call]) -> list[str]:
    """Every identifier value in these records (unmasked, stripped, no blanks)."""
    found: list[str] = []
    for case in cases:
        found += case.identifiers.values()
        for payment in case.payments:
            found += [payment.confirmation, payment.account]
        found += [notice.notice_id for notice in case.notices]
        found += [document.tracking for document in case.documents]
    for call in calls:
        found += [ref.number for ref in call.references]
        found += [rep.rep_id for rep in call.reps]
    return list(dict.fromkeys(value.strip() for value in found if value.strip()))


class Masker:
    """Masks one export's records: fields by rule, free text by search."""

    def __init__(self, identifiers: Iterable[str]) -> None:
        wanted = sorted(
            {value for value in identifiers if len(value) >= MIN_IN_TEXT},
            key=lambda value: (-len(value), value),
        )
        self._pattern = (
            re.compile(
                r"(?<![0-9A-Za-z])(?:" + "|".join(re.escape(v) for v in wanted)
                + r")(?![0-9A-Za-z])",
                re.IGNORECASE,
            )
            if wanted
            else None
        )

    @classmethod
    def for_records(cls, cases: Iterable[Case], calls: Iterable[Call]) -> Masker:
        return cls(known_identifiers(cases, calls))

    def text(self, text: str) -> str:
        """Free text with every known identifier in it masked."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(lambda found: mask(found.group(0)), text)

    def case(self, case: Case) -> Case:
        """A masked copy of ``case``."""
        out = _copy_case(case)
        out.title = self.text(out.title)
        out.member = " ".join(f"{word[0]}." for word in out.member.split())
        out.identifiers = {key: mask(value) for key, value in out.identifiers.items()}
        for payment in out.payments:
            payment.confirmation = mask(payment.confirmation)
            payment.account = mask(payment.account)
            payment.note = self.text(payment.note)
        for notice in out.notices:
            notice.notice_id = mask(notice.notice_id)
            notice.name = self.text(notice.name)
            notice.says = self.text(notice.says)
        for claim in out.claims:
            claim.question = self.text(claim.question)
            claim.says = self.text(claim.says)
            claim.who = self.text(claim.who)
            claim.party = self.text(claim.party)
        for document in out.documents:
            document.tracking = mask(document.tracking)
            document.what = self.text(document.what)
            document.to = self.text(document.to)
            document.text = self.text(document.text)
            document.file = ""
        return out

    def call(self, call: Call) -> Call:
        """A masked copy of ``call``."""
        out = _copy_call(call)
        for rep in out.reps:
            rep.rep_id = mask(rep.rep_id)
        for ref in out.references:
            ref.number = mask(ref.number)
        for note in out.notes:
            note.text = self.text(note.text)
        for promise in out.promises:
            promise.text = self.text(promise.text)
        out.summary = self.text(out.summary)
        out.next_step = self.text(out.next_step)
        out.draft_note = self.text(out.draft_note)
        out.read_out = [self.text(fact) for fact in out.read_out]
        return out


def mask_profile(profile: Profile) -> Profile:
    """The caller's details for sharing publicly: initials, contact details masked."""
    out = profile.copy()
    out.name = " ".join(f"{part[0]}." for part in profile.name.split() if part)
    for name in ("phone", "email", "address", "date_of_birth"):
        value = getattr(profile, name)
        setattr(out, name, mask(value) if value.strip() else "")
    return out


def mask_records(
    cases: list[Case], calls: list[Call], facts: dict[str, CaseFacts] | None = None,
) -> tuple[list[Case], list[Call], dict[str, CaseFacts]]:
    """Masked copies of the cases and calls (the originals are not touched), and of the
    case facts: the same totals and claim groups, with masked texts."""
    masker = Masker.for_records(cases, calls)
    masked_cases = [masker.case(case) for case in cases]
    claims = {claim.id: claim for case in masked_cases for claim in case.claims}
    masked_facts = {
        case_id: replace(found, claim_groups=masked_groups(found.claim_groups, claims,
                                                           masker.text))
        for case_id, found in (facts or {}).items()
    }
    return masked_cases, [masker.call(call) for call in calls], masked_facts
