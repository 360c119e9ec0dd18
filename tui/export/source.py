"""Where an export's calls come from: a list in memory, or the store, read as they are used.

Every export format takes a :class:`CallSource`. A long history is exported from the
store one call at a time (``tui.service.exports``); the app's own exports of a few calls
and the tests give a :class:`CallList`. Both give the same calls in the same order, so
the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from tui.domain.model import Call


class CallSource(Protocol):
    """The calls of one export."""

    def calls(self) -> Iterator[Call]:
        """Every call, oldest first (by ``started_at``; calls that started together in
        the source's order). Each use reads them again."""
        ...

    def of_case(self, case_id: str) -> Iterator[Call]:
        """The calls of one case, oldest first."""
        ...

    def get(self, call_id: str) -> Call | None:
        """One of these calls by id; None if it is not one of them."""
        ...


def _started(call: Call) -> str:
    return call.started_at


class CallList:
    """Calls in memory as a :class:`CallSource`.

    ``keep_order``: :meth:`calls` gives them as given instead of oldest first (the JSON
    export lists calls as it is given them).
    """

    def __init__(self, calls: Iterable[Call], *, keep_order: bool = False) -> None:
        self._given = list(calls)
        self._oldest = sorted(self._given, key=_started)
        self._sorted = self._given if keep_order else self._oldest
        self._by_id: dict[str, Call] | None = None
        self._by_case: dict[str, list[Call]] | None = None

    def calls(self) -> Iterator[Call]:
        return iter(self._sorted)

    def of_case(self, case_id: str) -> Iterator[Call]:
        if self._by_case is None:
            self._by_case = {}
            for call in self._oldest:
                self._by_case.setdefault(call.case_id, []).append(call)
        return iter(self._by_case.get(case_id, ()))

    def get(self, call_id: str) -> Call | None:
        if self._by_id is None:
            self._by_id = {call.id: call for call in self._given}
        return self._by_id.get(call_id)
