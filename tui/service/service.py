"""The application layer's front door: one object the App, the screens and the
command line talk to. It owns every change; it knows nothing of Textual."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import msgspec

from tui.domain.clock import Clock, SystemClock
from tui.domain.dates import DateProblem, read_date
from tui.domain.followups import FollowUp
from tui.domain.model import Call, CallSummary, Case, Profile
from tui.domain.reps import RepRecord, directory
from tui.playbooks import LetterTemplate, Playbook, PlaybookProblem, load_letters
from tui.service.base import Context, ServiceError
from tui.service.calls import CallService, organisation_key
from tui.service.cases import CaseService
from tui.service.exports import ExportService
from tui.service.followups import FollowUpService, overview_of
from tui.service.imports import ImportReport, import_file
from tui.service.letters import LetterService
from tui.store import Problem, SaveStatus, Store, StoreError

RECENT_CALLS = 50
"""Calls listed on the home screen."""


class CallsPerCase:
    """How many calls each case has and when the latest began, kept up to date from the
    rows changed since the last time (home asks after every call)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        """Made ahead in a worker after start-up while the screen may ask."""
        self._seen = -1
        self._rows: dict[str, tuple[str, str]] = {}
        """Call id → (case id, started at) as counted."""
        self._per_case: dict[str, tuple[int, str | None]] = {}

    def update(self, store: Store) -> dict[str, tuple[int, str | None]]:
        """Case id → (calls, UTC ISO start of the latest call)."""
        with self._lock:
            return self._update(store)

    def _update(self, store: Store) -> dict[str, tuple[int, str | None]]:
        version, changed = store.rows_changed_since(self._seen)
        if changed is None:
            self._rows = {row.id: (row.case_id, row.started_at)
                          for row in store.call_summaries()}
            self._per_case = {}
            for case_id, started in self._rows.values():
                count, last = self._per_case.get(case_id, (0, None))
                self._per_case[case_id] = (count + 1, max(last or started, started))
        else:
            for call_id in dict.fromkeys(changed):
                self._recount(store, call_id)
        self._seen = version
        return self._per_case

    def _recount(self, store: Store, call_id: str) -> None:
        row = store.summary(call_id)
        if row is not None and self._rows.get(call_id) == (row.case_id, row.started_at):
            return  # saved again (a hang-up, a correction): same case, same start
        before = self._rows.pop(call_id, None)
        stale: set[str] = set()
        if before is not None:
            count, last = self._per_case.get(before[0], (1, None))
            self._per_case[before[0]] = (count - 1, last)
            if last == before[1]:
                stale.add(before[0])  # its latest call moved or went: find it again
        if row is not None:
            self._rows[call_id] = (row.case_id, row.started_at)
            count, last = self._per_case.get(row.case_id, (0, None))
            self._per_case[row.case_id] = (count + 1, max(last or row.started_at,
                                                         row.started_at))
        for case_id in stale:
            starts = [started for case, started in self._rows.values() if case == case_id]
            self._per_case[case_id] = (len(starts), max(starts, default=None))


def _until(calls: Iterator[Call], stop: Callable[[], bool] | None) -> Iterator[Call]:
    """``calls`` until ``stop()`` is true."""
    for call in calls:
        if stop is not None and stop():
            return
        yield call


class RepCalls:
    """What the rep hints read of an organisation's earlier calls, kept per call for as
    long as its index row stays the same (a call's row is replaced whenever the call is
    saved, except the live one's, which is never kept): dialling an organisation called
    12,000 times reads only the calls saved since the last dial (2.4 s to ~0.6 s).

    A call read from its file in a worker is followed by ``time.sleep(0)``: the reading
    takes about twice as long, and the live call's screen gets the interpreter whenever
    it wants it (its typing lagged otherwise: the reader held it for 5 ms turns)."""

    KEPT_ORGANISATIONS = 3
    """Organisations kept (the latest asked for); each is its calls' reps and promises."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, dict[str, tuple[CallSummary, Call]]] = {}

    def calls(self, store: Store, organisation: str, rows: list[CallSummary]
              ) -> Iterator[Call]:
        """The calls of ``rows`` (oldest first) as the rep directory reads them; a damaged
        call file is skipped and named, as ``Store.readable_calls`` does. A reader that
        stops taking them part-way keeps what was read, and drops nothing (what is no
        longer this organisation's is dropped only at the end)."""
        key = organisation_key(organisation)  # as ``rows`` were chosen
        with self._lock:
            kept = self._kept.pop(key, {})
            self._kept[key] = kept  # the latest asked for, last
            while len(self._kept) > self.KEPT_ORGANISATIONS:
                del self._kept[next(iter(self._kept))]
        present = set()
        polite = threading.current_thread() is not threading.main_thread()
        for row in rows:
            present.add(row.id)
            known = kept.get(row.id)
            if known is not None and known[0] is row:
                yield known[1]
                continue
            for call in store.readable_calls([row]):
                if polite:
                    time.sleep(0)  # hints can wait: the live call's typing cannot
                slim = for_rep_hints(call)
                if not row.is_live:
                    with self._lock:  # (the hints and the directory may read at once)
                        kept[row.id] = (row, slim)
                yield slim
        with self._lock:
            for call_id in [call_id for call_id in kept if call_id not in present]:
                del kept[call_id]  # gone, or no longer this organisation's


def for_rep_hints(call: Call) -> Call:
    """``call`` with only what the rep directory reads: who was on it, when, and what they
    promised (notes and the rest are dropped: thousands are kept)."""
    return msgspec.structs.replace(
        call, notes=[], hold_segments=[], references=[], playbooks_used=[], checklist={},
        read_out=[], gaps=[], removed=[], summary="", draft_note="", next_step="")


@dataclass
class CaseRow:
    """An open case as home lists it."""

    case: Case
    calls: int
    last_call: str | None
    """UTC ISO time of the latest call, if any."""


@dataclass
class HomeView:
    """Everything the home screen shows."""

    today: date
    cases: list[CaseRow]
    """Open cases, then resolved ones (still reachable)."""
    recent: list[tuple[CallSummary, str]]
    """Newest first: each call with its case title."""
    followups: list[FollowUp]
    """Not done (the most recent broken ones, then due today and upcoming), then those
    marked done in the last days."""
    open_followups: int
    broken_by_organisation: Counter[str]
    empty: bool
    """No cases and no calls at all yet."""


class Service:
    """Hold the Line's application layer."""

    def __init__(self, store: Store, playbooks: dict[str, Playbook] | None = None,
                 problems: list[PlaybookProblem] | None = None,
                 clock: Clock | None = None,
                 letters: list[LetterTemplate] | None = None) -> None:
        """``letters``: letters for any organisation (None: the shipped ones)."""
        if letters is None:
            from tui.paths import shipped_playbooks_dir

            letters, _problems = load_letters([shipped_playbooks_dir()])
        self.ctx = Context(store, clock or SystemClock(), dict(playbooks or {}),
                           list(problems or []), list(letters))
        self.cases = CaseService(self.ctx)
        self.followups = FollowUpService(self.ctx)
        self._calls_per_case = CallsPerCase()
        self._rep_calls = RepCalls()
        self.calls = CallService(self.ctx, self.cases, self.followups)
        self.exports = ExportService(self.ctx)
        self.letters = LetterService(self.ctx)

    # -- shared -------------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def playbooks(self) -> dict[str, Playbook]:
        return self.ctx.playbooks

    @property
    def problems(self) -> list[PlaybookProblem]:
        return self.ctx.problems

    @property
    def read_only(self) -> bool:
        return self.ctx.store.read_only

    def today(self) -> date:
        return self.ctx.today()

    def sorted_playbooks(self) -> list[Playbook]:
        return self.ctx.sorted_playbooks()

    def playbook_names(self) -> dict[str, str]:
        return self.ctx.playbook_names()

    @property
    def save_status(self) -> SaveStatus:
        return self.ctx.store.status

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every change is on disk; False if that did not happen."""
        return self.ctx.store.flush(timeout)

    @property
    def crash_log_dir(self) -> Path:
        """Where crash logs go (private, inside the data folder)."""
        from tui.crashlog import crash_dir

        return crash_dir(self.ctx.store.data_dir)

    def shutdown(self, timeout: float = 10.0) -> bool:
        """The app is going away: keep running calls as interrupted, write everything.
        False when that did not happen (see :meth:`unsaved`)."""
        self.calls.interrupt_live()
        return self.flush(timeout)

    def close(self) -> None:
        """Write what is queued and let go of the data (its lock): the process ends."""
        self.ctx.store.close()

    # -- the data files ------------------------------------------------------------
    def storage_problems(self) -> list[Problem]:
        """Files found damaged, missing, rebuilt or in conflict when the data was opened
        or since (a call file found damaged when read)."""
        return list(self.ctx.store.problems)

    def restorable(self) -> list[Problem]:
        """Damaged or missing files a backup holds a good copy of."""
        return self.ctx.store.restorable()

    def calls_kept_aside(self) -> list[str]:
        """Calls whose file was found damaged or gone and not put back: what an export
        made now leaves out (each as the problem names it)."""
        return [problem.headline() for problem in self.ctx.store.problems
                if problem.kind in ("damaged", "missing") and not problem.restored_from
                and problem.path.parent.name == "calls"]

    def restore_damaged(self) -> list[str]:
        """Put back each damaged file from the newest good backup; what was restored."""
        try:
            return self.ctx.store.restore_damaged()
        except (OSError, StoreError) as error:
            raise ServiceError(f"could not restore: {getattr(error, 'strerror', None) or error}"
                               ) from None

    def unsaved(self) -> list[str]:
        """What is not on disk yet, described."""
        return self.ctx.store.unsaved()

    def save_unsaved_to(self, path: Path) -> int:
        """Write what is not on disk yet into ``path`` (another disk); how many records."""
        try:
            return self.ctx.store.save_unsaved_to(path)
        except OSError as error:
            raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None

    # -- views ----------------------------------------------------------------------
    def home(self) -> HomeView:
        """Open cases, follow-ups and recent calls."""
        store = self.ctx.store
        today = self.today()
        early = store.early_index()
        per_case: Mapping[str, tuple[int, str | None]]
        # Digests made on a later day than today (a clock set back) may have summed up a
        # promise as done long ago: then every row is read.
        if early is not None and today >= early.written_on - timedelta(days=1) and (
                len(early.newest) >= RECENT_CALLS or len(early.newest) == early.count):
            newest, count, per_case = early.newest, early.count, early.per_case
            followups = overview_of(early.followups, today, early.late_by_organisation,
                                    ordered=False)
        else:
            newest = store.call_summaries()
            count = len(newest)
            per_case = self._calls_per_case.update(store)
            followups = self.followups.overview(today)
        cases = store.list_cases()
        rows = [
            CaseRow(case, *per_case.get(case.id, (0, None)))
            for case in sorted(cases, key=lambda c: c.status != "open")
        ]
        titles = {case.id: case.title for case in cases}
        recent = [(row, titles.get(row.case_id, "?"))
                  for row in reversed(newest[-RECENT_CALLS:])]
        return HomeView(today, rows, recent, followups.shown, followups.open_count,
                        followups.broken_by_organisation, empty=not count and not cases)

    def rows_to_read(self) -> bool:
        """Did the open leave index rows to read after the first paint?"""
        return self.ctx.store.early_index() is not None

    def finish_loading(self) -> None:
        """After the first paint: the index rows a lazy open left unread, then what home
        makes from every row (so that the next home after a call is quick). Run it in a
        worker; the screen never waits for it unless it needs every row first."""
        try:
            self.ctx.store.finish_loading()
        except StoreError as error:
            raise ServiceError(str(error)) from None
        self._calls_per_case.update(self.ctx.store)
        self.calls.by_organisation.update(self.ctx.store)
        self.followups.overview(self.today())

    # -- reps -------------------------------------------------------------------------
    def rep_directory(self, organisation: str | None = None,
                      stop: Callable[[], bool] | None = None) -> list[RepRecord]:
        """Every rep across calls, or only those of ``organisation`` (the live call's: only
        its calls are read; ``stop()`` true ends the reading early, with an incomplete
        answer to discard). Reads call files: run it in a worker."""
        store = self.ctx.store
        claims = [claim for case in store.list_cases() for claim in case.claims]
        if organisation is not None:  # each dial: the calls read before are kept
            rows = self.calls.by_organisation.rows(store, organisation)
            calls = self._rep_calls.calls(store, organisation, rows)
            return directory(_until(calls, stop), claims, self.today(), oldest_first=True)
        # Streamed, oldest first: one call in memory at a time, however long the history.
        # A damaged call file is skipped and named (the app offers its backup).
        calls = store.readable_calls(store.call_summaries())
        return directory(_until(calls, stop), claims, self.today(), oldest_first=True)

    # -- who is asking ---------------------------------------------------------------
    def profile(self) -> Profile:
        return self.ctx.store.get_profile()

    def save_profile(self, values: dict[str, str]) -> Profile:
        """The caller's details as typed; a date of birth in any form the parser knows."""
        birth = values.get("date_of_birth", "").strip()
        if birth:
            try:
                birth = read_date(birth, self.today()).isoformat()
            except DateProblem as error:
                raise ServiceError(f"Date of birth: {error}") from None
        profile = Profile(name=values.get("name", "").strip(),
                          phone=values.get("phone", "").strip(),
                          email=values.get("email", "").strip(),
                          address=values.get("address", "").strip(),
                          date_of_birth=birth)
        self.ctx.store.save_profile(profile)
        return profile

    # -- import ---------------------------------------------------------------------
    def import_file(self, path: Path) -> ImportReport:
        """Merge a JSON export (all or nothing)."""
        return import_file(self.ctx, path)
