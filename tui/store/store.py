"""The store API: the only code that touches TinyDB.

Layout of the data directory, version 2 (0700, every file 0600; every ``.json`` file
is a TinyDB document file, UTF-8 JSON):

    lock                         held (flock) while an app has the data open
    layout.json                  ``layout``: which layout this folder has (2)
    profile.json                 ``profile``: who is asking
    cases/<case-id>.json         ``case``: one case document (the only copy)
    calls/<call-id>.json         ``call``: one call document (the only copy)
    index/calls-<YYYY-MM>.json   ``calls``: a summary row per call started that month
                                 (UTC); ``digest``: what home needs from them (counts
                                 per case, follow-ups), written with them in the same
                                 atomic write; derived, rebuilt from the call files
    journal.json                 present only while index rows are being written:
                                 which calls to re-read if the writing was cut short
    adding.json                  present only while many new records are being added
                                 (import, demo): their ids, removed again on the next
                                 open if the adding was cut short (all or nothing)
    backups/<time>-<reason>/     rotating backups (``tui.store.backup``)
    damaged/<time>/...           damaged files, moved aside and named to the user

A keystroke rewrites one call file; dialling and hanging up rewrite that call's file
and its month's index file, so no save grows with the history. Every document
carries a revision counter (``_rev``) that goes up with every write.

Saves are queued and written by one background thread within a fraction of a
second; readers get the in-memory state and never wait on the disk.

Version 1 folders (one ``index.json`` with every case and every call's row) are
migrated on open, after a backup of them is taken.

The app opens lazily (``early_rows``): every month's digest and the newest months' rows
before its first paint, the older rows in a worker after it, so start-up does not grow
with the history. Whatever needs a row waits for them; a folder needing any repair, or
months without a digest (written by an earlier version: given one by the writer), are
read in full at once.
"""

from __future__ import annotations

import bisect
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from tui.domain.live import recover_interrupted
from tui.domain.model import (
    ID_PATTERN,
    Call,
    CallSummary,
    Case,
    Profile,
    is_valid_id,
)
from tui.domain.text import visible
from tui.store import backup as backups
from tui.store.atomic import (
    ensure_private_dir,
    fsync_dir,
    sweep_temp_files,
    temp_names,
    write_new_file,
)
from tui.store.digest import DIGEST_TABLE, EarlyIndex, MonthDigest, make_digest, read_digest
from tui.store.files import (
    ADDING,
    CONFLICT_PATTERNS,
    LAYOUT_VERSION,
    REV,
    SHARD_NAME,
    Problem,
    case_files,
    check_id,
    conflict_problems,
    layout_version,
    migrate_document,
    read_call_file,
    read_case_file,
    read_profile_file,
    read_record,
    read_shard,
    read_shard_and_digest,
    shard_key,
)
from tui.store.files import one_doc as _one_doc
from tui.store.storage import AtomicJSONStorage, StoreCorrupt, StoreError, read_json_file

try:  # pragma: no cover - always present on POSIX
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

DEBOUNCE_SECONDS = 0.15
"""How long the writer waits for more keystrokes before writing."""
RETRY_SECONDS = 0.5
"""Pause after a failed write (disk full, I/O error) before trying again."""
LOCK_CHECK_SECONDS = 1.0
"""How often the writer checks that the lock file is still ours (also before each write)."""
ROW_LOG_KEPT = 2048
"""Changed rows remembered for ``Store.rows_changed_since`` (then: look at every row)."""
_CALL_FILE = re.compile(r"^(" + ID_PATTERN.strip("^$") + r")\.json$", re.MULTILINE)
"""A call file's name, among names joined by line breaks (its id is group 1)."""


class StoreLocked(StoreError):
    """Another copy of the app has this data open."""


_REVS = msgspec.json.Decoder(dict[str, dict[str, dict[str, Any]]])
_ENCODER = msgspec.json.Encoder()


def encode_file(table: str, docs: list[dict[str, Any]]) -> bytes:
    """A TinyDB document file: ``{table: {"1": doc, "2": doc…}}``, compact UTF-8 JSON."""
    return _ENCODER.encode({table: {str(n): doc for n, doc in enumerate(docs, start=1)}})


def _record_head(table: str, record: Call | Case | Profile) -> bytes:
    """The bytes of the one-document file of ``record`` up to its revision number: the
    record encoded as it is (a struct encodes as its ``to_dict()`` would), without
    building the dict (bulk writes, and comparing with a file)."""
    body = _ENCODER.encode(record)
    return b'{"%s":{"1":%s,"%s":' % (table.encode(), body[:-1], REV.encode())


def encode_record(table: str, record: Call | Case | Profile, rev: int) -> bytes:
    """``encode_file(table, [record.to_dict() | {REV: rev}])``, the same bytes, faster."""
    return _record_head(table, record) + b"%d}}}" % rev


def _started(row: CallSummary) -> str:
    return row.started_at


def _agrees(rows: list[CallSummary], month: str, digest: MonthDigest) -> bool:
    """Are these the rows the month's digest lists, in its order, all of that month?"""
    return [row.id for row in rows] == digest.ids and all(
        shard_key(row.started_at) == month for row in rows)


__all__ = ["ADDING", "CONFLICT_PATTERNS", "LAYOUT_VERSION", "REV", "Problem", "SaveStatus",
           "Store", "StoreLocked", "check_id", "encode_file", "encode_record",
           "migrate_document", "read_record", "shard_key"]


@dataclass
class SaveStatus:
    """What the 'saved' indicator shows."""

    pending: bool
    error: str | None
    last_saved_monotonic: float | None
    pending_since: float | None = None
    """Monotonic time of the oldest edit not yet on disk."""

    def overdue(self, now: float, grace: float = 1.0) -> bool:
        """True when an edit has waited longer than ``grace`` seconds."""
        return self.pending_since is not None and now - self.pending_since > grace


@dataclass
class _Job:
    kind: str
    """``call``, ``row``, ``case``, ``profile`` or ``month`` (an index month written
    again with its digest)."""
    key: str
    doc: Any = None
    describe: str = ""


class Store:
    """Cases and calls on disk, behind a small typed API.

    Records handed out are the store's own: treat them as read-only and save a
    changed copy (``record.copy()``) instead.
    """

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self.calls_dir = self.data_dir / "calls"
        self.cases_dir = self.data_dir / "cases"
        self.index_dir = self.data_dir / "index"
        self._lock_fd: int | None = None
        self._lock_lost = False
        self._db_lock = threading.RLock()
        self._jobs_lock = threading.Lock()
        self._rows_lock = threading.RLock()
        """Held while the index rows change or are read in order: workers (the history,
        the rep hints) read them while the screen saves a call."""
        self._log_lock = threading.Lock()
        """Held only to note or read changes to the rows (never while waiting for
        anything: the rows of a lazy open are read while others wait for them)."""
        self._rows_ready = threading.Event()
        """Set once every index row is in memory (at once, unless opened lazily)."""
        self._rows_ready.set()
        self._load_lock = threading.Lock()
        self._early: EarlyIndex | None = None
        """A lazy open's summary of the index, until every row is read."""
        self._early_ids: set[str] = set()
        self._months_to_read: dict[str, MonthDigest] = {}
        """A lazy open's index months not read yet, with their digests."""
        self._months_to_write: set[str] = set()
        """Index months to write again (rebuilt, or read without a digest of this
        version), taken by the writer (``_log_lock``; see ``_write_again``)."""
        self._listed_calls: list[str] | None = None
        """``calls/`` as the open listed it (taken by the first ``_call_file_names``)."""
        self._jobs: dict[str, _Job] = {}
        self._wake = threading.Event()
        self._idle = threading.Condition(self._jobs_lock)
        self._busy = False
        self._stopping = False
        self._error: str | None = None
        self._last_saved: float | None = None
        self._pending_since: float | None = None
        self._inflight_since: float | None = None
        self._cases: dict[str, Case] = {}
        self._rows: dict[str, CallSummary] = {}
        self._rows_sorted: list[CallSummary] | None = None
        self._rows_by_month: dict[str, set[str]] = {}
        self._rows_version = 0
        """Goes up with every change to the index rows (see ``rows_changed_since``)."""
        self._row_log: list[str] = []
        """Ids of the rows changed, in order: entry i is change ``_row_log_start + i + 1``."""
        self._row_log_start = 0
        self._revs: dict[str, int] = {}
        """Relative path → the revision last written or read."""
        self._latest_calls: dict[str, dict[str, Any]] = {}
        self._profile = Profile()
        self._thread: threading.Thread | None = None
        self._backup_thread: threading.Thread | None = None
        self._last_lock_check = 0.0
        self.swept_temp_files = 0
        self.recovered_calls: list[str] = []
        self.problems: list[Problem] = []
        """Files found damaged, missing, rebuilt or in conflict (the app names them)."""
        self.migrated_from: int | None = None
        self.backup_error: str | None = None
        self._adding = False
        """True while ``write_many`` writes: no backup starts meanwhile."""
        self._hidden_cases: set[str] = set()
        self._hidden_calls: set[str] = set()
        """Records an adding cut short wrote (``adding.json``): never loaded, and removed
        when the data is opened for writing."""
        self.undone_records = 0
        """How many records of an adding cut short (a killed import) were removed on open."""
        self._unreadable_calls: set[str] = set()
        """Calls whose file was found damaged or gone after the open (named once)."""

    # -- opening and closing ----------------------------------------------
    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False, backup: bool = True,
             early_rows: int | None = None) -> Store:
        """Open (creating if needed) the data directory; ``backup``: take the backup on
        open (in the background). ``early_rows``: read only the index months' digests
        and at least this many of the newest rows now (``early_index``), the other rows
        on first use or when ``finish_loading`` is called (after the first paint). A
        folder that needs any repair, or whose months have no digest yet, is read in
        full at once."""
        store = cls(data_dir, read_only=read_only)
        store._open(backup, early_rows)
        return store

    # -- the index rows (a lazy open reads the older months later) ------------
    @property
    def _summaries(self) -> dict[str, CallSummary]:
        if not self._rows_ready.is_set():
            self.finish_loading()
        return self._rows

    @_summaries.setter
    def _summaries(self, value: dict[str, CallSummary]) -> None:
        self._rows = value

    @property
    def _months(self) -> dict[str, set[str]]:
        if not self._rows_ready.is_set():
            self.finish_loading()
        return self._rows_by_month

    @_months.setter
    def _months(self, value: dict[str, set[str]]) -> None:
        self._rows_by_month = value

    @property
    def _sorted(self) -> list[CallSummary] | None:
        if not self._rows_ready.is_set():
            self.finish_loading()
        return self._rows_sorted

    @_sorted.setter
    def _sorted(self, value: list[CallSummary] | None) -> None:
        self._rows_sorted = value

    def _finish_before_change(self) -> None:
        """Files are about to be replaced (a restore) or the lock let go: a lazy open's
        rows are read first, from the files they were listed from."""
        try:
            self.finish_loading()
        except Exception:  # noqa: BLE001 - what reads them next says what is wrong
            pass

    def early_index(self) -> EarlyIndex | None:
        """A lazy open's summary of the index while rows are still unread; None once
        every row is in memory (ask the rows)."""
        return None if self._rows_ready.is_set() else self._early

    def finish_loading(self) -> None:
        """Read the index rows a lazy open left for later (at once, in this thread; a
        thread already reading them is waited for). Any reader of the rows calls it."""
        if self._rows_ready.is_set():
            return
        with self._load_lock:
            if self._rows_ready.is_set():
                return
            rebuilt = self._read_later_months()  # raises: still unread, tried again
            self._early = None
            self._rows_sorted = None
            self._row_changed(None)
            self._write_again(rebuilt)
            self._rows_ready.set()

    def _write_again(self, months: Iterable[str]) -> None:
        """Have the writer write these index months again (with their digest). Takes no
        lock a caller may hold: a lazy open's rows may be read under any of them."""
        with self._log_lock:
            self._months_to_write.update(months)
        if self._months_to_write:
            self._wake.set()  # (at the open: the writer finds it set when it starts)

    def _open(self, backup: bool, early_rows: int | None = None) -> None:
        if self.read_only:
            self._load_all(write=False)
            return
        try:
            ensure_private_dir(self.data_dir)
        except OSError as error:
            raise StoreError(f"cannot use {self.data_dir}: {error.strerror}") from error
        self._take_lock()
        try:
            self.swept_temp_files = sum(
                sweep_temp_files(folder, recursive=False)
                for folder in (self.data_dir, self.cases_dir, self.index_dir)
                if folder.is_dir())
            backups.finish_interrupted_restore(self.data_dir)
            for folder in (self.calls_dir, self.cases_dir, self.index_dir):
                ensure_private_dir(folder)
            if self._layout() < LAYOUT_VERSION:
                self._migrate_v1()
            elif not (self.data_dir / "layout.json").exists():
                self._write_layout()
            # calls/ (50,000 names) is listed once: swept, then read by the open.
            names = os.listdir(self.calls_dir)
            temps = temp_names(names)
            self.swept_temp_files += sweep_temp_files(self.calls_dir, names=temps)
            swept = set(temps)
            self._listed_calls = [name for name in names if name not in swept]
            self._load_all(write=True, early_rows=early_rows)
            if self._rows_ready.is_set():  # (else the digests listed no call left live)
                self._recover()
        except BaseException:
            self._release_lock()
            raise
        self._thread = threading.Thread(target=self._writer, name="htl-writer", daemon=True)
        self._thread.start()
        if backup and (self._cases or self.call_count()) and backups.due(
                self.data_dir, seconds=backups.OPEN_SECONDS):
            self.backup_in_background("open")

    # -- the lock -----------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.data_dir / "lock"

    def _take_lock(self) -> None:
        fd = self._lock_file()
        if fd is None:
            raise StoreLocked(
                f"another Hold the Line window is using {self.data_dir}; "
                "switch to it, or quit it first"
            )
        self._lock_fd = fd

    def _lock_file(self) -> int | None:
        """An fd holding the flock on the lock file (created if needed); None if taken."""
        path = self.lock_path
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as error:
            raise StoreError(f"cannot create the lock file {path}: {error.strerror}") from error
        os.fchmod(fd, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return None
        return fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def check_lock(self) -> bool:
        """Is the lock file still the one we hold? If it was deleted or replaced, take it
        again (so no second window can start); False once another window holds it: from
        then on nothing is written here."""
        if self._lock_lost or self._lock_fd is None:
            return not self._lock_lost
        try:
            ours = os.fstat(self._lock_fd)
            on_disk = os.stat(self.lock_path, follow_symlinks=False)
            if (ours.st_dev, ours.st_ino) == (on_disk.st_dev, on_disk.st_ino):
                return True
        except FileNotFoundError:
            pass
        except OSError:
            return True  # cannot tell: keep going, the next check tries again
        fd = self._lock_file()
        if fd is None:
            self._lock_lost = True
            self._error = ("another Hold the Line window took over this data folder (its lock "
                           "file was removed); nothing more is saved from this window")
            return False
        os.close(self._lock_fd)
        self._lock_fd = fd
        return True

    # -- layout, migration ----------------------------------------------------
    def _layout(self) -> int:
        return layout_version(self.data_dir)

    def _write_layout(self) -> None:
        path = self.data_dir / "layout.json"
        AtomicJSONStorage(path).write({"layout": {"1": {"version": LAYOUT_VERSION}}})

    def _migrate_v1(self) -> None:
        """Version 1 (``index.json`` with every case and row) → version 2; backup first.

        Idempotent: a migration cut short runs again from the start on the next open
        (``index.json`` is only moved into the backup once ``layout.json`` says 2)."""
        index_path = self.data_dir / "index.json"
        data = read_json_file(index_path) or {}
        cases = [read_record(doc, Case, index_path) for doc in data.get("cases", {}).values()]
        rows = [read_record(doc, CallSummary, index_path)
                for doc in data.get("calls", {}).values()]
        profiles = [read_record(doc, Profile, index_path)
                    for doc in data.get("profile", {}).values()]
        try:
            backups.take_backup(self.data_dir, "before-migration", len(cases), len(rows))
        except OSError as error:
            raise StoreError(f"cannot back up {self.data_dir} before upgrading it: "
                             f"{error.strerror or error}") from error
        for case in cases:
            doc = case.to_dict()
            doc[REV] = 1
            write_new_file(self.cases_dir / f"{check_id(case.id, 'case')}.json",
                           encode_file("case", [doc]))
        if profiles:
            doc = profiles[0].to_dict()
            doc[REV] = 1
            write_new_file(self.data_dir / "profile.json", encode_file("profile", [doc]))
        by_month: dict[str, list[CallSummary]] = {}
        for row in rows:
            by_month.setdefault(shard_key(row.started_at), []).append(row)
        for month, month_rows in by_month.items():
            self._write_shard_file(month, month_rows, bulk=True)
        if hasattr(os, "sync"):
            os.sync()
        self._write_layout()
        fsync_dir(self.data_dir)
        kept = backups.backups_dir(self.data_dir)
        newest = next(iter(backups.list_backups(self.data_dir)), None)
        if newest is not None and (newest.path / "index.json").is_file():
            index_path.unlink()
        else:  # pragma: no cover - the backup above copied it
            os.replace(index_path, kept / "index.json.v1")
        self.migrated_from = 1

    # -- loading -----------------------------------------------------------------
    def _aside(self, path: Path, reason: str, kind: str, write: bool) -> Problem:
        """Note a damaged file; when writable, move it into ``damaged/`` (kept)."""
        problem = Problem(path, reason, kind=kind)
        if write and path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            target_dir = self.data_dir / "damaged" / stamp / path.parent.relative_to(
                self.data_dir)
            ensure_private_dir(target_dir)
            target = target_dir / path.name
            os.replace(path, target)
            problem.kept_at = target
        self.problems.append(problem)
        return problem

    def _aside_or_name(self, path: Path, reason: str, kind: str, write: bool = True
                       ) -> Problem:
        """``_aside``; when the file cannot be moved (``damaged/`` cannot be made: a
        full disk), it is named where it is."""
        try:
            return self._aside(path, reason, kind, write)
        except OSError:
            problem = Problem(path, reason, kind=kind)
            self.problems.append(problem)
            return problem

    def _load_all(self, write: bool, early_rows: int | None = None) -> None:
        layout = self._layout() if self.data_dir.is_dir() else LAYOUT_VERSION
        if layout < LAYOUT_VERSION:  # read-only on a folder not yet upgraded
            self._load_v1()
            return
        undo_profile = self._read_adding(write)
        self._load_cases(write)
        if not undo_profile:
            self._load_profile(write)
        if early_rows is not None and write and not undo_profile and not self._hidden_calls \
                and not self._hidden_cases:
            call_names = self._call_file_names()
            if self._load_early(early_rows, call_names):
                self._find_conflicts(call_names)
                self._find_kept_aside()
                self._name_missing_cases(set(self._early.per_case) if self._early else set())
                return
        months = self._load_index(write)
        self._finish_journal(write)
        call_names = self._call_file_names()
        self._check_files(write, call_names)
        if write and (self._hidden_cases or self._hidden_calls or undo_profile):
            self._finish_undo(months)
        self._find_conflicts(call_names)
        self._find_kept_aside()
        self._name_missing_cases({row.case_id for row in self._summaries.values()})

    def _name_missing_cases(self, case_ids: set[str]) -> None:
        for case_id in sorted(case_ids - self._cases.keys()):
            self.problems.append(Problem(
                self.cases_dir / f"{case_id}.json", "the case file is missing: its calls are "
                "listed without their case", kind="damaged"))

    def _load_early(self, early_rows: int, call_names: list[str]) -> bool:
        """A lazy open: every month's digest, and the rows of the newest months until
        there are ``early_rows`` of them. False (nothing kept) when anything needs the
        full read: a month without a digest or damaged, a call left live, an unfinished
        journal, or index and call files that disagree."""
        if (self.data_dir / "journal.json").exists() or not self.index_dir.is_dir():
            return False
        digests: dict[str, MonthDigest] = {}
        for name in os.listdir(self.index_dir):
            match = SHARD_NAME.fullmatch(name)
            if not match:
                continue
            digest = read_digest(self.index_dir / name)
            if match[1] == "undated" or digest is None or digest.live:
                return False
            digests[match[1]] = digest
        ids = {call_id for digest in digests.values() for call_id in digest.ids}
        if len(ids) != sum(len(digest.ids) for digest in digests.values()) \
                or ids != set(self._call_file_ids(call_names)):
            return False
        newest: list[str] = []
        count = 0
        for month in sorted(digests, reverse=True):
            if count >= early_rows:
                break
            newest.append(month)
            count += len(digests[month].ids)
        rows: list[CallSummary] = []
        for month in sorted(newest):
            try:
                read = read_shard(self.index_dir / f"calls-{month}.json")
            except StoreError:
                return False
            if not _agrees(read, month, digests[month]):
                return False
            rows += read
        try:
            early = EarlyIndex.from_digests([digests[month] for month in sorted(digests)],
                                            sorted(rows, key=_started))
        except StoreError:  # a digest not made by this version: read everything
            return False
        self._months_to_read = {month: digest for month, digest in digests.items()
                                if month not in newest}
        self._keep_rows(rows)
        self._early = early
        self._early_ids = ids
        if self._months_to_read:
            self._rows_ready.clear()
        return True

    def _read_later_months(self) -> list[str]:
        """The rows a lazy open left unread. Only this reads or changes the rows until
        it is done (every other reader waits), so it takes none of the rows' locks. A
        month that cannot be read, or that disagrees with its digest, is rebuilt from
        its call files and named; returns those months, to be written again."""
        rebuilt = []
        for month, digest in sorted(self._months_to_read.items()):
            path = self.index_dir / f"calls-{month}.json"
            try:
                rows = read_shard(path)
                fine = _agrees(rows, month, digest)
                reason = "its rows do not match the calls it lists"
            except StoreCorrupt as error:
                rows, fine, reason = [], False, error.reason
            except StoreError as error:
                rows, fine, reason = [], False, str(error)
            if not fine:
                rows = self._rebuild_month(path, digest.ids, reason)
            self._keep_rows(rows)
            if not fine:  # (a call may have moved to another month: written too)
                rebuilt += sorted({month} | {shard_key(row.started_at) for row in rows})
            os.sched_yield()  # let the screen run between months
        self._months_to_read = {}
        self._early_ids = set()
        return rebuilt

    def _keep_rows(self, rows: list[CallSummary]) -> None:
        """Rows a lazy open read, into the index (only its reading touches them then)."""
        for row in rows:
            self._rows[row.id] = row
            self._rows_by_month.setdefault(shard_key(row.started_at), set()).add(row.id)

    def _rebuild_month(self, path: Path, ids: list[str], reason: str) -> list[CallSummary]:
        """A month's rows read from its calls' files (the month file kept aside)."""
        self._aside_or_name(path, f"{reason}; rebuilt from the call files", "rebuilt")
        rows = []
        for call_id in ids:
            call_path = self._call_path(call_id)
            try:
                rows.append(read_call_file(call_path, call_id).summary_row())
            except StoreCorrupt as error:
                self._aside_or_name(call_path, error.reason, "damaged")
            except StoreError as error:
                self.problems.append(Problem(call_path, str(error), kind="missing"))
        return rows

    def _load_v1(self) -> None:
        path = self.data_dir / "index.json"
        data = read_json_file(path) or {}
        for doc in data.get("cases", {}).values():
            case = read_record(doc, Case, path)
            self._cases[case.id] = case
        for doc in data.get("calls", {}).values():
            self._add_row(read_record(doc, CallSummary, path))
        for doc in data.get("profile", {}).values():
            self._profile = read_record(doc, Profile, path)
        self._check_files(write=False)

    def _read_adding(self, write: bool) -> bool:
        """An adding cut short (``adding.json`` left by a kill or power cut during
        ``write_many``): its records are hidden from the loaders, and when writing their
        files are removed (they were all new), so the data is as it was before. True
        when the profile it wrote is to be undone too."""
        path = self.data_dir / ADDING
        try:
            doc = _one_doc(read_json_file(path), "adding", path)
        except StoreCorrupt as error:  # written atomically: only a damaged disk does this
            self._aside(path, f"{error.reason}; the records of the import it lists were kept",
                        "damaged", write)
            return False
        if doc is None:
            return False
        cases, calls = doc.get("cases"), doc.get("calls")
        self._hidden_cases = {i for i in cases if is_valid_id(i)} if isinstance(cases, list) \
            else set()
        self._hidden_calls = {i for i in calls if is_valid_id(i)} if isinstance(calls, list) \
            else set()
        undo_profile = doc.get("profile") is True
        if write:
            for case_id in self._hidden_cases:
                (self.cases_dir / f"{case_id}.json").unlink(missing_ok=True)
            for call_id in self._hidden_calls:
                self._call_path(call_id).unlink(missing_ok=True)
            if undo_profile:
                (self.data_dir / "profile.json").unlink(missing_ok=True)
        return undo_profile

    def _finish_undo(self, months: set[str]) -> None:
        """The index months that listed records of an adding cut short, written without
        them; then ``adding.json`` goes: the undoing is done."""
        for month in sorted(months):
            self._write_shard(month)
        fsync_dir(self.calls_dir)
        fsync_dir(self.cases_dir)
        (self.data_dir / ADDING).unlink(missing_ok=True)
        fsync_dir(self.data_dir)
        self.undone_records = len(self._hidden_cases) + len(self._hidden_calls)
        self._hidden_cases, self._hidden_calls = set(), set()
        if self.undone_records:
            self.problems.append(Problem(
                self.data_dir / ADDING,
                f"an import cut short (the app or the computer stopped) was undone: the "
                f"{self.undone_records} records it had written are removed and everything "
                "else is as it was; import the file again", kind="undone"))

    def _load_cases(self, write: bool) -> None:
        for path, case in case_files(self.cases_dir, self._hidden_cases):
            if isinstance(case, StoreCorrupt):
                self._aside(path, case.reason, "damaged", write)
                continue
            self._cases[case.id] = case

    def _load_profile(self, write: bool) -> None:
        path = self.data_dir / "profile.json"
        try:
            profile = read_profile_file(path)
            if profile is not None:
                self._profile = profile
        except StoreCorrupt as error:
            self._aside(path, error.reason, "damaged", write)

    def _load_index(self, write: bool) -> set[str]:
        """Read the index months; returns those that listed hidden calls (an adding cut
        short), to be written again without them."""
        hidden: set[str] = set()
        if not self.index_dir.is_dir():
            return hidden
        for name in sorted(os.listdir(self.index_dir)):
            match = SHARD_NAME.fullmatch(name)
            if not match:
                continue
            path = self.index_dir / name
            try:
                rows, digest = read_shard_and_digest(path)
            except StoreCorrupt as error:
                self._aside(path, f"{error.reason}; rebuilt from the call files", "rebuilt",
                            write)
                continue
            month = match[1]
            if write and digest is None:  # written before digests (or damaged)
                self._write_again([month])
            ids = self._months.setdefault(month, set())
            if self._hidden_calls:
                kept = [row for row in rows if row.id not in self._hidden_calls]
                if len(kept) != len(rows):
                    hidden.add(month)
                    rows = kept
            for row in rows:
                if row.id not in self._summaries and shard_key(row.started_at) == month:
                    self._summaries[row.id] = row
                    ids.add(row.id)
                elif shard_key(row.started_at) == month:
                    self._add_row(row)
            self._sorted = None
        self._row_changed(None)
        return hidden

    def _row_changed(self, call_id: str | None) -> None:
        """Note a change to one row (``None``: to any of them) for ``rows_changed_since``."""
        with self._log_lock:
            self._rows_version += 1
            if call_id is None:
                self._row_log, self._row_log_start = [], self._rows_version
                return
            self._row_log.append(call_id)
            if len(self._row_log) > ROW_LOG_KEPT:
                dropped = len(self._row_log) - ROW_LOG_KEPT // 2
                del self._row_log[:dropped]
                self._row_log_start += dropped

    def rows_changed_since(self, version: int) -> tuple[int, list[str] | None]:
        """(the rows' version now, ids of the rows changed since ``version``): what a
        view made from every row must look at again; ``None`` when it cannot be told
        (``version`` too old, or the rows were all read again): look at every row."""
        with self._log_lock:
            now = self._rows_version
            if version >= now:
                return now, []
            if version < self._row_log_start:
                return now, None
            return now, self._row_log[version - self._row_log_start:]

    def summary(self, call_id: str) -> CallSummary | None:
        """One call's index row, if it has one."""
        return self._summaries.get(call_id)

    def _add_row(self, row: CallSummary) -> None:
        with self._rows_lock:
            try:
                old = self._summaries.get(row.id)
                if old is not None:
                    self._months.get(shard_key(old.started_at), set()).discard(row.id)
                self._summaries[row.id] = row
                self._months.setdefault(shard_key(row.started_at), set()).add(row.id)
                ordered = self._sorted
                if ordered is not None and len(ordered) == len(self._summaries) - (old is None):
                    # Keep the order up to date (a dial or hang-up on a long history): one row out,
                    # one in, instead of sorting every row again.
                    if old is not None:
                        begin = bisect.bisect_left(ordered, old.started_at, key=_started)
                        end = bisect.bisect_right(ordered, old.started_at, key=_started)
                        place = next((i for i in range(begin, end) if ordered[i] is old), None)
                        if place is None:
                            self._sorted = None
                            return
                        del ordered[place]
                    bisect.insort_right(ordered, row, key=_started)
                else:
                    self._sorted = None
            finally:
                # Noted once the row is in: a reader on another thread that sees the
                # change also reads the new row (noted before, it could read the old one
                # and never look at that call again).
                self._row_changed(row.id)

    def _finish_journal(self, write: bool) -> None:
        """Rows whose writing was cut short: rebuilt from their call files."""
        path = self.data_dir / "journal.json"
        try:
            doc = _one_doc(read_json_file(path), "pending", path)
        except StoreCorrupt:
            doc = {"calls": list(self._summaries)}  # cannot tell which: check them all
        if doc is None:
            return
        months: set[str] = set()
        for call_id in doc.get("calls", []):
            if not is_valid_id(call_id) or call_id in self._hidden_calls \
                    or not self._call_path(call_id).exists():
                continue
            try:
                row = self.load_call(call_id).summary_row()
            except StoreCorrupt:
                continue
            old = self._summaries.get(call_id)
            if old is None or old.to_dict() != row.to_dict():
                self._add_row(row)
                months.add(shard_key(row.started_at))
                if old is not None:
                    months.add(shard_key(old.started_at))
        if write:
            for month in months:
                self._write_shard(month)
            path.unlink(missing_ok=True)

    def _call_file_names(self) -> list[str]:
        """Every name in ``calls/`` (listed once at open: 50,000 of them)."""
        listed, self._listed_calls = self._listed_calls, None
        if listed is not None:
            return listed
        return os.listdir(self.calls_dir) if self.calls_dir.is_dir() else []

    @staticmethod
    def _call_file_ids(names: list[str]) -> list[str]:
        """Ids of the call files named (names that are not ids are not ours: skipped)."""
        joined = "\n".join(names)
        if joined.count("\n") == len(names) - 1:  # no name holds a line break: one search
            return _CALL_FILE.findall(joined)
        found = []
        for name in names:
            stem, dot, ext = name.rpartition(".")
            if dot and ext == "json" and is_valid_id(stem):
                found.append(stem)
        return found

    def _check_files(self, write: bool, names: list[str] | None = None) -> None:
        """The index against the call files: files it does not know are indexed (read), rows
        whose file is gone are dropped and named."""
        on_disk = set(self._call_file_ids(self._call_file_names() if names is None else names)
                      ) - self._hidden_calls
        months: set[str] = set()
        for call_id in sorted(on_disk - self._summaries.keys()):
            path = self._call_path(call_id)
            try:
                row = read_call_file(path, call_id).summary_row()
            except StoreCorrupt as error:
                self._aside(path, error.reason, "damaged", write)
                continue
            self._add_row(row)
            months.add(shard_key(row.started_at))
        for call_id in sorted(self._summaries.keys() - on_disk):
            row = self._summaries.pop(call_id)
            self._row_changed(call_id)
            self._sorted = None
            month = shard_key(row.started_at)
            self._months.get(month, set()).discard(call_id)
            months.add(month)
            self.problems.append(Problem(self._call_path(call_id),
                                         f"the call file of {row.started_at[:10]} "
                                         f"({visible(row.organisation)}) is missing",
                                         kind="missing"))
        if write:
            for month in months:
                self._write_shard(month)

    def _find_kept_aside(self) -> None:
        """Call files kept aside in ``damaged/`` and not put back since (the restore was
        declined): named again at each open while a backup holds a good copy, so "not
        now" never becomes "never". Newest first; a call back in the index is skipped."""
        root = self.data_dir / "damaged"
        if not root.is_dir():
            return
        seen: set[str] = set()
        for kept in sorted(root.glob("*/calls/*.json"), reverse=True):
            call_id = kept.stem
            if not is_valid_id(call_id) or call_id in seen or self._has_row(call_id) \
                    or call_id in self._hidden_calls or self._call_path(call_id).exists():
                continue
            seen.add(call_id)
            stamp = kept.parent.parent.name  # 20261201T111058Z
            problem = Problem(self._call_path(call_id), "found damaged on "
                              f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} and kept aside; not put "
                              "back yet", kept_at=kept, kind="missing")
            if self._good_copy(problem) is not None:
                self.problems.append(problem)

    def _has_row(self, call_id: str) -> bool:
        """Does the index list the call (without waiting for a lazy open's rows)?"""
        return call_id in (self._rows if self._rows_ready.is_set() else self._early_ids)

    def _find_conflicts(self, call_names: list[str] | None = None) -> None:
        """Second versions a sync tool left: named, never read as data."""
        listed = {self.calls_dir: call_names} if call_names is not None else None
        self.problems += conflict_problems((self.data_dir, self.cases_dir, self.calls_dir),
                                           listed)

    def _recover(self) -> None:
        """Finish calls left live by a crash or kill."""
        for call_id, row in list(self._summaries.items()):
            if not row.is_live:
                continue
            try:
                call = read_call_file(self._call_path(call_id), call_id)
            except StoreCorrupt as error:
                self._aside(self._call_path(call_id), error.reason, "damaged", True)
                continue
            if call.is_live:
                recover_interrupted(call)
                self._write_call(call.id, call.to_dict())
                self.recovered_calls.append(call.id)
            self._add_row(call.summary_row())
            self._write_shard(shard_key(call.started_at))

    def close(self) -> None:
        """Write everything still queued, stop the writer, release the lock."""
        if self.read_only:
            return
        self._finish_before_change()
        self.flush()
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._backup_thread is not None:
            self._backup_thread.join(timeout=60)
        self._release_lock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- backups --------------------------------------------------------------------
    def backup_now(self, reason: str = "manual") -> backups.BackupInfo:
        """A backup of the data files now (``OSError`` if it cannot be made)."""
        self.flush()
        return backups.take_backup(self.data_dir, reason, len(self._cases),
                                   len(self._summaries))

    def backup_in_background(self, reason: str) -> None:
        if self.read_only or self._adding or (self._backup_thread and
                                              self._backup_thread.is_alive()):
            return

        def run() -> None:
            try:
                backups.take_backup(self.data_dir, reason, len(self._cases),
                                    self.call_count())  # (a lazy open's rows: not read)
                self.backup_error = None
            except OSError as error:
                self.backup_error = f"backup failed: {error.strerror or error}"

        self._backup_thread = threading.Thread(target=run, name="htl-backup", daemon=True)
        self._backup_thread.start()

    def wait_for_backup(self, timeout: float = 60.0) -> None:
        if self._backup_thread is not None:
            self._backup_thread.join(timeout)

    def restorable(self) -> list[Problem]:
        """Damaged files with a good copy in a backup (none when read-only: nothing can
        be put back)."""
        if self.read_only:
            return []
        return [p for p in self.problems if p.kind in ("damaged", "missing")
                and not p.restored_from
                and self._good_copy(p) is not None]

    def _good_copy(self, problem: Problem) -> tuple[backups.BackupInfo, bytes] | None:
        table = {"cases": "case", "calls": "call"}.get(problem.path.parent.name, "profile")
        expected = problem.path.stem if table in ("case", "call") else None

        def readable(raw: bytes) -> bool:
            kind = {"case": Case, "call": Call, "profile": Profile}[table]
            try:
                doc = _one_doc(msgspec.json.decode(raw), table, problem.path)
                record = read_record(doc, kind, problem.path)  # type: ignore[arg-type]
            except (StoreError, msgspec.DecodeError, AttributeError):
                return False
            return expected is None or getattr(record, "id", None) == expected

        return backups.good_copy(self.data_dir, problem.relative, readable)

    def restore_damaged(self) -> list[str]:
        """Put back every damaged file from the newest backup with a good copy of it
        (nothing else changes); returns what was restored, described."""
        if self.read_only:
            raise StoreError("this data is open read-only")
        self._finish_before_change()
        self.flush()
        done: list[str] = []
        with self._db_lock:
            for problem in self.restorable():
                found = self._good_copy(problem)
                if found is None:
                    continue
                backup, raw = found
                from tui.store.atomic import atomic_write

                atomic_write(problem.path, raw)
                problem.restored_from = backup.name
                if problem.path.parent == self.cases_dir:
                    case = read_case_file(problem.path)
                    self._cases[case.id] = case
                elif problem.path.parent == self.calls_dir:
                    self._unreadable_calls.discard(problem.path.stem)
                    call = self.load_call(problem.path.stem)
                    self._add_row(call.summary_row())
                    self._write_shard(shard_key(call.started_at))
                else:
                    self._load_profile(write=False)
                done.append(f"{problem.relative} from the backup of {backup.created_at}")
        return done

    def restore_backup(self, chosen: backups.BackupInfo) -> backups.BackupInfo:
        """Make the data what ``chosen`` holds; the data as it is now is backed up first
        (returned). Indexes are rebuilt from the restored files."""
        if self.read_only:
            raise StoreError("this data is open read-only")
        self._finish_before_change()
        before = self.backup_now("before-restore")
        with self._db_lock:
            backups.restore_files(self.data_dir, chosen)
            ensure_private_dir(self.index_dir)
            with self._jobs_lock:
                self._cases, self._rows, self._rows_by_month = {}, {}, {}
                self._rows_sorted, self._revs, self._latest_calls = None, {}, {}
                self._months_to_read, self._early, self._early_ids = {}, None, set()
                self._rows_ready.set()  # read in full below, from the restored files
                self._row_changed(None)
            self._profile = Profile()
            self.problems = []
            self._unreadable_calls = set()
            if self._layout() < LAYOUT_VERSION:
                self._migrate_v1()
            self._load_all(write=True)
        return before

    # -- the background writer -------------------------------------------
    def _enqueue(self, job: _Job) -> None:
        if self.read_only:
            raise StoreError("this data is open read-only")
        with self._jobs_lock:
            self._jobs.pop(job.key, None)  # newest version of this item wins
            self._jobs[job.key] = job
            if self._pending_since is None:
                self._pending_since = time.monotonic()
        self._wake.set()

    def _writer(self) -> None:
        last_backup_check = time.monotonic()
        while True:
            woke = self._wake.wait(LOCK_CHECK_SECONDS)
            now = time.monotonic()
            if now - self._last_lock_check >= LOCK_CHECK_SECONDS:
                self._last_lock_check = now
                self.check_lock()
            if now - last_backup_check > 3600:
                last_backup_check = now
                if backups.due(self.data_dir):
                    self.backup_in_background("daily")
            if not woke:
                continue
            if not self._stopping:
                time.sleep(DEBOUNCE_SECONDS)
            with self._jobs_lock:
                with self._log_lock:
                    rebuilt, self._months_to_write = self._months_to_write, set()
                for month in sorted(rebuilt):
                    self._jobs.setdefault(f"month:{month}", _Job("month", f"month:{month}",
                                                                 month))
                jobs, self._jobs = self._jobs, {}
                batch_since, self._pending_since = self._pending_since, None
                self._inflight_since = batch_since
                self._wake.clear()
                self._busy = bool(jobs)
                if not jobs and self._stopping:
                    self._idle.notify_all()
                    return
            failed = self._write_batch(list(jobs.values()))
            with self._jobs_lock:
                for job in failed:
                    self._jobs.setdefault(job.key, job)
                if failed and batch_since is not None:
                    newer = self._pending_since
                    self._pending_since = batch_since if newer is None else min(newer, batch_since)
                if not failed:
                    self._error = None
                    self._last_saved = time.monotonic()
                self._busy = False
                self._inflight_since = None
                if self._jobs:
                    if not failed:
                        self._wake.set()
                else:
                    self._idle.notify_all()
            if failed:
                if self._stopping and self._lock_lost:
                    with self._jobs_lock:
                        self._idle.notify_all()
                    return
                time.sleep(RETRY_SECONDS)
                self._wake.set()

    def _write_batch(self, jobs: list[_Job]) -> list[_Job]:
        """Write one batch: journal, documents, index months, journal gone. Returns the jobs
        not written (all of them from the first failure on)."""
        if not self.check_lock():
            return jobs
        rows = [job for job in jobs if job.kind == "row"]
        order = {"call": 0, "case": 0, "profile": 0, "row": 1, "month": 1}
        jobs = sorted(jobs, key=lambda job: order[job.kind])
        done = 0
        try:
            with self._db_lock:
                if rows:
                    self._write_doc(self.data_dir / "journal.json", "pending",
                                    {"calls": [job.key.split(":", 1)[1] for job in rows]},
                                    rev=False)
                months: set[str] = set()
                for job in jobs:
                    if job.kind == "call":
                        self._write_call(job.key.split(":", 1)[1], job.doc)
                    elif job.kind == "case":
                        self._write_doc(self.cases_dir / f"{check_id(job.doc['id'], 'case')}"
                                        ".json", "case", job.doc)
                    elif job.kind == "profile":
                        self._write_doc(self.data_dir / "profile.json", "profile", job.doc)
                    else:
                        months.add(job.doc)
                    if job.kind not in ("row", "month"):
                        done += 1
                for month in sorted(months):
                    self._write_shard(month)
                if rows:
                    (self.data_dir / "journal.json").unlink(missing_ok=True)
        except Exception as error:  # disk full, I/O error: keep and retry
            self._error = getattr(error, "strerror", None) or str(error)
            return jobs[done:]
        return []

    def _write_doc(self, path: Path, table: str, doc: dict[str, Any], rev: bool = True) -> None:
        if rev:
            relative = str(path.relative_to(self.data_dir))
            current = self._revs.get(relative)
            if current is None:
                current = self._rev_on_disk(path, table)
            doc = dict(doc)
            doc[REV] = current + 1
            AtomicJSONStorage.write_bytes(path, encode_file(table, [doc]))
            self._revs[relative] = current + 1
        else:
            AtomicJSONStorage.write_bytes(path, encode_file(table, [doc]))

    def _rev_on_disk(self, path: Path, table: str) -> int:
        try:
            data = _REVS.decode(path.read_bytes())
            value = next(iter(data.get(table, {}).values()), {}).get(REV, 0)
            return value if isinstance(value, int) else 0
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return 0

    def _write_call(self, call_id: str, doc: dict[str, Any]) -> None:
        self._write_doc(self._call_path(call_id), "call", doc)

    def _write_shard_file(self, month: str, rows: list[CallSummary], bulk: bool = False) -> None:
        rows = sorted(rows, key=lambda row: (row.started_at, row.id))
        path = self.index_dir / f"calls-{month}.json"
        digest = make_digest(rows, datetime.now(UTC).date())
        # The digest first: a lazy open reads only the start of the file.
        encoded = _ENCODER.encode({
            DIGEST_TABLE: {"1": digest},
            "calls": {str(n): row for n, row in enumerate(rows, start=1)}})
        if bulk:  # the caller syncs once for many files
            write_new_file(path, encoded)
        else:
            AtomicJSONStorage.write_bytes(path, encoded)

    def _write_shard(self, month: str, bulk: bool = False) -> None:
        self.finish_loading()
        with self._jobs_lock:
            rows = [self._summaries[i] for i in self._months.get(month, ()) if i in
                    self._summaries]
        if not rows:
            (self.index_dir / f"calls-{month}.json").unlink(missing_ok=True)
            return
        self._write_shard_file(month, rows, bulk)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is on disk; False on timeout or error."""
        if self.read_only or self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        with self._jobs_lock:
            while self._jobs or self._busy or self._months_to_write:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.set()
                self._idle.wait(min(left, 0.05))
        return self._error is None

    @property
    def status(self) -> SaveStatus:
        with self._jobs_lock:
            pending = bool(self._jobs) or self._busy
            times = [t for t in (self._inflight_since, self._pending_since) if t is not None]
            since = min(times) if pending and times else None
        return SaveStatus(pending, self._error, self._last_saved, since)

    def unsaved(self) -> list[str]:
        """What is not on disk yet, described for the user."""
        with self._jobs_lock:
            jobs = list(self._jobs.values())
        return sorted({job.describe for job in jobs if job.describe})

    def save_unsaved_to(self, path: Path) -> int:
        """Write every record not yet on disk into one JSON file at ``path`` (elsewhere: a
        disk that has room), 0600; returns how many records. ``OSError`` if it cannot."""
        with self._jobs_lock:
            jobs = [job for job in self._jobs.values() if job.kind not in ("row", "month")]
        docs = {"format": "holdtheline-unsaved", "saved_at":
                datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "records": [{"kind": job.kind, "doc": job.doc} for job in jobs]}
        from tui.store.atomic import atomic_write

        atomic_write(path, _ENCODER.encode(docs))
        return len(jobs)

    # -- paths ---------------------------------------------------------------
    def _call_path(self, call_id: str) -> Path:
        return self.calls_dir / f"{check_id(call_id)}.json"

    # -- the caller's profile -------------------------------------------------
    def get_profile(self) -> Profile:
        """Who is asking (empty until the user fills it in)."""
        return self._profile

    def save_profile(self, profile: Profile) -> None:
        doc = profile.to_dict()
        self._profile = Profile.from_dict(doc)
        self._enqueue(_Job("profile", "profile", doc, "your details"))

    # -- cases ------------------------------------------------------------
    def list_cases(self) -> list[Case]:
        """All cases, newest first."""
        return sorted(self._cases.values(), key=lambda c: c.created_at, reverse=True)

    def get_case(self, case_id: str) -> Case | None:
        return self._cases.get(case_id)

    def find_case(self, text: str) -> Case | None:
        """A case by id, or by title ignoring case and surrounding spaces."""
        wanted = text.strip().casefold()
        if text in self._cases:
            return self._cases[text]
        for case in self.list_cases():
            if case.title.strip().casefold() == wanted:
                return case
        return None

    def save_case(self, case: Case) -> None:
        """Keep a copy of ``case`` and queue it for writing."""
        check_id(case.id, "case")
        doc = case.to_dict()
        self._cases[case.id] = Case.from_dict(doc)
        self._enqueue(_Job("case", f"case:{case.id}", doc,
                           f"case '{visible(case.title)[:40]}'"))

    # -- calls ------------------------------------------------------------
    def call_summaries(self, case_id: str | None = None) -> list[CallSummary]:
        """Summary rows, oldest first."""
        self.finish_loading()
        with self._rows_lock:
            ordered = self._sorted
            if ordered is None:
                ordered = sorted(self._summaries.values(), key=lambda row: row.started_at)
                self._sorted = ordered
            if case_id is None:
                return list(ordered)
            return [row for row in ordered if row.case_id == case_id]

    def iter_summaries(self, case_ids: Collection[str] | None = None) -> Iterator[CallSummary]:
        """Summary rows, oldest first (only those of ``case_ids`` if given): the reading
        API of :class:`tui.store.reader.StoreReader`, which reads them as they are used."""
        for row in self.call_summaries():
            if case_ids is None or row.case_id in case_ids:
                yield row

    def call_count(self) -> int:
        """How many calls the index lists (known at once, even before a lazy open has
        read every row)."""
        early = self._early
        if not self._rows_ready.is_set() and early is not None:
            return early.count
        return len(self._summaries)

    def has_call(self, call_id: str) -> bool:
        return call_id in self._summaries

    def load_call(self, call_id: str) -> Call:
        """The full call, a fresh copy: the newest version saved, even if not yet on disk.

        A call file found damaged or gone here (after the open, which compares the index
        with the files' names only) is dealt with as the open would have: named in
        ``problems`` (so a restore is offered), moved into ``damaged/`` and its row
        dropped when writable; then ``StoreCorrupt`` (damaged) or ``StoreError`` (gone)."""
        path = self._call_path(call_id)
        latest = self._latest_calls.get(call_id)
        if latest is not None:
            return Call.from_dict(latest)
        try:
            return read_call_file(path, call_id)
        except StoreError:
            if call_id in self._unreadable_calls or call_id not in self._summaries:
                raise
        return self._call_unreadable(call_id)

    def _call_unreadable(self, call_id: str) -> Call:
        """A call whose file could not be read: read again under the lock (a restore may
        have just put it back), and if it still cannot be, name it once and, when
        writable, keep it aside and drop its row (written by the writer), so the index
        agrees with the files and a restore puts both back. Raises what the read did."""
        path = self._call_path(call_id)
        with self._db_lock:
            try:
                return read_call_file(path, call_id)
            except StoreCorrupt as error:
                reason, kind, corrupt = error.reason, "damaged", True
            except StoreError:
                if path.exists() or call_id not in self._summaries:
                    raise
                reason, kind, corrupt = "the call file is gone", "missing", False
            row = self._summaries.get(call_id)
            if call_id in self._unreadable_calls or row is None:
                raise StoreCorrupt(path, reason) if corrupt else StoreError(reason)
            self._unreadable_calls.add(call_id)
            organisation = visible(row.organisation)
            if len(organisation) > 60:  # a long name cut visibly, not mid-word in silence
                organisation = organisation[:59] + "…"
            named = f"{reason}: the call of {row.started_at[:10]} ({organisation})"
            problem = self._aside_or_name(path, named, kind, not self.read_only)
            if problem.kept_at is not None or not corrupt:  # its file is not there
                self._drop_row(row)
        if corrupt:
            raise StoreCorrupt(path, reason, problem.kept_at)
        raise StoreError(f"call {call_id} has no file at {path}")

    def _drop_row(self, row: CallSummary) -> None:
        """Take a row out of the index (its file is gone or kept aside), on disk too."""
        if self.read_only:
            return
        self.finish_loading()
        with self._jobs_lock, self._rows_lock:
            self._summaries.pop(row.id, None)
            self._months.get(shard_key(row.started_at), set()).discard(row.id)
            self._sorted = None
            self._row_changed(row.id)
        self._enqueue(_Job("row", f"row:{row.id}", shard_key(row.started_at)))

    def readable_calls(self, rows: Iterable[CallSummary]) -> Iterator[Call]:
        """The full calls of ``rows`` in their order, skipping any whose file is found
        damaged or gone (named in ``problems``: see :meth:`load_call`).

        In a worker, the interpreter is offered to the screen after each call (a cheap
        ``sched_yield``; ``time.sleep(0)`` made the reading 2.5 times slower here), so a
        key typed meanwhile does not wait for the reader's turn to end: with the rep
        hints reading 12,833 calls, the event loop's p99 lag went from 15-31 ms to
        5-11 ms, the reading taking as long."""
        in_worker = threading.current_thread() is not threading.main_thread()
        for row in rows:
            try:
                yield self.load_call(row.id)
            except StoreError:
                if row.id not in self._unreadable_calls:
                    raise
            if in_worker:
                os.sched_yield()  # lets go of the interpreter: a waiting screen takes it

    def has_same_call(self, call: Call) -> bool:
        """Is ``call`` here exactly as it is (every field)? Its file's bytes are compared
        with ``call`` encoded, so an import of calls already here decodes none of them;
        a file written otherwise (an older version) is read and compared field by field."""
        if call.id not in self._summaries:
            return False
        if call.id not in self._latest_calls:
            try:
                raw = self._call_path(call.id).read_bytes()
            except OSError:
                raw = b""
            head = _record_head("call", call)
            if raw.startswith(head) and raw.endswith(b"}}}") and \
                    raw[len(head):-3].isdigit():
                return True
        return self.load_call(call.id) == call  # every field, as to_dict() compares them

    def iter_calls(self, case_id: str | None = None) -> Iterator[Call]:
        """Full calls, oldest first (a damaged call file is skipped and named: see
        :meth:`readable_calls`)."""
        return self.readable_calls(self.call_summaries(case_id))

    def save_call(self, call: Call, *, index: bool = False) -> None:
        """Queue the call's file for writing; ``index`` also refreshes its row."""
        check_id(call.id)
        check_id(call.case_id, "case")
        self.finish_loading()  # before any lock: reading them takes none
        doc = call.to_dict()
        self._latest_calls[call.id] = doc
        what = f"call with {visible(call.organisation)[:40]} of {call.started_at[:16]}"
        self._enqueue(_Job("call", f"call:{call.id}", doc, what))
        if index or call.id not in self._summaries:
            row = call.summary_row()
            with self._jobs_lock:
                self._add_row(row)
            self._enqueue(_Job("row", f"row:{call.id}", shard_key(row.started_at)))

    def write_many(self, cases: Iterable[Case], calls: Iterable[Call],
                   progress: Callable[[int], None] | None = None, *,
                   case_ids: Sequence[str] | None = None,
                   call_ids: Sequence[str] | None = None,
                   profile: Profile | None = None) -> None:
        """Add many new records at once (the demo, benchmarks, import), all or nothing.

        ``cases`` and ``calls`` may be read one at a time (an import streams them from
        its file, never holding them all): then ``case_ids`` and ``call_ids`` say which
        ids they will bring, in any order. ``profile``: the caller's details, added with
        them (only where there are none yet).

        Every id is checked first: records whose ids are already here are refused
        before anything is written. Then ``adding.json`` lists the ids (written and
        synced before any record), the files are written without an fsync each, then
        the index months, one ``os.sync``, and ``adding.json`` is removed: that is the
        commit. A failure here removes what was written (:meth:`_undo_many`); a kill or
        power cut part-way leaves ``adding.json``, and the next open removes the files
        it names, so the store is as it was before either way.
        """
        if self.read_only:
            raise StoreError("this data is open read-only")
        self.finish_loading()
        if case_ids is None:
            cases = list(cases)
            case_ids = [case.id for case in cases]
        if call_ids is None:
            calls = list(calls)
            call_ids = [call.id for call in calls]
        for case_id in case_ids:
            if check_id(case_id, "case") in self._cases:
                raise StoreError(f"case {case_id} is already here")
        for call_id in call_ids:
            if check_id(call_id) in self._summaries:
                raise StoreError(f"call {call_id} is already here")
        if profile is not None and not self._profile.empty:
            raise StoreError("your details are already here")
        expected_cases, expected_calls = set(case_ids), set(call_ids)
        if len(expected_cases) != len(case_ids) or len(expected_calls) != len(call_ids):
            raise StoreError("an id appears more than once")
        if not expected_cases and not expected_calls and profile is None:
            return
        self.flush()
        self._adding = True
        self.wait_for_backup()
        added: dict[str, Case] = {}
        wrote_profile = False
        written: list[str] = []
        """Calls whose files were written here."""
        rows: list[CallSummary] = []
        try:
            with self._db_lock:
                self._write_doc(self.data_dir / ADDING, "adding", {
                    "cases": list(case_ids), "calls": list(call_ids),
                    "profile": profile is not None}, rev=False)
                for case in cases:
                    if case.id not in expected_cases or case.id in added:
                        raise StoreError(f"case {case.id} was not expected here")
                    write_new_file(self.cases_dir / f"{case.id}.json",
                                   encode_record("case", case, 1))
                    added[case.id] = case.copy()
                for number, call in enumerate(calls):
                    if call.id not in expected_calls:
                        raise StoreError(f"call {call.id} was not expected here")
                    check_id(call.case_id, "case")
                    write_new_file(self.calls_dir / f"{call.id}.json",
                                   encode_record("call", call, 1))
                    written.append(call.id)
                    expected_calls.discard(call.id)
                    rows.append(call.summary_row())
                    if progress is not None and number % 1000 == 0:
                        progress(number)
                if len(added) != len(expected_cases) or expected_calls:
                    raise StoreError("fewer records came than were announced")
                if profile is not None:  # replaces an empty one, if any
                    wrote_profile = True
                    write_new_file(self.data_dir / "profile.json",
                                   encode_record("profile", profile, 1))
                months: set[str] = set()
                with self._jobs_lock:
                    for row in rows:
                        self._add_row(row)
                        months.add(shard_key(row.started_at))
                for month in sorted(months):
                    self._write_shard(month, bulk=True)
                if hasattr(os, "sync"):
                    os.sync()
                (self.data_dir / ADDING).unlink()
                fsync_dir(self.data_dir)
        except BaseException:
            self._undo_many(list(added), written, rows, wrote_profile)
            raise
        finally:
            self._adding = False
        self._cases.update(added)
        if profile is not None:
            self._profile = Profile.from_dict(profile.to_dict())
            self._revs["profile.json"] = 1

    def _undo_many(self, cases: list[str], calls: list[str], rows: list[CallSummary],
                   profile: bool) -> None:
        """Remove what a failed ``write_many`` wrote; ``adding.json`` goes once all of it
        is gone, else the next open finishes the job."""
        months: set[str] = set()
        self.finish_loading()
        with self._jobs_lock:
            for row in rows:
                if self._summaries.pop(row.id, None) is not None:
                    self._row_changed(row.id)
                    month = shard_key(row.started_at)
                    self._months.get(month, set()).discard(row.id)
                    months.add(month)
            self._sorted = None
        paths = [self.cases_dir / f"{case_id}.json" for case_id in cases]
        paths += [self.calls_dir / f"{call_id}.json" for call_id in calls]
        if profile:
            paths.append(self.data_dir / "profile.json")
        try:
            for path in paths:
                path.unlink(missing_ok=True)
            for month in months:
                self._write_shard(month)
            (self.data_dir / ADDING).unlink(missing_ok=True)
        except OSError:
            pass

    # -- sync conflicts ----------------------------------------------------------
    def conflicts(self) -> list[Problem]:
        return [p for p in self.problems if p.kind == "conflict"]

    def resolve_conflict(self, conflict_path: Path, keep: str) -> str:
        """``keep`` ``mine``: the conflict copy is moved into ``damaged/`` (kept);
        ``theirs``: it replaces the original, whose copy is moved aside. Returns what was
        done."""
        original = _original_of(conflict_path)
        if original is None:
            raise StoreError(f"cannot tell which file {conflict_path.name} is a copy of")
        self._finish_before_change()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.data_dir / "damaged" / stamp
        ensure_private_dir(aside)
        if keep == "theirs":
            if original.exists():
                shutil.move(str(original), aside / original.name)
            os.replace(conflict_path, original)
            result = f"{original.name}: the other computer's version kept"
            if original.parent == self.calls_dir and is_valid_id(original.stem):
                self._latest_calls.pop(original.stem, None)
                try:  # its row from the version kept (the rep hints key on the row)
                    row = read_call_file(original, original.stem).summary_row()
                except StoreError:
                    row = None  # damaged: named when it is read
                if row is not None and not self.read_only:
                    with self._jobs_lock:
                        self._add_row(row)
                    self._enqueue(_Job("row", f"row:{row.id}", shard_key(row.started_at)))
        else:
            shutil.move(str(conflict_path), aside / conflict_path.name)
            result = f"{original.name}: your version kept"
        with self._db_lock:  # a worker may be naming a damaged call meanwhile
            self.problems = [p for p in self.problems if p.path != conflict_path]
        return result + f"; the other version is in {aside}"


def _original_of(path: Path) -> Path | None:
    """``x.sync-conflict-2026…-ABC.json`` / ``x (conflicted copy 2026…).json`` → ``x.json``."""
    name = path.name
    for pattern in (r"\.sync-conflict-[^.]*", r" \(conflicted copy[^)]*\)",
                    r" \(Case Conflict[^)]*\)"):
        stripped = re.sub(pattern, "", name)
        if stripped != name:
            return path.with_name(stripped)
    stripped = re.sub(r"\.conflict\d*$", "", name)
    return path.with_name(stripped) if stripped != name else None


