"""Reading a data folder without holding it whole: for the command line's read commands.

``Store.open(read_only=True)`` keeps every call's index row in memory (a long history:
tens of megabytes) and loads the writer, the backups and TinyDB. :class:`StoreReader`
keeps the cases and the profile only; the index is read a month at a time whenever the
calls are listed, and each call is read from its file when it is used.

It checks the folder as the store does when it opens it. A folder that needs more care
than reading (an index month damaged, from an older version, or with a row of another
month or of another file; calls the index does not know; rows whose call file is gone; a
write cut short; a layout-1 folder) is read by the store itself, which names what it
found, and the reader answers from it: the same answers, in as much memory as before.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from tui.domain.compact import IdSet
from tui.domain.model import Call, CallSummary, Case, Profile, is_valid_id
from tui.store.errors import StoreCorrupt, StoreError
from tui.store.files import (
    ADDING,
    ANY_CONFLICT,
    CONFLICT_REASON,
    LAYOUT_VERSION,
    SHARD_NAME,
    Problem,
    case_files,
    check_id,
    conflict_problems,
    layout_version,
    read_call_file,
    read_profile_file,
    read_shard,
    shard_key,
)

if TYPE_CHECKING:
    from tui.store.store import Store


class _NeedsTheStore(Exception):
    """The folder needs the store's full reading (see the module's docstring)."""


def _started(row: CallSummary) -> str:
    return row.started_at


class StoreReader:
    """A data folder opened to read: cases and profile in memory, calls as they are used.

    The same reading API as :class:`tui.store.Store` for what the read commands need
    (``list_cases``, ``find_case``, ``get_profile``, ``iter_summaries``, ``load_call``,
    ``problems``); it never writes and takes no lock, so it works while the app has the
    data open.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.calls_dir = self.data_dir / "calls"
        self._calls = str(self.calls_dir)
        self.cases_dir = self.data_dir / "cases"
        self.index_dir = self.data_dir / "index"
        self.read_only = True
        self.problems: list[Problem] = []
        """Files found damaged, missing or in conflict (as the store names them)."""
        self._cases: dict[str, Case] = {}
        self._profile = Profile()
        self._months: list[str] = []
        self._count = 0
        self._missing_cases: set[str] = set()
        self._store: Store | None = None

    @classmethod
    def open(cls, data_dir: Path) -> StoreReader:
        """Open ``data_dir`` to read (a folder that does not exist reads as empty)."""
        reader = cls(data_dir)
        try:
            reader._open()
        except _NeedsTheStore:
            reader._open_store()
        return reader

    @property
    def streamed(self) -> bool:
        """True when the calls are read as they are used; False when the store read the
        folder (see the module's docstring)."""
        return self._store is None

    def _open_store(self) -> None:
        from tui.store.store import Store

        store = Store.open(self.data_dir, read_only=True)
        self._store = store
        self._cases, self._profile, self._months = {}, store.get_profile(), []
        self.problems = store.problems
        self._count = store.call_count()

    def _open(self) -> None:
        if not self.data_dir.is_dir():
            return
        if layout_version(self.data_dir) < LAYOUT_VERSION:
            raise _NeedsTheStore
        if (self.data_dir / "journal.json").exists() or (self.data_dir / ADDING).exists():
            raise _NeedsTheStore  # a write cut short: the store knows what to leave out
        self._load_cases()
        self._load_profile()
        ids = self._check_index()
        conflicts = self._check_call_files(ids)
        self.problems += conflict_problems((self.data_dir, self.cases_dir)) + conflicts
        for case_id in sorted(self._missing_cases):
            self.problems.append(Problem(
                self.cases_dir / f"{case_id}.json", "the case file is missing: its calls are "
                "listed without their case", kind="damaged"))

    def _load_cases(self) -> None:
        for path, case in case_files(self.cases_dir):
            if isinstance(case, StoreCorrupt):
                self.problems.append(Problem(path, case.reason, kind="damaged"))
                continue
            self._cases[case.id] = case

    def _load_profile(self) -> None:
        path = self.data_dir / "profile.json"
        try:
            profile = read_profile_file(path)
        except StoreCorrupt as error:
            self.problems.append(Problem(path, error.reason, kind="damaged"))
            return
        if profile is not None:
            self._profile = profile

    def _check_index(self) -> IdSet:
        """Every index month read once: the ids of its rows (8 bytes each), the case ids
        with no case file; ``_NeedsTheStore`` at anything the store would repair."""
        ids = IdSet()
        if not self.index_dir.is_dir():
            return ids
        for name in sorted(os.listdir(self.index_dir)):
            match = SHARD_NAME.fullmatch(name)
            if not match:
                continue
            month = match[1]
            if month == "undated":
                raise _NeedsTheStore  # its rows sort among the others: the store orders them
            try:
                rows = read_shard(self.index_dir / name)
            except StoreCorrupt:
                raise _NeedsTheStore from None
            for row in rows:
                if shard_key(row.started_at) != month:
                    raise _NeedsTheStore
                ids.add(row.id)
                if row.case_id not in self._cases:
                    self._missing_cases.add(row.case_id)
            self._months.append(month)
        if ids.duplicates():
            raise _NeedsTheStore
        self._count = len(ids)
        return ids

    def _check_call_files(self, ids: IdSet) -> list[Problem]:
        """Every call file is indexed, and there are as many as rows: each row has its file.
        Returns the sync tools' conflict copies found in ``calls/`` (read name by name:
        a list of 50,000 names would be 4 MB)."""
        files = 0
        conflicts = []
        if self.calls_dir.is_dir():
            with os.scandir(self.calls_dir) as entries:
                for entry in entries:
                    name = entry.name
                    if ANY_CONFLICT.search(name):
                        conflicts.append(Problem(self.calls_dir / name, CONFLICT_REASON,
                                                 kind="conflict"))
                    stem, dot, ext = name.rpartition(".")
                    if not (dot and ext == "json" and is_valid_id(stem)):
                        continue
                    if stem not in ids:
                        raise _NeedsTheStore
                    files += 1
        if files != len(ids):
            raise _NeedsTheStore
        return conflicts

    # -- what the read commands ask ----------------------------------------------
    def get_profile(self) -> Profile:
        return self._store.get_profile() if self._store is not None else self._profile

    def list_cases(self) -> list[Case]:
        """All cases, newest first."""
        if self._store is not None:
            return self._store.list_cases()
        return sorted(self._cases.values(), key=lambda c: c.created_at, reverse=True)

    def get_case(self, case_id: str) -> Case | None:
        if self._store is not None:
            return self._store.get_case(case_id)
        return self._cases.get(case_id)

    def find_case(self, text: str) -> Case | None:
        """A case by id, or by title ignoring case and surrounding spaces."""
        if self._store is not None:
            return self._store.find_case(text)
        wanted = text.strip().casefold()
        if text in self._cases:
            return self._cases[text]
        for case in self.list_cases():
            if case.title.strip().casefold() == wanted:
                return case
        return None

    def call_count(self) -> int:
        return self._count

    def iter_summaries(self, case_ids: Collection[str] | None = None) -> Iterator[CallSummary]:
        """The calls' index rows, oldest first (only those of ``case_ids`` if given), in
        the store's order; a month's rows are read when they are reached."""
        if self._store is not None:
            yield from self._store.iter_summaries(case_ids)
            return
        for month in self._months:
            try:
                rows = read_shard(self.index_dir / f"calls-{month}.json")
            except StoreError:
                if (self.index_dir / f"calls-{month}.json").exists():
                    raise
                continue  # the app removed it since (its last call moved away)
            rows = [row for row in rows if shard_key(row.started_at) == month]
            rows.sort(key=_started)
            for row in rows:
                if case_ids is None or row.case_id in case_ids:
                    yield row

    def load_call(self, call_id: str) -> Call:
        """The full call, read from its file."""
        if self._store is not None:
            return self._store.load_call(call_id)
        return read_call_file(os.path.join(self._calls, check_id(call_id) + ".json"), call_id)
