"""Masking identifiers for sharing: at most the last 4 characters shown, never fewer
than 2 hidden.

``mask`` is the one rule, used by every export format. ``Masker`` applies it to
masked copies of cases and calls: the identifier fields themselves (identifier
values, payment confirmation numbers and accounts, notice IDs, tracking numbers,
reference numbers, rep IDs) — with the values corrections replaced and the items
removed, masked the same way — and every occurrence of one of those identifiers in
free text (notes, summaries, facts read out, ...), so an account number typed
into a note does not slip through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from tui.domain.claims import masked_groups
from tui.domain.corrections import IDENTIFIER
from tui.domain.model import (
    Call,
    Case,
    Claim,
    DocumentSent,
    FieldValue,
    Note,
    Notice,
    Payment,
    Profile,
    Promise,
    Reference,
    Rep,
    Revisable,
)
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


IDENTIFIER_FIELDS: dict[type[Revisable], tuple[str, ...]] = {
    Payment: ("confirmation", "account"),
    Notice: ("notice_id",),
    DocumentSent: ("tracking",),
    Reference: ("number",),
    Rep: ("rep_id",),
}
"""Fields that are identifiers: masked by rule (their old values too)."""
TEXT_FIELDS: dict[type[Revisable], tuple[str, ...]] = {
    Payment: ("note",),
    Notice: ("name", "says"),
    Claim: ("question", "says", "who", "party"),
    DocumentSent: ("what", "to", "text"),
    Note: ("text",),
    Promise: ("text",),
}
"""Free-text fields: identifiers found in them are masked (their old values too)."""


def _case_items(case: Case) -> list[Revisable]:
    """Every item of the case, removed ones included."""
    items: list[Revisable] = [*case.payments, *case.notices, *case.claims, *case.documents]
    return items + [entry.item for entry in case.removed if entry.item is not None]


def _call_items(call: Call) -> list[Revisable]:
    """Every correctable item of the call, removed ones included."""
    items: list[Revisable] = [*call.reps, *call.notes, *call.references, *call.promises]
    return items + [entry.item for entry in call.removed if entry.item is not None]


def _identifier_values(item: Revisable) -> list[str]:
    """The item's identifier values, now and before every correction."""
    found: list[str] = []
    for name in IDENTIFIER_FIELDS.get(type(item), ()):
        found.append(getattr(item, name))
        found += [str(r.before[name]) for r in item.revisions
                  if isinstance(r.before.get(name), str)]
    return found


def known_identifiers(cases: Iterable[Case], calls: Iterable[Call]) -> list[str]:
    """Every identifier value in these records (unmasked, stripped, no blanks), including
    values since corrected and those of removed items."""
    found: list[str] = []
    for case in cases:
        found += case.identifiers.values()
        found += [str(value) for revision in case.revisions
                  for name, value in revision.before.items()
                  if name.startswith(IDENTIFIER) and isinstance(value, str)]
        found += [entry.value for entry in case.removed if entry.kind == "identifier"]
        for item in _case_items(case):
            found += _identifier_values(item)
    for call in calls:
        for item in _call_items(call):
            found += _identifier_values(item)
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

    def _value(self, rule: str, value: FieldValue) -> FieldValue:
        if not isinstance(value, str):
            return value
        return mask(value) if rule == "mask" else self.text(value)

    def item(self, item: Revisable) -> None:
        """Mask ``item`` in place: its identifier and free-text fields, and the values
        its corrections replaced (the old values are masked the same way)."""
        rules = {name: "mask" for name in IDENTIFIER_FIELDS.get(type(item), ())}
        rules.update({name: "text" for name in TEXT_FIELDS.get(type(item), ())})
        for name, rule in rules.items():
            setattr(item, name, self._value(rule, getattr(item, name)))
        for revision in item.revisions:
            revision.reason = self.text(revision.reason)
            revision.before = {name: self._value(rules[name], value) if name in rules
                               else value for name, value in revision.before.items()}

    def case(self, case: Case) -> Case:
        """A masked copy of ``case``."""
        out = _copy_case(case)
        out.title = self.text(out.title)
        out.member = _initials(out.member)
        out.identifiers = {key: mask(value) for key, value in out.identifiers.items()}
        for revision in out.revisions:
            revision.reason = self.text(revision.reason)
            revision.before = {name: self._case_value(name, value)
                               for name, value in revision.before.items()}
        for item in _case_items(out):
            self.item(item)
        for entry in out.removed:
            entry.reason = self.text(entry.reason)
            entry.value = mask(entry.value) if entry.kind == "identifier" else entry.value
        for document in out.documents:
            document.file = ""  # where the user keeps a copy: not shared
        return out

    def _case_value(self, name: str, value: FieldValue) -> FieldValue:
        if not isinstance(value, str):
            return value
        if name.startswith(IDENTIFIER):
            return mask(value)
        if name == "member":
            return _initials(value)
        return self.text(value)

    def call(self, call: Call) -> Call:
        """A masked copy of ``call``."""
        out = _copy_call(call)
        for item in _call_items(out):
            self.item(item)
        for entry in out.removed:
            entry.reason = self.text(entry.reason)
        out.summary = self.text(out.summary)
        out.next_step = self.text(out.next_step)
        out.draft_note = self.text(out.draft_note)
        out.read_out = [self.text(fact) for fact in out.read_out]
        for segment in out.hold_segments:
            for revision in segment.revisions:
                revision.reason = self.text(revision.reason)
        return out


def _initials(name: str) -> str:
    return " ".join(f"{word[0]}." for word in name.split())


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
