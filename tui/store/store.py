"""The store API: the only code that touches TinyDB.

Layout of the data directory (0700, every file 0600):

    lock                 held while an app has the data open (single writer)
    index.json           TinyDB: ``cases`` (case documents) and ``calls``
                         (one summary row per call, for lists)
    calls/<call-id>.json TinyDB: table ``call`` holding one call document

A save during a live call rewrites only that call's file, so its cost does
not grow with the history. Saves are queued and written by one background
thread within a fraction of a second; readers get the in-memory state and
never wait on the disk.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document

from tui.domain.live import recover_interrupted
from tui.domain.model import (
    SCHEMA_VERSION,
    Call,
    CallSummary,
    Case,
    RecordError,
    decode,
    is_valid_id,
)
from tui.domain.text import visible
from tui.store.atomic import ensure_private_dir, sweep_temp_files, write_new_file
from tui.store.storage import AtomicJSONStorage, StoreCorrupt, StoreError, read_json_file

try:  # pragma: no cover - always present on POSIX
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

DEBOUNCE_SECONDS = 0.15
"""How long the writer waits for more keystrokes before writing."""
RETRY_SECONDS = 0.5
"""Pause after a failed write (disk full, I/O error) before trying again."""


class StoreLocked(StoreError):
    """Another copy of the app has this data open."""


def migrate_document(doc: Any, path: Path) -> dict[str, Any]:
    """Bring a stored document up to the current schema, or refuse a newer one."""
    if not isinstance(doc, dict):
        raise StoreCorrupt(path, "a document is not a JSON object")
    version = doc.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreCorrupt(path, f"bad schema_version {visible(repr(version))[:40]}")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Hold the Line (schema {version}); "
            "upgrade the app to open it"
        )
    migrated: dict[str, Any] = dict(doc)
    # 1 → 2: calls gained ``gaps`` and hold segments ``id`` and ``revisions``; all have
    # defaults (empty; a hold's id is its place in the call), so nothing to rewrite here.
    migrated["schema_version"] = SCHEMA_VERSION
    return migrated


K = TypeVar("K", Call, Case, CallSummary)


def read_record(doc: Any, kind: type[K], path: Path) -> K:
    """A stored document as a typed record; ``StoreCorrupt`` naming the file and field."""
    try:
        return decode(migrate_document(doc, path), kind)
    except RecordError as error:
        raise StoreCorrupt(path, str(error)) from None


def check_id(value: str, what: str = "call") -> str:
    """``value`` if it is an id the app made; ``StoreError`` otherwise (ids name files)."""
    if not is_valid_id(value):
        raise StoreError(f"'{visible(str(value))[:60]}' is not a valid {what} id")
    return value


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


class Store:
    """Cases and calls on disk, behind a small typed API.

    Records handed out are the store's own: treat them as read-only and save a
    changed copy (``record.copy()``) instead.
    """

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self.calls_dir = self.data_dir / "calls"
        self._lock_fd: int | None = None
        self._db_lock = threading.RLock()
        self._jobs_lock = threading.Lock()
        self._jobs: dict[str, Callable[[], None]] = {}
        self._wake = threading.Event()
        self._idle = threading.Condition(self._jobs_lock)
        self._busy = False
        self._stopping = False
        self._error: str | None = None
        self._last_saved: float | None = None
        self._pending_since: float | None = None
        self._inflight_since: float | None = None
        self._call_dbs: dict[str, TinyDB] = {}
        self._cases: dict[str, Case] = {}
        self._summaries: dict[str, CallSummary] = {}
        self._index: TinyDB | None = None
        self._doc_ids: dict[str, dict[str, int]] = {}
        self._latest_calls: dict[str, dict[str, Any]] = {}
        self._thread: threading.Thread | None = None
        self.swept_temp_files = 0
        self.recovered_calls: list[str] = []

    # -- opening and closing ----------------------------------------------
    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False) -> Store:
        """Open (creating if needed) the data directory."""
        store = cls(data_dir, read_only=read_only)
        store._open()
        return store

    def _open(self) -> None:
        if self.read_only:
            self._load_index_readonly()
            return
        try:
            ensure_private_dir(self.data_dir)
            ensure_private_dir(self.calls_dir)
        except OSError as error:
            raise StoreError(f"cannot use {self.data_dir}: {error.strerror}") from error
        self._take_lock()
        try:
            self.swept_temp_files = sweep_temp_files(self.data_dir)
            self._index = TinyDB(self.data_dir / "index.json", storage=AtomicJSONStorage)
            self._load_index()
            self._recover()
        except BaseException:
            self._release_lock()
            raise
        self._thread = threading.Thread(target=self._writer, name="htl-writer", daemon=True)
        self._thread.start()

    def _take_lock(self) -> None:
        path = self.data_dir / "lock"
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
                raise StoreLocked(
                    f"another Hold the Line window is using {self.data_dir}; "
                    "switch to it, or quit it first"
                ) from None
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _index_tables(self, data: dict[str, Any]) -> None:
        """Cases and call rows from the index's tables, every field checked."""
        path = self.data_dir / "index.json"
        for doc_id, doc in data.get("cases", {}).items():
            case = read_record(doc, Case, path)
            self._cases[case.id] = case
            self._doc_ids.setdefault("cases", {})[case.id] = int(doc_id)
        for doc_id, doc in data.get("calls", {}).items():
            row = read_record(doc, CallSummary, path)
            self._summaries[row.id] = row
            self._doc_ids.setdefault("calls", {})[row.id] = int(doc_id)

    def _load_index_readonly(self) -> None:
        self._index_tables(read_json_file(self.data_dir / "index.json") or {})
        self._add_unindexed_calls(write=False)

    def _load_index(self) -> None:
        assert self._index is not None
        self._index_tables(self._index.storage.read() or {})

    def _call_file_ids(self) -> list[str]:
        """Ids of the call files on disk (names that are not ids are not ours: skipped)."""
        if not self.calls_dir.is_dir():
            return []
        found = []
        for name in os.listdir(self.calls_dir):
            stem, dot, ext = name.rpartition(".")
            if dot and ext == "json" and is_valid_id(stem):
                found.append(stem)
        return found

    def _add_unindexed_calls(self, write: bool) -> None:
        """Call files the index does not know (a crash between two writes)."""
        for call_id in self._call_file_ids():
            if call_id in self._summaries:
                continue
            row = self.load_call(call_id).summary_row()
            self._summaries[call_id] = row
            if write:
                self._write_summary(row)

    def _recover(self) -> None:
        """Finish calls left live by a crash or kill, and re-index stray files."""
        self._add_unindexed_calls(write=True)
        for call_id, row in list(self._summaries.items()):
            if not row.is_live:
                continue
            call = self.load_call(call_id)
            if call.is_live:
                recover_interrupted(call)
                self._write_call(call.id, call.to_dict())
                self.recovered_calls.append(call.id)
            self._summaries[call.id] = call.summary_row()
            self._write_summary(call.summary_row())

    def close(self) -> None:
        """Write everything still queued, stop the writer, release the lock."""
        if self.read_only:
            return
        self.flush()
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        with self._db_lock:
            for db in self._call_dbs.values():
                db.close()
            self._call_dbs.clear()
            if self._index is not None:
                self._index.close()
        self._release_lock()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the background writer -------------------------------------------
    def _enqueue(self, key: str, job: Callable[[], None]) -> None:
        if self.read_only:
            raise StoreError("this data is open read-only")
        with self._jobs_lock:
            self._jobs.pop(key, None)  # newest version of this item wins
            self._jobs[key] = job
            if self._pending_since is None:
                self._pending_since = time.monotonic()
        self._wake.set()

    def _writer(self) -> None:
        while True:
            self._wake.wait()
            if not self._stopping:
                time.sleep(DEBOUNCE_SECONDS)
            with self._jobs_lock:
                jobs, self._jobs = self._jobs, {}
                batch_since, self._pending_since = self._pending_since, None
                self._inflight_since = batch_since
                self._wake.clear()
                self._busy = bool(jobs)
                if not jobs and self._stopping:
                    self._idle.notify_all()
                    return
            failed: dict[str, Callable[[], None]] = {}
            for key, job in jobs.items():
                try:
                    with self._db_lock:
                        job()
                except Exception as error:  # disk full, I/O error: keep and retry
                    failed[key] = job
                    self._error = getattr(error, "strerror", None) or str(error)
            with self._jobs_lock:
                for key, job in failed.items():
                    self._jobs.setdefault(key, job)
                if failed and batch_since is not None:
                    newer = self._pending_since
                    self._pending_since = batch_since if newer is None else min(newer, batch_since)
                if not failed:
                    self._error = None
                    self._last_saved = time.monotonic()
                self._busy = False
                self._inflight_since = None
                if self._jobs:
                    self._wake.set()
                else:
                    self._idle.notify_all()
            if failed:
                time.sleep(RETRY_SECONDS)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is on disk; False on timeout or error."""
        if self.read_only or self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        with self._jobs_lock:
            while self._jobs or self._busy:
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

    # -- disk writes (writer thread, under _db_lock) --------------------------
    def _call_path(self, call_id: str) -> Path:
        return self.calls_dir / f"{check_id(call_id)}.json"

    def _call_db(self, call_id: str) -> TinyDB:
        db = self._call_dbs.get(call_id)
        if db is None:
            db = TinyDB(self._call_path(call_id), storage=AtomicJSONStorage)
            self._call_dbs[call_id] = db
        return db

    def _write_call(self, call_id: str, doc: dict[str, Any]) -> None:
        table = self._call_db(call_id).table("call")
        if len(table):
            table.update(doc, doc_ids=[1])
        else:
            table.insert(Document(doc, doc_id=1))

    def _write_row(self, table_name: str, doc: dict[str, Any]) -> None:
        """Insert or update one index row by id: exactly one write of index.json."""
        assert self._index is not None
        doc_ids = self._doc_ids.setdefault(table_name, {})
        table = self._index.table(table_name)
        doc_id = doc_ids.get(doc["id"])
        if doc_id is None:
            doc_ids[doc["id"]] = table.insert(doc)
        else:
            table.update(doc, doc_ids=[doc_id])

    def _write_summary(self, row: CallSummary) -> None:
        self._write_row("calls", row.to_dict())

    def _write_case(self, doc: dict[str, Any]) -> None:
        self._write_row("cases", doc)

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
        self._enqueue(f"case:{case.id}", lambda: self._write_case(doc))

    # -- calls ------------------------------------------------------------
    def call_summaries(self, case_id: str | None = None) -> list[CallSummary]:
        """Summary rows, oldest first."""
        rows = [
            row
            for row in self._summaries.values()
            if case_id is None or row.case_id == case_id
        ]
        return sorted(rows, key=lambda row: row.started_at)

    def has_call(self, call_id: str) -> bool:
        return call_id in self._summaries

    def load_call(self, call_id: str) -> Call:
        """The full call, a fresh copy: the newest version saved, even if not yet on disk."""
        path = self._call_path(call_id)
        latest = self._latest_calls.get(call_id)
        if latest is not None:
            return Call.from_dict(latest)
        with self._db_lock:
            db = self._call_dbs.get(call_id)
            data = db.storage.read() if db is not None else read_json_file(path)
        if data is None:
            raise StoreError(f"call {call_id} has no file at {path}")
        docs = list(data.get("call", {}).values())
        if len(docs) != 1:
            raise StoreCorrupt(path, "expected exactly one call document")
        call = read_record(docs[0], Call, path)
        if call.id != call_id:
            raise StoreCorrupt(path, f"it holds call {call.id}, not {call_id}")
        return call

    def iter_calls(self, case_id: str | None = None) -> Iterator[Call]:
        """Full calls, oldest first."""
        for row in self.call_summaries(case_id):
            yield self.load_call(row.id)

    def save_call(self, call: Call, *, index: bool = False) -> None:
        """Queue the call's file for writing; ``index`` also refreshes its row."""
        check_id(call.id)
        check_id(call.case_id, "case")
        doc = call.to_dict()
        self._latest_calls[call.id] = doc
        self._enqueue(f"call:{call.id}", lambda: self._write_call(call.id, doc))
        if index or call.id not in self._summaries:
            row = call.summary_row()
            self._summaries[call.id] = row
            self._enqueue(f"row:{call.id}", lambda: self._write_summary(row))

    def write_many(self, cases: list[Case], calls: list[Call]) -> None:
        """Add many new records at once (the demo, benchmarks, import): one index write.

        Call files are written without an fsync each; one ``os.sync`` runs before
        the index is replaced atomically, so a crash leaves either no index entry
        or a complete file (and unindexed files are picked up on the next open).
        Records whose ids are already here are refused.
        """
        if self.read_only:
            raise StoreError("this data is open read-only")
        for case in cases:
            if check_id(case.id, "case") in self._cases:
                raise StoreError(f"case {case.id} is already here")
        for call in calls:
            if check_id(call.id) in self._summaries:
                raise StoreError(f"call {call.id} is already here")
            check_id(call.case_id, "case")
        self.flush()
        assert self._index is not None
        with self._db_lock:
            for call in calls:
                data = {"call": {"1": call.to_dict()}}
                write_new_file(self._call_path(call.id), AtomicJSONStorage.encode(data))
            if calls and hasattr(os, "sync"):
                os.sync()
            rows = [call.summary_row() for call in calls]
            tables = self._index.storage.read() or {}
            for name, records in (("cases", [case.to_dict() for case in cases]),
                                  ("calls", [row.to_dict() for row in rows])):
                table = dict(tables.get(name, {}))
                doc_ids = self._doc_ids.setdefault(name, {})
                next_id = max((int(key) for key in table), default=0) + 1
                for record in records:
                    table[str(next_id)] = record
                    doc_ids[record["id"]] = next_id
                    next_id += 1
                tables[name] = table
            self._index.storage.write(tables)
            # A fresh TinyDB over the new file: its tables learn the new document ids.
            self._index.close()
            self._index = TinyDB(self.data_dir / "index.json", storage=AtomicJSONStorage)
        for case in cases:
            self._cases[case.id] = case.copy()
        for row in rows:
            self._summaries[row.id] = row
