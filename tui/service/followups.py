"""Follow-ups: promises with a due date, listed and marked done."""

from __future__ import annotations

from tui.domain.followups import (
    FollowUp,
    followups_from_summaries,
    followups_of,
    soonest_first,
)
from tui.domain.model import CallSummary
from tui.service.base import Context, ServiceError


class FollowUpService:
    """Reads follow-ups from the calls and records when one was done."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._by_call: dict[str, tuple[CallSummary, list[FollowUp]]] = {}
        """Each call's follow-ups, made from its index row (rows are replaced, never
        changed, when their call is saved, so a row seen before needs no work)."""
        self._listed: list[FollowUp] | None = None

    def all(self) -> list[FollowUp]:
        """Every follow-up, soonest first (only calls saved since the last time are read
        again: the home screen asks after every call, with tens of thousands of them)."""
        rows = self._ctx.store.call_summaries()
        cache = self._by_call
        changed = self._listed is None
        for row in rows:
            known = cache.get(row.id)
            if known is None or known[0] is not row:
                cache[row.id] = (row, followups_of(row))
                changed = True
        if len(cache) != len(rows):  # calls gone (a restore, a conflict kept aside)
            present = {row.id for row in rows}
            for call_id in [call_id for call_id in cache if call_id not in present]:
                del cache[call_id]
            changed = True
        if changed or self._listed is None:
            self._listed = soonest_first(f for row in rows for f in cache[row.id][1])
        return list(self._listed)

    def open_for(self, case_text: str) -> list[FollowUp]:
        """Follow-ups not done yet on the case named (an incoming call may keep one)."""
        case = self._ctx.store.find_case(case_text) if case_text.strip() else None
        if case is None:
            return []
        return [f for f in followups_from_summaries(self._ctx.store.call_summaries(case.id))
                if not f.done]

    def by_key(self, key: str) -> tuple[str, int]:
        """``call-…#n`` (as listed) → the call id and n - 1 (the promise ``promise-n``)."""
        call_id, sep, number = key.strip().rpartition("#")
        if not sep or not number.isdigit() or int(number) < 1:
            raise ServiceError(f"'{key}' is not a follow-up id (like call-3f9a1c2b7d4e#1)")
        if not self._ctx.store.has_call(call_id):
            raise ServiceError(f"no follow-up {key}")
        return call_id, int(number) - 1

    def is_done(self, call_id: str, index: int) -> bool:
        promise = self._ctx.store.load_call(call_id).item("promise", f"promise-{index + 1}")
        return promise is not None and bool(promise.done)

    def set_done(self, call_id: str, index: int, done: bool = True) -> str:
        """Mark the promise ``promise-<index + 1>`` of a call done (or not); returns its
        text. (Ids are the promises' first places, so for a call none of whose promises
        was removed this is the ``index``-th promise.)"""
        store = self._ctx.store
        if not store.has_call(call_id):
            raise ServiceError(f"no call {call_id}")
        call = store.load_call(call_id)
        promise = call.item("promise", f"promise-{index + 1}")
        if promise is None:
            raise ServiceError(f"call {call_id} has no promise {index + 1}")
        promise.done = done
        promise.done_at = self._ctx.now_iso() if done else None
        store.save_call(call, index=True)
        return str(promise.text)
