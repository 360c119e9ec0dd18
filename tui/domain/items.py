"""Recorded items described in words, for every view and export alike: what an item
is in one line, the names of its fields, and what its corrections changed."""

from __future__ import annotations

from typing import Any

from tui.domain.corrections import IDENTIFIER, Step, case_values, history, item_values
from tui.domain.holds import hold_span
from tui.domain.model import (
    Case,
    FieldValue,
    Removed,
    Revisable,
    Revision,
    local_date_of,
)
from tui.domain.money import shown
from tui.domain.timefmt import format_elapsed

CORRECTED = "✎"
"""The mark of a corrected item in tables and timelines."""

KIND_WORDS = {
    "identifier": "identifier", "payment": "payment", "notice": "notice", "claim": "claim",
    "document": "document sent", "note": "note", "reference": "reference number",
    "promise": "promise", "rep": "rep", "hold": "hold",
}

FIELD_LABELS = {
    "title": "title", "home_state": "your state", "member": "whom it is about",
    "date": "date", "amount": "amount", "method": "method",
    "confirmation": "confirmation number", "account": "account", "note": "note",
    "name": "name", "notice_id": "notice ID", "says": "what it says",
    "deadline_name": "deadline", "deadline_days": "days to the deadline",
    "question": "question", "party": "who says it", "who": "said by", "what": "what",
    "how": "how", "to": "to whom", "tracking": "tracking number", "text": "text",
    "number": "number", "due": "due", "first_name": "first name", "rep_id": "rep ID",
    "id_refused": "refused to give an ID", "role": "role", "department": "department",
    "start": "on hold from", "end": "off hold at", "start_elapsed": "hold start (call time)",
    "end_elapsed": "hold end (call time)", "done": "done", "done_at": "done at",
}


def field_label(name: str) -> str:
    """``confirmation`` → ``confirmation number``; ``identifier:Member ID`` → ``Member ID``."""
    if name.startswith(IDENTIFIER):
        return name.removeprefix(IDENTIFIER)
    return FIELD_LABELS.get(name, name.replace("_", " "))


def value_text(name: str, value: FieldValue) -> str:
    """A stored value as shown: money with $, yes/no, ``(none)`` for nothing."""
    if value is None or value == "":
        return "(none)" if not name.startswith(IDENTIFIER) else "(not there)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "amount" and isinstance(value, str):
        return shown(value)
    if name.endswith("_elapsed") and isinstance(value, int | float):
        return format_elapsed(float(value))
    return str(value)


def item_label(kind: str, item: Any) -> str:
    """The item in one line of plain text (user text included as is: show it safely)."""
    if kind == "payment":
        return f"Paid {item.label()}"
    if kind == "notice":
        return f"{item.date} {item.name}" + (f" ({item.notice_id})" if item.notice_id else "")
    if kind == "claim":
        return f"{item.date} {item.party} says {item.question}: {item.says}"
    if kind == "document":
        return f"{item.date} sent {item.what} by {item.how}" + (
            f", tracking {item.tracking}" if item.tracking else "")
    if kind == "note":
        return f"{format_elapsed(item.elapsed)} {item.text}"
    if kind == "reference":
        return f"Reference number {item.number}"
    if kind == "promise":
        return f"Promised: {item.text}" + (f" (due {item.due})" if item.due else "")
    if kind == "rep":
        return f"Rep {item.label()}"
    if kind == "hold":
        return f"On hold {hold_span(item)}"
    return str(item)


def removed_label(entry: Removed) -> str:
    """What was removed, in one line: ``payment: Paid 2026-10-20 $412.50 manual``."""
    if entry.kind == "identifier":
        return f"identifier: {entry.key}: {entry.value}"
    return f"{KIND_WORDS[entry.kind]}: {item_label(entry.kind, entry.item)}"


def short_date(iso: str) -> str:
    """The user's local date of a stored time (``2026-11-27``), or the text as is."""
    if len(iso) <= 10:
        return iso
    try:
        return local_date_of(iso).isoformat()
    except ValueError:
        return iso[:10]


def was_text(revisions: list[Revision], name: str, original: FieldValue) -> str:
    """``corrected 2026-11-27; was: BK-77311`` for a field changed by ``revisions``
    (``""`` if none changed it); several corrections list every date."""
    touching = [r for r in revisions if name in r.before]
    if not touching:
        return ""
    dates = list(dict.fromkeys(short_date(r.at) for r in touching))
    when = ", ".join(dates)
    return f"corrected {when}; was: {value_text(name, original)}"


def field_corrections(item: Revisable) -> dict[str, str]:
    """Field → ``corrected 2026-11-27; was: BK-77311``, for each corrected field."""
    original = item.original_values()
    return {name: was_text(item.revisions, name, original[name]) for name in original}


def item_history(item: Revisable, recorded_at: str = "") -> list[Step]:
    """The item's values as first recorded, then each correction (see ``history``)."""
    return history(item_values(item), item.revisions, recorded_at)


def case_history(case: Case, names: list[str] | None = None) -> list[Step]:
    """The case's own values (title, state, member, identifiers) and their corrections;
    ``names`` limits it to those values (``["identifier:Member ID"]``)."""
    revisions = case.revisions
    if names is not None:
        wanted = set(names)
        revisions = [r for r in revisions if wanted & set(r.before)]
    return history(case_values(case), revisions, case.created_at)


def step_lines(steps: list[Step], first: str = "As first recorded") -> list[tuple[str, str]]:
    """Each step as (heading, detail) plain text: the original values, then for each
    correction ``field: old → new`` and why."""
    lines: list[tuple[str, str]] = []
    for number, step in enumerate(steps):
        when = short_date(step.at) if step.at else ""
        if number == 0:
            heading = f"{first}" + (f" ({when})" if when else "")
            detail = "; ".join(f"{field_label(name)}: {value_text(name, value)}"
                               for name, value in step.values.items())
            lines.append((heading, detail or "(no corrections)"))
            continue
        heading = f"Corrected {when}" + (f" — why: {step.reason}" if step.reason else "")
        detail = "; ".join(
            f"{field_label(name)}: {value_text(name, step.before.get(name))} → "
            f"{value_text(name, step.values.get(name))}" for name in step.before)
        lines.append((heading, detail))
    return lines
