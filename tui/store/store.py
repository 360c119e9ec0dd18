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

import copy
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from tui.domain.live import recover_interrupted
from tui.domain.model import SCHEMA_VERSION, Call, Case
from tui.store.atomic import ensure_private_dir, sweep_temp_files
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


def migrate_document(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """Bring a stored document up to the current schema, or refuse a newer one."""
    version = doc.get("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise StoreCorrupt(path, f"bad schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer Hold the Line (schema {version}); "
            "upgrade the app to open it"
        )
    doc["schema_version"] = SCHEMA_VERSION
    return doc


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
    """Cases and calls on disk, behind a small API."""

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
        self._summaries: dict[str, dict[str, Any]] = {}
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

    def _load_index_readonly(self) -> None:
        path = self.data_dir / "index.json"
        data = read_json_file(path) or {}
        for doc in data.get("cases", {}).values():
            case = Case.from_dict(migrate_document(dict(doc), path))
            self._cases[case.id] = case
        for doc in data.get("calls", {}).values():
            row = migrate_document(dict(doc), path)
            self._summaries[row["id"]] = row
        self._add_unindexed_calls(write=False)

    def _load_index(self) -> None:
        assert self._index is not None
        path = self.data_dir / "index.json"
        for doc in self._index.table("cases").all():
            case = Case.from_dict(migrate_document(dict(doc), path))
            self._cases[case.id] = case
            self._doc_ids.setdefault("cases", {})[case.id] = doc.doc_id
        for doc in self._index.table("calls").all():
            row = migrate_document(dict(doc), path)
            self._summaries[row["id"]] = row
            self._doc_ids.setdefault("calls", {})[row["id"]] = doc.doc_id

    def _add_unindexed_calls(self, write: bool) -> None:
        """Call files the index does not know (a crash between two writes)."""
        if not self.calls_dir.is_dir():
            return
        for name in os.listdir(self.calls_dir):
            if not name.endswith(".json") or name.startswith("."):
                continue
            call_id = name[: -len(".json")]
            if call_id in self._summaries:
                continue
            call = self.load_call(call_id)
            self._summaries[call.id] = call.summary_row()
            if write:
                self._write_summary(call.summary_row())

    def _recover(self) -> None:
        """Finish calls left live by a crash or kill, and re-index stray files."""
        self._add_unindexed_calls(write=True)
        for call_id, row in list(self._summaries.items()):
            if row.get("status") != "live":
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
    def _call_db(self, call_id: str) -> TinyDB:
        db = self._call_dbs.get(call_id)
        if db is None:
            db = TinyDB(self.calls_dir / f"{call_id}.json", storage=AtomicJSONStorage)
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

    def _write_summary(self, row: dict[str, Any]) -> None:
        self._write_row("calls", row)

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
        self._cases[case.id] = case
        doc = case.to_dict()
        self._enqueue(f"case:{case.id}", lambda: self._write_case(doc))

    # -- calls ------------------------------------------------------------
    def call_summaries(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """Summary rows, oldest first."""
        rows = [
            row
            for row in self._summaries.values()
            if case_id is None or row.get("case_id") == case_id
        ]
        return sorted(rows, key=lambda row: row.get("started_at", ""))

    def load_call(self, call_id: str) -> Call:
        """The full call: the newest version saved, even if still on its way to disk."""
        latest = self._latest_calls.get(call_id)
        if latest is not None:
            return Call.from_dict(copy.deepcopy(latest))
        path = self.calls_dir / f"{call_id}.json"
        with self._db_lock:
            db = self._call_dbs.get(call_id)
            data = db.storage.read() if db is not None else read_json_file(path)
        if data is None:
            raise StoreError(f"call {call_id} has no file at {path}")
        docs = list(data.get("call", {}).values())
        if len(docs) != 1 or not isinstance(docs[0], dict):
            raise StoreCorrupt(path, "expected exactly one call document")
        return Call.from_dict(migrate_document(dict(docs[0]), path))

    def iter_calls(self, case_id: str | None = None) -> Iterator[Call]:
        """Full calls, oldest first."""
        for row in self.call_summaries(case_id):
            yield self.load_call(row["id"])

    def set_promise_done(self, call_id: str, index: int, done: bool) -> Call:
        """Mark a follow-up (a promise with a due date) done or not done."""
        call = self.load_call(call_id)
        call.promises[index].done = done
        self.save_call(call, index=True)
        return call

    def save_call(self, call: Call, *, index: bool = False) -> None:
        """Queue the call's file for writing; ``index`` also refreshes its row."""
        doc = call.to_dict()
        self._latest_calls[call.id] = doc
        self._enqueue(f"call:{call.id}", lambda: self._write_call(call.id, doc))
        if index or call.id not in self._summaries:
            row = call.summary_row()
            self._summaries[call.id] = row
            self._enqueue(f"row:{call.id}", lambda: self._write_summary(row))
