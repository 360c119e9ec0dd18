"""Follow-ups: promises with a due date, listed and marked done."""

from __future__ import annotations

import bisect
import heapq
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tui.domain.followups import (
    FollowUp,
    done_on,
    followups_from_summaries,
    followups_of,
    is_broken,
    listing_order,
    soonest_first,
)
from tui.domain.model import CallSummary
from tui.service.base import Context, ServiceError

RECENTLY_DONE_DAYS = 7
"""Follow-ups marked done this many days ago or less stay on home (to undo a slip)."""
MAX_FOLLOWUPS = 20
"""At most this many follow-ups on the home screen (half of them broken ones)."""
FULL_SORT_AFTER = 64
"""More calls changed than this since the last listing: sort everything again."""


@dataclass(frozen=True)
class Overview:
    """The follow-ups home shows, and the counts it heads them with."""

    shown: list[FollowUp]
    """Broken ones (the latest), then those to come, then those done in the last days."""
    open_count: int
    broken_by_organisation: Counter[str]
    """Promises broken (kept late included), per organisation."""


class FollowUpService:
    """Reads follow-ups from the calls and records when one was done."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._by_call: dict[str, tuple[CallSummary, list[FollowUp]]] = {}
        """Each call's follow-ups, made from its index row (rows are replaced, never
        changed, when their call is saved, so a row seen before needs no work)."""
        self._listed: list[FollowUp] | None = None
        """Every follow-up, soonest first (kept in order as calls change)."""
        self._version = 0
        """Counts the changes to ``_listed`` (what ``overview`` was made from)."""
        self._overview: tuple[tuple[int, date], Overview] | None = None
        self._rows_seen = -1
        """The store's rows version this was last made from."""
        self._lock = threading.RLock()
        """The lists are made ahead in a worker after start-up (``Service.finish_loading``)
        while the screen may ask for them."""

    def all(self) -> list[FollowUp]:
        """Every follow-up, soonest first. Only calls saved since the last time are read
        again, and only their follow-ups move in the order (the home screen asks after
        every call, with tens of thousands of them)."""
        with self._lock:
            return self._all()

    def _all(self) -> list[FollowUp]:
        store = self._ctx.store
        version, changed_ids = store.rows_changed_since(self._rows_seen)
        cache = self._by_call
        changes: list[tuple[list[FollowUp], list[FollowUp]]] = []
        if changed_ids is None or self._listed is None:
            rows = store.call_summaries()
            for row in rows:
                self._look_again(row.id, row, changes)
            if len(cache) != len(rows):  # calls gone (a restore, a conflict kept aside)
                present = {row.id for row in rows}
                for call_id in [call_id for call_id in cache if call_id not in present]:
                    self._look_again(call_id, None, changes)
        else:  # only the rows saved since: one call after a hang-up, not 50,000
            for call_id in dict.fromkeys(changed_ids):
                self._look_again(call_id, store.summary(call_id), changes)
        self._rows_seen = version
        listed = self._listed
        if listed is None or len(changes) > FULL_SORT_AFTER:
            self._listed = soonest_first(f for _row, items in cache.values() for f in items)
            self._version += 1
        elif changes:
            for before, after in changes:
                for item in before:
                    _remove(listed, item)
                for item in after:
                    bisect.insort_right(listed, item, key=listing_order)
            self._version += 1
        assert self._listed is not None
        return list(self._listed)

    def _look_again(self, call_id: str, row: CallSummary | None,
                    changes: list[tuple[list[FollowUp], list[FollowUp]]]) -> None:
        """Make a call's follow-ups again from its row (``None``: the call is gone); note
        the change when they differ."""
        cache = self._by_call
        known = cache.get(call_id)
        if row is not None and known is not None and known[0] is row:
            return
        before = known[1] if known is not None else []
        items = followups_of(row) if row is not None else []
        if items == before:
            items = before  # the same promises: keep the objects (and their memos)
        else:
            changes.append((before, items))
        if row is None:
            cache.pop(call_id, None)
        else:
            cache[call_id] = (row, items)

    def overview(self, today: date) -> Overview:
        """What home lists: made again only when a follow-up changed or the day did."""
        with self._lock:
            listed = self._all()
            key = (self._version, today)
            if self._overview is not None and self._overview[0] == key:
                return self._overview[1]
            found_now = overview_of(listed, today)
            self._overview = (key, found_now)
            return found_now

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
        promise = self._ctx.load_call(call_id).item("promise", f"promise-{index + 1}")
        return promise is not None and bool(promise.done)

    def set_done(self, call_id: str, index: int, done: bool = True) -> str:
        """Mark the promise ``promise-<index + 1>`` of a call done (or not); returns its
        text. (Ids are the promises' first places, so for a call none of whose promises
        was removed this is the ``index``-th promise.)"""
        store = self._ctx.store
        call = self._ctx.load_call(call_id)
        promise = call.item("promise", f"promise-{index + 1}")
        if promise is None:
            raise ServiceError(f"call {call_id} has no promise {index + 1}")
        promise.done = done
        promise.done_at = self._ctx.now_iso() if done else None
        store.save_call(call, index=True)
        return str(promise.text)


def overview_of(listed: Iterable[FollowUp], today: date,
                kept_late: Counter[str] | None = None, *, ordered: bool = True) -> Overview:
    """What home lists from ``listed`` (soonest first, unless not ``ordered``: then only
    the few shown are put in order, not the tens of thousands of a long history);
    ``kept_late``: promises kept late that are not in ``listed`` (summed up by the
    index), counted as broken."""
    broken: list[FollowUp] = []
    coming: list[FollowUp] = []
    recently_done: list[FollowUp] = []
    open_count = 0
    broken_by: Counter[str] = Counter(kept_late or {})
    for item in listed:  # one pass (tens of thousands on a long history)
        state = item.status(today)
        if is_broken(state):
            broken_by[item.organisation] += 1
        if not item.done:
            open_count += 1
            (broken if state == "broken" else coming).append(item)
        # Done in the last days stay listed (dimmed), so a slip of space can be undone.
        elif (found := done_on(item.promise)) and (today - found).days <= RECENTLY_DONE_DAYS:
            recently_done.append(item)
    if not ordered:
        broken = _last(broken, MAX_FOLLOWUPS // 2)
        coming = _first(coming, MAX_FOLLOWUPS)
        recently_done = _last(recently_done, MAX_FOLLOWUPS // 4)
    shown = (broken[-(MAX_FOLLOWUPS // 2):] + coming)[:MAX_FOLLOWUPS]
    shown += recently_done[-(MAX_FOLLOWUPS // 4):]
    return Overview(shown, open_count, broken_by)


def _first(items: list[FollowUp], count: int) -> list[FollowUp]:
    """The first ``count`` of ``items`` in the listing order, in that order. The order
    is by due date first: only those due by the ``count``-th soonest date are sorted."""
    if count <= 0:
        return []
    if len(items) > count:
        latest = heapq.nsmallest(count, [item.due for item in items])[-1]
        items = [item for item in items if item.due <= latest]
    return sorted(items, key=listing_order)[:count]


def _last(items: list[FollowUp], count: int) -> list[FollowUp]:
    """The last ``count`` of ``items`` in the listing order, in that order (see
    ``_first``)."""
    if count <= 0:
        return []
    if len(items) > count:
        earliest = heapq.nlargest(count, [item.due for item in items])[-1]
        items = [item for item in items if item.due >= earliest]
    return sorted(items, key=listing_order)[-count:]


def _remove(listed: list[FollowUp], item: FollowUp) -> None:
    """Take ``item`` itself out of the sorted ``listed`` (found by its place in the order)."""
    key = listing_order(item)
    begin = bisect.bisect_left(listed, key, key=listing_order)
    end = bisect.bisect_right(listed, key, key=listing_order)
    for place in range(begin, end):
        if listed[place] is item:
            del listed[place]
            return
