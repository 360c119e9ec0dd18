"""The store: atomic, private, strict about damage, single writer, fast to save."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.store import Store, StoreError, StoreLocked
from tui.store import store as store_module
from tui.store.atomic import atomic_write

TIMEOUT = 30.0
"""Generous bound for anything awaited here: a busy machine is slow, not wrong."""


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)


def new_call(store: Store, clock: FrozenClock, title: str = "Coverage restricted") -> LiveCall:
    case = Case.create(title, "2026-11-24T14:00:00+00:00")
    store.save_case(case)
    live = LiveCall.start(clock, case.id, "Massachusetts Health Connector")
    store.save_call(live.call)
    return live


def stored_call(data_dir: Path, call_id: str) -> dict:
    raw = json.loads((data_dir / "calls" / f"{call_id}.json").read_text("utf-8"))
    return raw["call"]["1"]


def test_every_edit_reaches_disk_by_itself(store: Store, clock: FrozenClock,
                                           data_dir: Path) -> None:
    """No flush, no close: the background writer puts the edit on disk on its own.

    How soon is a matter for bench/save_cost.py; here only that it happens (with a
    generous bound, so a busy machine cannot fail it) and that the writer's wait
    for more keystrokes is well inside the one-second promise.
    """
    assert store_module.DEBOUNCE_SECONDS < 0.5
    live = new_call(store, clock)
    live.call.draft_note = "Dana said the payment posted"
    store.save_call(live.call)
    path = data_dir / "calls" / f"{live.call.id}.json"

    def on_disk() -> bool:
        try:
            return stored_call(data_dir, live.call.id)["draft_note"] == live.call.draft_note
        except (OSError, ValueError, KeyError):  # not written yet
            return False

    wait_until(on_disk, what=f"the draft note in {path}")


def test_save_call_does_not_wait_for_the_disk(store: Store, clock: FrozenClock,
                                               data_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """save_call returns while the disk write is still blocked in the writer thread."""
    live = new_call(store, clock)
    assert store.flush()
    caller = threading.current_thread()
    writing, release = threading.Event(), threading.Event()
    real_write = store_module.Store._write_call

    def blocked(self: Store, call_id: str, doc: dict) -> None:
        if threading.current_thread() is caller:
            raise AssertionError("save_call wrote to disk on the caller's thread")
        writing.set()
        release.wait(TIMEOUT)
        real_write(self, call_id, doc)

    monkeypatch.setattr(store_module.Store, "_write_call", blocked)
    try:
        live.call.draft_note = "x"
        store.save_call(live.call)  # returns although the write cannot finish
        assert writing.wait(TIMEOUT), "the writer thread never started the write"
        assert store.status.pending
        assert stored_call(data_dir, live.call.id)["draft_note"] == ""
    finally:
        release.set()
    assert store.flush(timeout=TIMEOUT)
    assert not store.status.pending
    assert stored_call(data_dir, live.call.id)["draft_note"] == "x"


@pytest.mark.parametrize("umask", [0o000, 0o002, 0o022])
def test_private_modes_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        data_dir = tmp_path / f"d{umask}"
        with Store.open(data_dir) as opened:
            new_call(opened, FrozenClock())
    finally:
        os.umask(old)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    paths = list(data_dir.rglob("*"))
    assert any(p.name.startswith("calls-") for p in paths)  # an index month
    for path in paths:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_reopen_keeps_everything_including_unicode(data_dir: Path) -> None:
    clock = FrozenClock()
    text = "José Ñúñez said «تم الدفع» 👍 [bold]literal[/bold] \\x1b"
    with Store.open(data_dir) as opened:
        live = new_call(opened, clock, title="Coût ☂")
        live.enter_line(text)
        live.end("resolved", "fixed")
        opened.save_call(live.call, index=True)
    with Store.open(data_dir) as reopened:
        (case,) = reopened.list_cases()
        assert case.title == "Coût ☂"
        (call,) = reopened.iter_calls()
        assert call.notes[0].text == text
        assert call.outcome == "resolved"
        assert reopened.call_summaries()[0].status == "ended"


def test_second_copy_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir):
        with pytest.raises(StoreLocked, match="another Hold the Line window"):
            Store.open(data_dir)
        # Reading (export) is still allowed while the app is open.
        Store.open(data_dir, read_only=True)


def test_live_call_left_by_a_kill_is_recovered_as_interrupted(data_dir: Path) -> None:
    clock = FrozenClock()
    opened = Store.open(data_dir)
    live = new_call(opened, clock)
    clock.advance(42)
    live.call.draft_note = "half typed"
    opened.save_call(live.call)
    live.touch()
    opened.save_call(live.call)
    assert opened.flush()
    # Simulate a kill: no close(), drop the lock the way the OS would.
    opened._release_lock()
    with Store.open(data_dir) as reopened:
        assert reopened.recovered_calls == [live.call.id]
        call = reopened.load_call(live.call.id)
        assert call.outcome == "interrupted"
        assert call.notes[-1].text == "half typed"
        assert call.duration_seconds == 42
        assert reopened.call_summaries()[0].outcome == "interrupted"


def test_temp_files_left_by_a_crash_are_swept(data_dir: Path) -> None:
    with Store.open(data_dir):
        pass
    (data_dir / ".htl-abc.tmp").write_text("partial")
    (data_dir / "calls" / ".htl-def.tmp").write_text("partial")
    with Store.open(data_dir) as reopened:
        assert reopened.swept_temp_files == 2
    assert not list(data_dir.rglob("*.tmp"))


CORRUPTIONS = {
    "empty": b"",
    "nul-filled": b"\x00" * 64,
    "truncated": b'{"cases": {"1": {"id": "case-1", "tit',
    "trailing garbage": b'{"cases": {}, "calls": {}}garbage',
    "wrong top-level type": b"[1, 2, 3]",
    "not utf-8": b'{"cases": {"1": {"title": "\xff\xfe"}}}',
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_damaged_index_is_kept_aside_and_rebuilt(data_dir: Path, kind: str) -> None:
    with Store.open(data_dir) as opened:
        live = new_call(opened, FrozenClock())
    (index,) = (data_dir / "index").iterdir()
    index.write_bytes(CORRUPTIONS[kind])
    with Store.open(data_dir) as reopened:
        assert reopened.has_call(live.call.id)  # rebuilt from the call file
        (problem,) = reopened.problems
        assert problem.kind == "rebuilt" and problem.kept_at is not None
        assert problem.kept_at.read_bytes() == CORRUPTIONS[kind]  # kept, never deleted
    assert json.loads(index.read_text())["calls"]["1"]["id"] == live.call.id


def test_damaged_call_file_is_named_kept_aside_and_nothing_else_lost(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        live = new_call(opened, FrozenClock())
        other = new_call(opened, FrozenClock(), title="Other")
    path = data_dir / "calls" / f"{live.call.id}.json"
    path.write_bytes(b'{"call": {"1": {"id"')
    with Store.open(data_dir) as reopened:  # the call is live, so recovery reads it
        (problem,) = reopened.problems
        assert problem.kind == "damaged" and live.call.id in problem.describe()
        assert problem.kept_at is not None
        assert problem.kept_at.read_bytes() == b'{"call": {"1": {"id"'
        assert reopened.has_call(other.call.id)
        assert reopened.get_case(other.call.case_id) is not None


def test_newer_schema_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        live = new_call(opened, FrozenClock())
    path = data_dir / "calls" / f"{live.call.id}.json"
    data = json.loads(path.read_text())
    data["call"]["1"]["schema_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer"):
        Store.open(data_dir)


def test_disk_full_is_retried_and_reported(store: Store, clock: FrozenClock, data_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    live = new_call(store, clock)
    assert store.flush()
    failures = {"left": 2}
    error_seen = threading.Event()
    real = store_module.Store._write_call

    def flaky(self: Store, call_id: str, doc: dict) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        # The retry that succeeds waits until the test has seen the error, so
        # the error cannot come and go between two looks at the status.
        error_seen.wait(TIMEOUT)
        real(self, call_id, doc)

    monkeypatch.setattr(store_module, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr(store_module.Store, "_write_call", flaky)
    live.call.draft_note = "must survive a full disk"
    store.save_call(live.call)
    try:
        wait_until(lambda: store.status.error is not None, what="the error in the status")
        assert store.status.error == "No space left on device"
        assert store.status.pending
    finally:
        error_seen.set()
    assert store.flush(timeout=TIMEOUT)
    assert failures["left"] == 0
    assert stored_call(data_dir, live.call.id)["draft_note"] == "must survive a full disk"
    assert store.status.error is None


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b'{"old": true}')

    def boom(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b'{"new": true}')
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_a_save_rewrites_only_the_live_call(store: Store, clock: FrozenClock,
                                            data_dir: Path) -> None:
    for number in range(5):
        live = new_call(store, clock, title=f"case {number}")
        live.end("resolved")
        store.save_call(live.call, index=True)
    current = new_call(store, clock, title="current")
    assert store.flush()

    def identity(path: Path) -> tuple[int, int]:
        # An atomic write renames a new file over the old one: while both exist
        # they have different inodes, so a rewritten file always has a new one
        # (and no wait for the clock to tick over the mtime resolution is needed).
        info = path.stat()
        return info.st_ino, info.st_mtime_ns

    before = {p: identity(p) for p in data_dir.rglob("*.json")}
    current.call.draft_note = "typing"
    store.save_call(current.call)
    assert store.flush()
    after = {p: identity(p) for p in data_dir.rglob("*.json")}
    assert sorted(after) == sorted(before)
    changed = [p.name for p in after if after[p] != before[p]]
    assert changed == [f"{current.call.id}.json"]


def test_store_and_domain_do_not_import_textual() -> None:
    code = (
        "import sys, tui.store, tui.domain, tui.domain.live, tui.playbooks, tui.export;"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_saved_indicator_only_worries_after_a_second(store: Store, clock: FrozenClock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The status dates the oldest unsaved edit; "overdue" means older than a second.

    No stopwatch: the write is held with an Event, and ``overdue`` is asked about
    moments relative to the recorded time.
    """
    live = new_call(store, clock)
    assert store.flush()
    status = store.status
    assert not status.pending and status.pending_since is None
    assert not status.overdue(time.monotonic() + 3600)  # nothing pending: never overdue
    writing, release = threading.Event(), threading.Event()
    real_write = store_module.Store._write_call

    def blocked(self: Store, call_id: str, doc: dict) -> None:
        writing.set()
        release.wait(TIMEOUT)
        real_write(self, call_id, doc)

    monkeypatch.setattr(store_module.Store, "_write_call", blocked)
    try:
        before = time.monotonic()
        live.call.draft_note = "slow disk"
        store.save_call(live.call)
        after = time.monotonic()
        assert writing.wait(TIMEOUT)
        live.call.draft_note = "slow disk, more"
        store.save_call(live.call)  # a newer edit does not make the oldest one younger
        status = store.status
        assert status.pending
        since = status.pending_since
        assert since is not None and before <= since <= after
        assert not status.overdue(since + 0.9)
        assert status.overdue(since + 1.1)
    finally:
        release.set()
    assert store.flush(timeout=TIMEOUT)
    assert store.status.pending_since is None
    assert not store.status.overdue(time.monotonic() + 3600)


