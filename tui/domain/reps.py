"""The rep directory: every representative across calls, by organisation, with what they
said and promised, so the person on the line now can be met with their record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from tui.domain.followups import is_broken, promise_status
from tui.domain.model import Call, Claim, Promise, Rep
from tui.domain.timefmt import format_local


def identity(organisation: str, rep: Rep) -> tuple[str, ...] | None:
    """Who a rep is, across calls to one organisation (the one rule, for the directory and
    every count of distinct reps): by ID when given, else by first name and whether they
    refused an ID; None when nothing was noted."""
    org = " ".join(organisation.casefold().split())
    if rep.rep_id.strip():
        return (org, "id", rep.rep_id.strip().casefold())
    if rep.first_name.strip():
        return (org, "name", rep.first_name.strip().casefold(), str(rep.id_refused))
    return None


@dataclass
class RepPromise:
    """A promise made while this rep was on the line."""

    text: str
    due: str | None
    status: str
    call_started: str


@dataclass
class RepRecord:
    """One rep, across every call where they were on the line."""

    organisation: str
    names: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    refused_id: bool = False
    calls: list[str] = field(default_factory=list)
    """Ids of the calls, oldest first."""
    first_seen: str = ""
    last_seen: str = ""
    said: list[Claim] = field(default_factory=list)
    promised: list[RepPromise] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = " / ".join(self.names) or "(no name)"
        ident = f" #{' / #'.join(self.ids)}" if self.ids else (
            " (refused to give ID)" if self.refused_id else "")
        return f"{name}{ident}"

    @property
    def broken(self) -> int:
        return sum(1 for p in self.promised if is_broken(p.status))

    @property
    def kept(self) -> int:
        return sum(1 for p in self.promised if p.status == "kept")

    def summary(self) -> str:
        """``seen on 2 calls, last on 2026-11-11; promised a call back by 2026-11-12:
        broken`` — said when the same rep is on the line again."""
        seen = (f"seen on {len(self.calls)} call{'s' if len(self.calls) != 1 else ''}, "
                f"last on {format_local(self.last_seen, 'YYYY-MM-DD')}")
        parts = [seen]
        for promise in self.promised[-2:]:
            due = f" by {promise.due}" if promise.due else ""
            parts.append(f"promised {promise.text}{due}: {promise.status}")
        if self.said:
            claim = self.said[-1]
            parts.append(f"said {claim.question}: {claim.says}")
        return "; ".join(parts)


def rep_at(call: Call, elapsed: float) -> Rep | None:
    """The rep on the line at ``elapsed`` seconds into the call."""
    return _rep_at(call, elapsed)


def _rep_at(call: Call, elapsed: float) -> Rep | None:
    current = None
    for rep in call.reps:
        if rep.joined_elapsed <= elapsed + 1e-6:
            current = rep
    return current


def _add(values: list[str], value: str) -> None:
    if value.strip() and value.strip() not in values:
        values.append(value.strip())


def directory(calls: Iterable[Call], claims: Iterable[Claim], today: date,
              oldest_first: bool = False) -> list[RepRecord]:
    """Every rep noted on ``calls``, by organisation, most recently seen first.

    ``oldest_first``: the calls already come in that order, so they are read one at a
    time and never held together (a big history's calls can be streamed through)."""
    by_call: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.call_id:
            by_call.setdefault(claim.call_id, []).append(claim)
    found: dict[tuple[str, ...], RepRecord] = {}
    for call in calls if oldest_first else sorted(calls, key=lambda c: c.started_at):
        seen_on_call: set[tuple[str, ...]] = set()
        for rep in call.reps:
            key = identity(call.organisation, rep)
            if key is None:
                continue
            record = found.setdefault(key, RepRecord(call.organisation,
                                                     first_seen=call.started_at))
            _add(record.names, rep.first_name)
            _add(record.ids, rep.rep_id)
            _add(record.roles, rep.role)
            _add(record.departments, rep.department)
            record.refused_id = record.refused_id or rep.id_refused
            record.last_seen = rep.joined_at or call.started_at
            if key not in seen_on_call:
                record.calls.append(call.id)
                seen_on_call.add(key)
        for promise in call.promises:
            _attribute(found, call, promise, today)
        for claim in by_call.get(call.id, []):
            speaker = _rep_at(call, claim.recorded_elapsed or call.duration_seconds)
            key = identity(call.organisation, speaker) if speaker else None
            if key in found:
                found[key].said.append(claim)
    return sorted(found.values(), key=lambda r: r.last_seen, reverse=True)


def _attribute(found: dict[tuple[str, ...], RepRecord], call: Call, promise: Promise,
               today: date) -> None:
    rep = _rep_at(call, promise.elapsed)
    key = identity(call.organisation, rep) if rep else None
    if key in found:
        found[key].promised.append(RepPromise(promise.text, promise.due,
                                              promise_status(promise, today), call.started_at))


class RepIndex:
    """A directory's records by who they are, so the rep being typed is found in one
    step (each key typed in a rep's name looked through every record: 16,100 of them for
    the busiest organisation of a 50,000-call history)."""

    def __init__(self, records: Iterable[RepRecord]) -> None:
        self._by: dict[tuple[str, str, str], list[RepRecord]] = {}
        for record in records:
            org = " ".join(record.organisation.casefold().split())
            for rep_id in dict.fromkeys(i.casefold() for i in record.ids):
                self._by.setdefault((org, "id", rep_id), []).append(record)
            for name in dict.fromkeys(n.casefold() for n in record.names):
                self._by.setdefault((org, "name", name), []).append(record)

    def matches(self, organisation: str, rep: Rep, exclude_call: str = "") -> list[RepRecord]:
        """Records of the rep being typed now: the same ID, or (no ID yet) the same name,
        at the same organisation, seen on another call."""
        key = identity(organisation, rep)
        if key is None:
            return []
        return [record for record in self._by.get((key[0], key[1], key[2]), [])
                if any(call_id != exclude_call for call_id in record.calls)]
