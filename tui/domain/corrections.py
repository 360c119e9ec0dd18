"""Corrections with history: the one way to change a recorded item after the fact.

An item that can be corrected is a ``Revisable`` record (holds, notes, references,
promises, reps, payments, notices, claims, documents; the case itself for its title,
state, member and identifiers, see ``revise_case``). Its own
fields always hold the current, corrected values — so every total and view that
reads them uses the corrections — and ``revisions`` keeps, for each correction,
when it was made, why, and the values it replaced. ``as_recorded`` rebuilds the
item exactly as first recorded, so evidence is never rewritten, only annotated.

Removing an item is recorded the same way: it moves, whole, to a ``Removed`` entry
(when, why, where it was), counts in no total, and can be restored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tui.domain.model import (
    Case,
    FieldValue,
    ItemKind,
    RecordError,
    Removed,
    Revisable,
    Revision,
    decode,
)

NOT_CORRECTABLE = frozenset({"id", "revisions"})
"""Fields a correction never changes: what names the item, and its history."""

V = TypeVar("V", bound=Revisable)


def revise(item: Revisable, changes: Mapping[str, FieldValue], at: str,
           reason: str = "") -> Revision | None:
    """Apply ``changes`` to ``item`` and keep what they replaced.

    Only fields whose value really changes are recorded; None (and no revision) when
    nothing changes. ``ValueError`` with a one-line message for an unknown field or a
    value of the wrong type; ``item`` is then left as it was.
    """
    fields = set(type(item).__struct_fields__) - NOT_CORRECTABLE
    before: dict[str, FieldValue] = {}
    for name, value in changes.items():
        if name not in fields:
            raise ValueError(f"{type(item).__name__} has no field '{name}' to correct")
        old = getattr(item, name)
        if old != value:
            before[name] = old
    if not before:
        return None
    candidate = item.to_dict()
    candidate.update({name: changes[name] for name in before})
    try:
        decode(candidate, type(item))
    except RecordError as error:
        raise ValueError(str(error)) from None
    for name in before:
        setattr(item, name, changes[name])
    revision = Revision(at=at, before=before, reason=reason.strip())
    item.revisions.append(revision)
    return revision


def as_recorded(item: V) -> V:
    """A copy of ``item`` as first recorded (its corrections undone, none listed)."""
    data = item.to_dict()
    data.update(item.original_values())
    data["revisions"] = []
    return decode(data, type(item))


# -- the case's own values ----------------------------------------------------------------

CASE_FIELDS = ("title", "home_state", "member")
"""The case's own values a correction keeps (identifiers are ``identifier:<name>``)."""
IDENTIFIER = "identifier:"


def case_values(case: Case) -> dict[str, FieldValue]:
    """The case's correctable values as one flat mapping (identifiers by name)."""
    values: dict[str, FieldValue] = {name: getattr(case, name) for name in CASE_FIELDS}
    values.update({IDENTIFIER + key: value for key, value in case.identifiers.items()})
    return values


def revise_case(case: Case, changes: Mapping[str, FieldValue], at: str,
                reason: str = "") -> Revision | None:
    """Change the case's title, state, member or identifiers, keeping what they were.

    ``identifier:<name>`` set to None removes that identifier (renaming one is its old
    name to None and its new name to the value). None when nothing changes."""
    current = case_values(case)
    before: dict[str, FieldValue] = {}
    for name, value in changes.items():
        if name not in CASE_FIELDS and not name.startswith(IDENTIFIER):
            raise ValueError(f"a case has no value '{name}' to correct")
        if name in CASE_FIELDS and not isinstance(value, str):
            raise ValueError(f"the case's {name} must be text")
        if name.startswith(IDENTIFIER) and value is not None and not isinstance(value, str):
            raise ValueError("an identifier must be text")
        if current.get(name) != value:
            before[name] = current.get(name)
    if not before:
        return None
    identifiers = dict(case.identifiers)
    for name in before:
        value = changes[name]
        if name.startswith(IDENTIFIER):
            key = name.removeprefix(IDENTIFIER)
            if value is None:
                identifiers.pop(key, None)
            else:
                identifiers[key] = str(value)
        else:
            setattr(case, name, value)
    case.identifiers = identifiers
    revision = Revision(at=at, before=before, reason=reason.strip())
    case.revisions.append(revision)
    return revision


def identifier_history(case: Case, key: str) -> list[Revision]:
    """The case's corrections that touched the identifier ``key`` (renames included)."""
    return [r for r in case.revisions if IDENTIFIER + key in r.before]


# -- history --------------------------------------------------------------------------------

@dataclass
class Step:
    """One line of an item's history: first as recorded, then each correction."""

    at: str
    """When (UTC ISO): the item's own time for the original, else the correction's."""
    values: dict[str, FieldValue]
    """The values this step set (the original: every field ever corrected)."""
    before: dict[str, FieldValue]
    """What they replaced (empty for the original)."""
    reason: str = ""


def history(current: Mapping[str, FieldValue], revisions: list[Revision],
            recorded_at: str = "") -> list[Step]:
    """``current`` values and their ``revisions`` as steps, oldest first: the values as
    first recorded, then what each correction changed (from what, to what)."""
    state = dict(current)
    after: list[dict[str, FieldValue]] = []
    for revision in reversed(revisions):
        after.append({name: state.get(name) for name in revision.before})
        state.update(revision.before)
    after.reverse()
    touched = list(dict.fromkeys(name for r in revisions for name in r.before))
    steps = [Step(recorded_at, {name: state.get(name) for name in touched}, {})]
    steps += [Step(r.at, values, dict(r.before), r.reason) for r, values in zip(revisions, after,
                                                                               strict=True)]
    return steps


def item_values(item: Revisable) -> dict[str, FieldValue]:
    """An item's correctable values (its plain fields)."""
    data = item.to_dict()
    return {name: value for name, value in data.items()
            if name not in NOT_CORRECTABLE
            and (value is None or isinstance(value, str | int | float | bool))}


# -- removing and restoring ------------------------------------------------------------------

def remove_item(items: list[V], item_id: str, kind: ItemKind, at: str,
                reason: str = "") -> Removed:
    """Take the item ``item_id`` out of ``items``; the ``Removed`` entry that keeps it."""
    for position, item in enumerate(items):
        if getattr(item, "id", None) == item_id:
            del items[position]
            entry = Removed(kind=kind, at=at, reason=reason.strip(), position=position)
            setattr(entry, kind, item)
            return entry
    raise ValueError(f"no {kind} {item_id} to remove")


def remove_identifier(case: Case, key: str, at: str, reason: str = "") -> Removed:
    """Take the identifier ``key`` off the case; the entry that keeps it."""
    if key not in case.identifiers:
        raise ValueError(f"no identifier '{key}' to remove")
    position = list(case.identifiers).index(key)
    value = case.identifiers.pop(key)
    return Removed(kind="identifier", at=at, reason=reason.strip(), position=position,
                   key=key, value=value)


def removed_entry(entries: list[Removed], kind: str, item_id: str) -> Removed:
    """The removed (not yet restored) ``kind`` item ``item_id``; ``ValueError`` if none."""
    for entry in reversed(entries):
        if entry.kind == kind and entry.item_id == item_id and not entry.restored:
            return entry
    raise ValueError(f"no removed {kind} {item_id} to restore")


def restore_item(items: list[Any], entry: Removed, at: str) -> Any:
    """Put a removed item back at its place (or at the end); stamps the entry restored."""
    item = entry.item
    if item is None:
        raise ValueError("an identifier is restored with restore_identifier")
    if any(getattr(other, "id", None) == getattr(item, "id", "") for other in items):
        raise ValueError(f"a {entry.kind} with the id {entry.item_id} is already there")
    restored = item.copy()
    items.insert(min(entry.position, len(items)), restored)
    entry.restored_at = at
    return restored


def restore_identifier(case: Case, entry: Removed, at: str) -> None:
    """Put a removed identifier back (refused when one of that name exists again)."""
    if entry.key in case.identifiers:
        raise ValueError(f"the case has an identifier '{entry.key}' again")
    pairs = list(case.identifiers.items())
    pairs.insert(min(entry.position, len(pairs)), (entry.key, entry.value))
    case.identifiers = dict(pairs)
    entry.restored_at = at
