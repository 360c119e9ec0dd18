"""The store: atomic, private, strict about damage, single writer, fast to save."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.store import Store, StoreCorrupt, StoreError, StoreLocked
from tui.store import store as store_module
from tui.store.atomic import atomic_write


def new_call(store: Store, clock: FrozenClock, title: str = "Coverage restricted") -> LiveCall:
    case = Case.create(title, "2026-11-24T14:00:00+00:00")
    store.save_case(case)
    live = LiveCall.start(clock, case.id, "Massachusetts Health Connector")
    store.save_call(live.call)
    return live


def stored_call(data_dir: Path, call_id: str) -> dict:
    raw = json.loads((data_dir / "calls" / f"{call_id}.json").read_text("utf-8"))
    return raw["call"]["1"]


def test_every_edit_reaches_disk_within_a_second(store: Store, clock: FrozenClock,
                                                  data_dir: Path) -> None:
    live = new_call(store, clock)
    live.call.draft_note = "Dana said the payment posted"
    began = time.monotonic()
    store.save_call(live.call)
    while time.monotonic() - began < 1.0:
        path = data_dir / "calls" / f"{live.call.id}.json"
        if path.exists() and stored_call(data_dir, live.call.id)["draft_note"].startswith("Dana"):
            break
        time.sleep(0.02)
    assert stored_call(data_dir, live.call.id)["draft_note"] == "Dana said the payment posted"
    assert time.monotonic() - began < 1.0


def test_save_call_does_not_wait_for_the_disk(store: Store, clock: FrozenClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    live = new_call(store, clock)
    store.flush()
    slow_write = store_module.Store._write_call

    def slow(self: Store, call_id: str, doc: dict) -> None:
        time.sleep(0.5)
        slow_write(self, call_id, doc)

    monkeypatch.setattr(store_module.Store, "_write_call", slow)
    began = time.monotonic()
    live.call.draft_note = "x"
    store.save_call(live.call)
    assert time.monotonic() - began < 0.05
    assert store.status.pending
    assert store.flush()
    assert not store.status.pending


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
    assert any(p.name == "index.json" for p in paths)
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
def test_damaged_index_is_refused_and_kept(data_dir: Path, kind: str) -> None:
    with Store.open(data_dir) as opened:
        new_call(opened, FrozenClock())
    index = data_dir / "index.json"
    index.write_bytes(CORRUPTIONS[kind])
    with pytest.raises(StoreCorrupt, match="damaged"):
        Store.open(data_dir)
    assert index.read_bytes() == CORRUPTIONS[kind]
    # The lock is released after the refusal.
    with pytest.raises(StoreCorrupt):
        Store.open(data_dir)


def test_damaged_call_file_is_reported_not_replaced(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        live = new_call(opened, FrozenClock())
    path = data_dir / "calls" / f"{live.call.id}.json"
    path.write_bytes(b'{"call": {"1": {"id"')
    with pytest.raises(StoreCorrupt, match=live.call.id):
        Store.open(data_dir)  # the call is live, so recovery must read it
    assert path.read_bytes() == b'{"call": {"1": {"id"'


def test_newer_schema_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir) as opened:
        new_call(opened, FrozenClock())
    index = data_dir / "index.json"
    data = json.loads(index.read_text())
    data["cases"]["1"]["schema_version"] = 99
    index.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="newer"):
        Store.open(data_dir)


def test_disk_full_is_retried_and_reported(store: Store, clock: FrozenClock, data_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    live = new_call(store, clock)
    assert store.flush()
    failures = {"left": 2}
    real = store_module.Store._write_call

    def flaky(self: Store, call_id: str, doc: dict) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, call_id, doc)

    monkeypatch.setattr(store_module, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr(store_module.Store, "_write_call", flaky)
    live.call.draft_note = "must survive a full disk"
    store.save_call(live.call)
    deadline = time.monotonic() + 2
    seen_error = None
    while time.monotonic() < deadline and failures["left"]:
        seen_error = store.status.error or seen_error
        time.sleep(0.01)
    assert seen_error == "No space left on device"
    assert store.flush(timeout=3)
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
    before = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*.json")}
    time.sleep(0.01)
    current.call.draft_note = "typing"
    store.save_call(current.call)
    assert store.flush()
    changed = [p.name for p in data_dir.rglob("*.json") if p.stat().st_mtime_ns != before[p]]
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
    live = new_call(store, clock)
    assert store.flush()
    status = store.status
    assert not status.pending and not status.overdue(time.monotonic())
    slow_write = store_module.Store._write_call

    def slow(self: Store, call_id: str, doc: dict) -> None:
        time.sleep(1.3)
        slow_write(self, call_id, doc)

    monkeypatch.setattr(store_module.Store, "_write_call", slow)
    live.call.draft_note = "slow disk"
    store.save_call(live.call)
    assert not store.status.overdue(time.monotonic())
    time.sleep(1.1)
    assert store.status.overdue(time.monotonic())
    assert store.flush()
    assert store.status.pending_since is None
