"""Corrections with history: the one way to change a recorded item after the fact.

An item that can be corrected is a ``Revisable`` record (today: ``HoldSegment``;
the same shape is meant for notes, references, payments and the rest). Its own
fields always hold the current, corrected values — so every total and view that
reads them uses the corrections — and ``revisions`` keeps, for each correction,
when it was made, why, and the values it replaced. ``as_recorded`` rebuilds the
item exactly as first recorded, so evidence is never rewritten, only annotated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from tui.domain.model import FieldValue, RecordError, Revisable, Revision, decode

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
