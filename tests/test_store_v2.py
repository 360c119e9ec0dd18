"""Store v2: migration, indexes rebuilt after their loss, backups and restore, the
damaged-file flow, the lock removed while running, import all or nothing, sync conflicts,
and quitting while the disk is full."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.demo import synthetic
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Call, Case
from tui.export.json_export import EXPORT_FORMAT
from tui.service import Service, ServiceError
from tui.store import Store, StoreLocked
from tui.store import backup as backups
from tui.store import store as store_module
from tui.store.storage import AtomicJSONStorage


def _snapshot(store: Store) -> tuple[list[dict], list[dict], dict]:
    return ([c.to_dict() for c in sorted(store.list_cases(), key=lambda c: c.id)],
            [r.to_dict() for r in store.call_summaries()],
            store.get_profile().to_dict())


def _filled(data_dir: Path, calls: int = 12) -> tuple[list[Case], list[Call]]:
    cases, made = synthetic.history(calls, seed=5)
    with Store.open(data_dir) as store:
        store.write_many(cases, made)
    return cases, made


def _v1_folder(data_dir: Path, cases: list[Case], calls: list[Call]) -> None:
    """A data folder as version 1 wrote it: one index.json, calls/<id>.json."""
    (data_dir / "calls").mkdir(parents=True, mode=0o700)
    os.chmod(data_dir, 0o700)
    tables = {"cases": {str(n): c.to_dict() for n, c in enumerate(cases, start=1)},
              "calls": {str(n): c.summary_row().to_dict() for n, c in enumerate(calls, start=1)},
              "profile": {"1": {"name": "Ana Reyes", "schema_version": 3, "type": "profile"}}}
    AtomicJSONStorage.write_bytes(data_dir / "index.json", AtomicJSONStorage.encode(tables))
    for call in calls:
        AtomicJSONStorage.write_bytes(data_dir / "calls" / f"{call.id}.json",
                                      AtomicJSONStorage.encode({"call": {"1": call.to_dict()}}))


# -- (a) migration and rebuilding -------------------------------------------------------
def test_a_version_1_folder_is_migrated_after_a_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cases, calls = synthetic.history(15, seed=2)
    _v1_folder(data, cases, calls)
    with Store.open(data) as store:
        assert store.migrated_from == 1
        assert {c.id for c in store.list_cases()} == {c.id for c in cases}
        assert len(store.call_summaries()) == len(calls)
        assert store.get_profile().name == "Ana Reyes"
        assert store.load_call(calls[3].id).to_dict() == calls[3].to_dict()
    assert not (data / "index.json").exists()
    assert len(list((data / "cases").iterdir())) == len(cases)
    assert json.loads((data / "layout.json").read_text())["layout"]["1"]["version"] == 2
    (kept,) = [b for b in backups.list_backups(data) if b.reason == "before-migration"]
    assert (kept.path / "index.json").is_file()  # the old layout, exactly
    assert len(list((kept.path / "calls").iterdir())) == len(calls)


def test_migration_cut_short_runs_again(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    cases, calls = synthetic.history(8, seed=2)
    _v1_folder(data, cases, calls)

    def boom(self: Store) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(store_module.Store, "_write_layout", boom)
    with pytest.raises(OSError):
        Store.open(data)
    assert (data / "index.json").exists()  # nothing lost, still version 1
    monkeypatch.undo()
    with Store.open(data) as store:
        assert len(store.call_summaries()) == len(calls) and len(store.list_cases()) == len(cases)


@pytest.mark.parametrize("lost", ["the whole index folder", "one month", "every month"])
def test_every_index_is_rebuilt_after_its_loss(tmp_path: Path, lost: str) -> None:
    data = tmp_path / "data"
    _filled(data, 40)
    with Store.open(data, read_only=True) as store:
        before = _snapshot(store)
    months = sorted((data / "index").iterdir())
    assert len(months) > 1
    if lost == "the whole index folder":
        shutil.rmtree(data / "index")
    elif lost == "one month":
        months[0].unlink()
    else:
        for path in months:
            path.unlink()
    with Store.open(data) as store:
        assert _snapshot(store) == before
        assert not [p for p in store.problems if p.kind != "rebuilt"]
    assert sorted(p.name for p in (data / "index").iterdir()) == [p.name for p in months]


def test_an_index_row_that_contradicts_its_call_file_is_rebuilt(tmp_path: Path) -> None:
    """A kill between writing a call file and its index month: the journal names the
    call, and the next open takes the call file's word."""
    data = tmp_path / "data"
    _, calls = _filled(data, 10)
    target = calls[4]
    (month,) = [p for p in (data / "index").iterdir() if p.name[6:13] == target.started_at[:7]]
    doc = json.loads(month.read_text())
    row = next(r for r in doc["calls"].values() if r["id"] == target.id)
    row["outcome"], row["summary"] = "escalated", "stale"
    month.write_text(json.dumps(doc))
    AtomicJSONStorage.write_bytes(data / "journal.json",
                                  b'{"pending": {"1": {"calls": ["' + target.id.encode() + b'"]}}}')
    with Store.open(data) as store:
        fixed = next(r for r in store.call_summaries() if r.id == target.id)
        assert fixed.to_dict() == target.summary_row().to_dict()
    assert not (data / "journal.json").exists()


def test_calls_whose_case_file_is_lost_are_named_and_the_case_restorable(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    cases, calls = _filled(data, 10)
    with Store.open(data) as store:
        store.backup_now("manual")
    lost = data / "cases" / f"{calls[0].case_id}.json"
    lost.unlink()
    with Store.open(data) as store:
        service = Service(store)
        (problem,) = service.restorable()
        assert problem.path == lost and "missing" in problem.reason
        assert store.get_case(calls[0].case_id) is None
        done = service.restore_damaged()
        assert len(done) == 1 and lost.name in done[0]
        assert store.get_case(calls[0].case_id) is not None
    with Store.open(data) as store:
        assert store.get_case(calls[0].case_id) is not None and not store.problems


# -- (b) backups, restore, the damaged-file flow ------------------------------------------
def test_backup_list_and_restore_from_the_command_line(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _filled(data, 6)
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    with Store.open(data, read_only=True) as store:
        before = _snapshot(store)
    extra_cases, extra_calls = synthetic.history(5, seed=9)
    with Store.open(data, backup=False) as store:
        store.write_many(extra_cases, extra_calls)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "backup", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1 case, 6 calls" in listed or "6 calls" in listed
    assert main(["--data-dir", str(data), "backup", "restore", "1"]) == 0
    out = capsys.readouterr().out
    assert "Restored the backup" in out
    with Store.open(data, read_only=True) as store:
        assert _snapshot(store) == before
    (safety,) = [b for b in backups.list_backups(data) if b.reason == "before-restore"]
    assert safety.calls == 11  # what was there before the restore is kept


def test_rotation_keeps_the_newest_and_never_drops_the_fullest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _filled(data, 3)
    full = backups.take_backup(data, "manual", cases=10, calls=5000)
    for _ in range(backups.KEEP + 3):
        backups.take_backup(data, "open", cases=1, calls=1)
    names = [b.name for b in backups.list_backups(data)]
    assert len(names) == backups.KEEP + 1 and full.name in names


def test_backup_files_are_private_and_unchanged_files_are_linked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, calls = _filled(data, 4)
    first = backups.take_backup(data, "manual", 1, 4)
    second = backups.take_backup(data, "manual", 1, 4)
    name = f"calls/{calls[0].id}.json"
    assert (first.path / name).stat().st_ino == (second.path / name).stat().st_ino
    assert (first.path / name).stat().st_ino != (data / name).stat().st_ino  # never the live
    for path in second.path.rglob("*"):
        assert (path.stat().st_mode & 0o777) == (0o700 if path.is_dir() else 0o600), path


async def test_a_damaged_call_file_is_offered_back_in_one_key(tmp_path: Path) -> None:
    from tui.app import HoldTheLineApp
    from tui.screens.storage import RestoreDialog

    data = tmp_path / "data"
    _, calls = _filled(data, 5)
    with Store.open(data) as store:
        store.backup_now("manual")
    damaged = data / "calls" / f"{calls[2].id}.json"
    good = damaged.read_bytes()
    damaged.write_bytes(b"\x00" * 40)
    store = Store.open(data)
    try:
        # An ended call's file is read when needed (found damaged then, as here by hand);
        # at open only live and unindexed ones are read (the next test).
        app = HoldTheLineApp(Service(store))
        store.problems.append(store_module.Problem(damaged, "not valid JSON"))
        async with app.run_test() as pilot:
            await pilot.pause()
            assert isinstance(app.screen, RestoreDialog)
            await pilot.press("r")
            await pilot.pause()
            assert not isinstance(app.screen, RestoreDialog)
        assert damaged.read_bytes() == good
        assert store.load_call(calls[2].id).to_dict() == calls[2].to_dict()
    finally:
        store.close()


def test_damaged_file_found_at_open_is_kept_aside_then_restored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, calls = _filled(data, 5)
    with Store.open(data) as store:
        store.backup_now("manual")
    damaged = data / "calls" / f"{calls[1].id}.json"
    damaged.write_bytes(b'{"call": {"1": {"id": 7}}}')
    shutil.rmtree(data / "index")  # the open has to read every call file
    with Store.open(data) as store:
        (problem,) = [p for p in store.problems if p.kind == "damaged"]
        assert problem.kept_at is not None and problem.kept_at.read_bytes().startswith(b'{"call"')
        assert not store.has_call(calls[1].id)
        assert len(store.call_summaries()) == 4  # nothing else lost
        assert Service(store).restore_damaged()
        assert store.load_call(calls[1].id).to_dict() == calls[1].to_dict()
        assert store.has_call(calls[1].id)


# -- (d) single writer, disk full ----------------------------------------------------------
def test_lock_file_removed_while_running_is_taken_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as first:
        (data / "lock").unlink()
        assert first.check_lock()  # the writer does this every second and before writing
        assert (data / "lock").exists()
        with pytest.raises(StoreLocked):
            Store.open(data)


def test_a_second_window_that_got_in_stops_the_first_from_writing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    clock = FrozenClock()
    first = Store.open(data)
    try:
        case = Case.create("Coverage", "2026-11-24T14:00:00+00:00")
        first.save_case(case)
        assert first.flush()
        (data / "lock").unlink()
        second = Store.open(data)  # got in before the first noticed
        try:
            live = LiveCall.start(clock, case.id, "Acme")
            first.save_call(live.call)
            assert not first.flush(timeout=3)
            assert "another Hold the Line window" in (first.status.error or "")
            assert not (data / "calls" / f"{live.call.id}.json").exists()
            assert first.unsaved()  # still in memory, and said so
        finally:
            second.close()
    finally:
        first._stopping = True  # noqa: SLF001 - its writes stay refused; stop the thread
        first._wake.set()  # noqa: SLF001
        first._release_lock()  # noqa: SLF001


async def test_quitting_while_the_disk_is_full_asks_and_never_exits_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.app import HoldTheLineApp
    from tui.screens.storage import SaveFailedDialog

    data = tmp_path / "data"
    monkeypatch.setattr("tui.app.QUIT_FLUSH_SECONDS", 0.5)
    monkeypatch.setattr(store_module, "RETRY_SECONDS", 0.05)
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    store = Store.open(data)

    def full(self: Store, path: Path, table: str, doc: dict, rev: bool = True) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        service = Service(store)
        app = HoldTheLineApp(service)
        async with app.run_test() as pilot:
            await pilot.pause()
            monkeypatch.setattr(store_module.Store, "_write_doc", full)
            service.save_profile({"name": "Ana Reyes"})
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, SaveFailedDialog)
            assert "No space left" in app.screen.error
            assert any("your details" in line for line in app.screen.unsaved)
            await pilot.press("s")
            await pilot.pause()
        assert app.return_code == 1
        (saved,) = tmp_path.glob("holdtheline-unsaved-*.json")
        assert json.loads(saved.read_text())["records"][0]["doc"]["name"] == "Ana Reyes"
        assert (saved.stat().st_mode & 0o777) == 0o600
    finally:
        monkeypatch.undo()
        store.close()


# -- (e) sync conflicts ------------------------------------------------------------------
def test_sync_conflict_copies_are_named_and_resolved_never_deleted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _, calls = _filled(data, 3)
    original = data / "calls" / f"{calls[0].id}.json"
    copy = original.with_name(f"{calls[0].id}.sync-conflict-20261124-101010-ABCDEFG.json")
    shutil.copy(original, copy)
    with Store.open(data) as store:
        (conflict,) = store.conflicts()
        assert conflict.path == copy
        assert len(store.call_summaries()) == 3  # the copy is not read as a call
        said = store.resolve_conflict(copy, "mine")
        assert "your version kept" in said
    assert not copy.exists() and list((data / "damaged").rglob(copy.name))


def test_keeping_the_other_computers_call_makes_its_index_row_and_rep_hints_again(
        tmp_path: Path) -> None:
    """The other computer's version of a call, kept: the lists and the rep hints show
    it (its row, and the hints kept per row, were the replaced version's)."""
    from tui.service import Service

    data = tmp_path / "data"
    _, calls = _filled(data, 3)
    original = data / "calls" / f"{calls[0].id}.json"
    theirs = json.loads(original.read_text())
    call_doc = next(iter(theirs["call"].values()))
    call_doc["summary"] = "written on the other computer"
    call_doc["reps"] = [{"first_name": "Otherbox", "rep_id": "OB-1"}]
    copy = original.with_name(f"{calls[0].id}.sync-conflict-20261124-101010-ABCDEFG.json")
    copy.write_text(json.dumps(theirs))
    with Store.open(data) as store:
        service = Service(store)
        before = service.rep_directory(calls[0].organisation)
        assert not any("Otherbox" in record.names for record in before)
        assert "other computer's version kept" in store.resolve_conflict(copy, "theirs")
        assert store.summary(calls[0].id).summary == "written on the other computer"
        after = service.rep_directory(calls[0].organisation)
        assert any("Otherbox" in record.names for record in after)
        assert store.flush()
    with Store.open(data) as reopened:
        assert reopened.summary(calls[0].id).summary == "written on the other computer"


# -- import at scale: all or nothing ------------------------------------------------------
def _export(path: Path, cases: list[Case], calls: list[Call]) -> None:
    path.write_text(json.dumps({"format": EXPORT_FORMAT, "schema_version": 3,
                                "cases": [c.to_dict() for c in cases],
                                "calls": [c.to_dict() for c in calls]}))


@pytest.mark.parametrize("fails", ["record", "index"])
def test_import_is_all_or_nothing_when_writing_fails(tmp_path: Path, fails: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up at the 200th record file, or at the first index month (every
    record written): either way the import is undone at once."""
    data = tmp_path / "data"
    _filled(data, 4)
    cases, calls = synthetic.history(300, seed=11)
    export = tmp_path / "export.json"
    _export(export, cases, calls)
    with Store.open(data, read_only=True) as store:
        before = _snapshot(store)
    files_before = sorted(p.relative_to(data) for p in data.rglob("*.json")
                          if "backups" not in p.parts)
    written = {"n": 0}
    real = store_module.write_new_file

    def fails_half_way(path: Path, payload: bytes) -> None:
        if path.parent.name == {"record": "calls", "index": "index"}[fails]:
            written["n"] += 1
            if written["n"] == {"record": 200, "index": 1}[fails]:
                raise OSError(errno.ENOSPC, "No space left on device")
        real(path, payload)

    monkeypatch.setattr(store_module, "write_new_file", fails_half_way)
    with Store.open(data, backup=False) as store:
        with pytest.raises(ServiceError, match="No space left on device"):
            Service(store).import_file(export)
        assert _snapshot(store) == before
    monkeypatch.undo()
    with Store.open(data, read_only=True) as store:
        assert _snapshot(store) == before
    assert sorted(p.relative_to(data) for p in data.rglob("*.json")
                  if "backups" not in p.parts) == files_before
    assert not list(data.rglob("*.tmp"))
    with Store.open(data) as store:  # and once there is room, it works, once
        report = Service(store).import_file(export)
        assert report.added_calls == 300
        again = Service(store).import_file(export)
        assert again.added_calls == 0 and again.added_cases == 0


_KILLED_WRITE_MANY = """
import os, sys
from pathlib import Path
from tui.demo import synthetic
from tui.store import Store
from tui.store import store as store_module
real, count = store_module.write_new_file, [0]
def write_new_file(path, data):
    count[0] += 1
    if count[0] == 40:
        os._exit(9)  # killed: no clean-up runs
    real(path, data)
store_module.write_new_file = write_new_file
cases, calls = synthetic.history(60, seed=21)
store = Store.open(Path(sys.argv[1]), backup=False)
store.save_profile(store.get_profile())
store.write_many(cases, calls, profile=store_module.Profile(name="Theirs"))
"""


def test_adding_many_killed_part_way_is_undone_on_the_next_open(tmp_path: Path) -> None:
    """``adding.json`` names what a bulk write adds before it writes any of it: a kill
    leaves it, readers skip what it names, the next open removes it all."""
    import subprocess
    import sys

    data = tmp_path / "data"
    _filled(data, 5)
    with Store.open(data, read_only=True) as store:
        before = _snapshot(store)
    files = sorted(p.relative_to(data) for p in data.rglob("*.json") if "backups" not in p.parts)
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITE_MANY, str(data)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert (data / "adding.json").exists() and len(list((data / "calls").iterdir())) > 5
    with Store.open(data, read_only=True) as store:
        assert _snapshot(store) == before and not store.problems
    with Store.open(data) as store:
        assert _snapshot(store) == before
        assert store.undone_records > 0
        assert [problem.kind for problem in store.problems] == ["undone"]  # said, once
    assert sorted(p.relative_to(data) for p in data.rglob("*.json")
                  if "backups" not in p.parts) == files


def test_a_bulk_write_that_fails_leaves_no_temp_file(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.store import atomic

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "write", full)
        with pytest.raises(OSError):
            atomic.write_new_file(tmp_path / "call-0123456789ab.json", b"{}")
    assert list(tmp_path.iterdir()) == []
    atomic.write_new_file(tmp_path / "call-0123456789ab.json", b"{}")  # the name is free
    assert [p.name for p in tmp_path.iterdir()] == ["call-0123456789ab.json"]


def test_a_record_file_is_written_as_encode_file_writes_it() -> None:
    cases, calls = synthetic.history(30, seed=4)
    for table, record in [("case", cases[0]), *(("call", call) for call in calls)]:
        doc = dict(record.to_dict(), _rev=7)
        assert store_module.encode_record(table, record, 7) == \
            store_module.encode_file(table, [doc])


def test_order_kept_up_to_date_on_each_save(tmp_path: Path) -> None:
    """Dialling and hanging up on a long history update the ordered rows in place; the
    result is always what sorting every row again gives."""
    import random

    from tui.domain.clock import FrozenClock as Clock
    from tui.domain.live import LiveCall as Live

    rng = random.Random(5)
    with Store.open(tmp_path / "d") as store:
        case = Case.create("Order", "2026-11-01T12:00:00+00:00")
        store.save_case(case)
        calls = []
        for number in range(60):
            clock = Clock()
            clock.advance(rng.randint(0, 10**7))
            live = Live.start(clock, case.id, f"Org {number % 3}")
            calls.append(live)
            store.save_call(live.call, index=True)
            assert [r.id for r in store.call_summaries()] == [
                r.id for r in sorted(store._summaries.values(), key=lambda r: r.started_at)]
        for live in rng.sample(calls, 30):  # hang-ups: rows replaced
            live.end("resolved", "done")
            store.save_call(live.call, index=True)
            rows = store.call_summaries()
            assert len(rows) == 60 and {r.id for r in rows} == {c.call.id for c in calls}
            assert [r.started_at for r in rows] == sorted(r.started_at for r in rows)
            assert next(r for r in rows if r.id == live.call.id).outcome == "resolved"


# -- a call file damaged or gone after the open (the open compares names only) -----------
def _backed_up(data: Path, calls: int = 5) -> list[Call]:
    _, made = _filled(data, calls)
    with Store.open(data) as store:
        store.backup_now("manual")
    return made


def test_a_call_file_damaged_after_the_open_is_kept_aside_named_once_and_restored(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    calls = _backed_up(data)
    damaged = data / "calls" / f"{calls[2].id}.json"
    with Store.open(data) as store:
        damaged.write_bytes(b"garbage{")
        read = [call.id for call in store.iter_calls()]  # a search, statistics, a case
        assert read == [c.id for c in sorted(calls, key=lambda c: c.started_at)
                        if c.id != calls[2].id]
        (problem,) = store.problems
        assert problem.kind == "damaged" and problem.path == damaged
        assert problem.kept_at is not None and problem.kept_at.read_bytes() == b"garbage{"
        assert problem.kept_at.is_relative_to(data / "damaged")
        assert not damaged.exists() and not store.has_call(calls[2].id)
        assert len(list(store.iter_calls())) == 4 and len(store.problems) == 1  # once
        assert store.restorable() == [problem]
        assert store.flush()
    with Store.open(data) as store:  # the restore was declined: index and files agree,
        assert len(store.call_summaries()) == 4  # and the call kept aside is offered again
        (again,) = store.restorable()
        assert again.path == damaged and again.kept_at == problem.kept_at
        found_on = problem.kept_at.parent.parent.name  # type: ignore[union-attr]
        assert f"found damaged on {found_on[:4]}-{found_on[4:6]}-{found_on[6:8]}" in \
            again.describe() and "not put back yet" in again.reason
        assert Service(store).restore_damaged()
        assert store.flush()
    with Store.open(data) as store:
        assert store.problems == []
        assert store.load_call(calls[2].id).to_dict() == calls[2].to_dict()
        assert len(store.call_summaries()) == 5


def test_reading_a_damaged_call_says_where_it_was_kept(tmp_path: Path) -> None:
    data = tmp_path / "data"
    calls = _backed_up(data)
    damaged = data / "calls" / f"{calls[0].id}.json"
    with Store.open(data) as store:
        damaged.write_bytes(b'{"call": {"1": {"id": 7}}}')
        with pytest.raises(store_module.StoreCorrupt) as raised:
            store.load_call(calls[0].id)
        assert "kept aside as" in str(raised.value) and "damaged" in str(raised.value)
        assert raised.value.kept_at is not None and raised.value.kept_at.exists()
        with pytest.raises(store_module.StoreError, match="no file"):
            store.load_call(calls[0].id)  # after: gone from the index, said plainly
        assert len(store.problems) == 1


def test_a_call_file_gone_after_the_open_is_named_missing_and_restored(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    calls = _backed_up(data)
    with Store.open(data) as store:
        (data / "calls" / f"{calls[4].id}.json").unlink()
        assert len(list(store.iter_calls())) == 4
        (problem,) = store.problems
        assert problem.kind == "missing" and problem.kept_at is None
        assert calls[4].started_at[:10] in problem.describe()
        assert Service(store).restore_damaged()
        assert store.load_call(calls[4].id).to_dict() == calls[4].to_dict()


def test_the_rep_hints_skip_a_damaged_call(tmp_path: Path) -> None:
    data = tmp_path / "data"
    calls = _backed_up(data, 12)
    organisation = calls[3].organisation
    with Store.open(data) as store:
        (data / "calls" / f"{calls[3].id}.json").write_bytes(b"\x00" * 9)
        service = Service(store)
        service.rep_directory(organisation)  # no error: the damaged call is skipped
        assert [p.kind for p in store.problems] == ["damaged"]


def _notices(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_a_damaged_call_found_by_a_search_is_offered_back_when_typing_stops(
        tmp_path: Path) -> None:
    """The history's search reads every call: one is damaged. While the filter has the keys
    the restore is only announced (a dialog would take them); back home it is offered, and
    ``r`` puts the call back."""
    from tests.pilot_helpers import wait_until
    from tui.app import HoldTheLineApp
    from tui.screens.history import HistoryScreen
    from tui.screens.home import HomeScreen
    from tui.screens.storage import RestoreDialog

    data = tmp_path / "data"
    calls = _backed_up(data)
    damaged = data / "calls" / f"{calls[1].id}.json"
    store = Store.open(data, backup=False)
    try:
        app = HoldTheLineApp(Service(store))
        async with app.run_test(size=(80, 24)) as pilot:
            damaged.write_bytes(b"garbage{")
            await pilot.press("h")
            await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "history")
            history = app.screen
            await pilot.press(*"call")
            await wait_until(pilot, lambda: history.fully_loaded, "every call read")
            await wait_until(pilot, lambda: any("is offered once" in n for n in _notices(app)),
                             "the damaged call announced")
            assert " of 4 calls" in str(history.query_one("#history-count").render())
            assert not isinstance(app.screen, RestoreDialog)
            assert app.screen.query_one("#history-filter").value == "call"
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog),
                             "the restore offered")
            await pilot.press("r")
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
            await wait_until(pilot, lambda: store.has_call(calls[1].id), "the call back")
        assert store.flush()
        assert store.load_call(calls[1].id).to_dict() == calls[1].to_dict()
    finally:
        store.close()


async def test_a_damaged_call_found_during_a_live_call_never_takes_its_keys(
        tmp_path: Path) -> None:
    """The call's rep hints read the organisation's earlier calls: one is damaged. The call
    goes on, typed keys land in its fields, and the restore is offered once it ends."""
    from textual.widgets import Input

    from tests.pilot_helpers import wait_until
    from tui.app import HoldTheLineApp
    from tui.screens.call import CallScreen
    from tui.screens.end_call import EndCallDialog
    from tui.screens.storage import RestoreDialog
    from tui.service import CallRequest

    data = tmp_path / "data"
    calls = _backed_up(data, 12)
    target = calls[3]
    (data / "calls" / f"{target.id}.json").write_bytes(b"\x00" * 9)
    store = Store.open(data, backup=False)
    try:
        app = HoldTheLineApp(Service(store), start=CallRequest("A new case",
                                                               target.organisation))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, CallScreen), "the call")
            await wait_until(pilot, lambda: any("is offered once" in n for n in _notices(app)),
                             "the damaged call announced")
            await pilot.press(*"Dana Ruiz")
            await pilot.pause()
            assert isinstance(app.screen, CallScreen)
            assert app.screen.query_one("#rep-name", Input).value == "Dana Ruiz"
            await pilot.pause(STORE_CHECK_WAIT)
            assert not any(isinstance(s, RestoreDialog) for s in app.screen_stack)
            await pilot.press("f8")  # the rep directory, over the call: still the call's
            await wait_until(pilot, lambda: not isinstance(app.screen, CallScreen), "reps")
            await pilot.pause(STORE_CHECK_WAIT)
            assert not any(isinstance(s, RestoreDialog) for s in app.screen_stack)
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, CallScreen), "the call")
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: isinstance(app.screen, EndCallDialog), "end")
            await pilot.pause(STORE_CHECK_WAIT)  # nor over the end-call dialog
            assert not any(isinstance(s, RestoreDialog) for s in app.screen_stack)
            await pilot.press("ctrl+s", "ctrl+s")  # no outcome: the second one ends it
            await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog),
                             "the restore offered after the call")
    finally:
        store.close()


STORE_CHECK_WAIT = 1.5
"""Longer than the app's storage check interval (1 s): it ran at least once."""


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_an_export_meeting_a_damaged_call_writes_nothing_and_says_why(
        tmp_path: Path, fmt: str) -> None:
    """A dossier never leaves a call out without a word: the export stops, names the file,
    writes nothing, and the damaged file is kept aside and offered back."""
    data = tmp_path / "data"
    calls = _backed_up(data)
    out = tmp_path / f"dossier.{fmt}"
    with Store.open(data) as store:
        (data / "calls" / f"{calls[2].id}.json").write_bytes(b"garbage{")
        with pytest.raises(ServiceError, match=f"nothing was written: .*{calls[2].id}.*damaged"):
            Service(store).exports.write(fmt, out)
        assert not out.exists() and list(tmp_path.glob(".holdtheline-export-*")) == []
        assert [p.kind for p in store.restorable()] == ["damaged"]


def test_a_call_put_back_while_its_damage_was_being_named_is_left_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's read fails, then a restore puts the file back before the worker gets
    the lock: the file is read again there, found good, and neither moved nor named."""
    data = tmp_path / "data"
    calls = _backed_up(data)
    path = data / "calls" / f"{calls[1].id}.json"
    real = store_module.read_call_file
    failures = [1]

    def read_once_damaged(where: Path | str, call_id: str) -> Call:
        if failures and call_id == calls[1].id:
            failures.pop()
            raise store_module.StoreCorrupt(Path(where), "not valid JSON at line 1")
        return real(where, call_id)

    with Store.open(data) as store:
        monkeypatch.setattr(store_module, "read_call_file", read_once_damaged)
        assert store.load_call(calls[1].id).to_dict() == calls[1].to_dict()
        assert store.problems == [] and path.exists() and store.has_call(calls[1].id)


def test_a_damaged_call_that_cannot_be_moved_aside_is_still_named_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    calls = _backed_up(data)
    path = data / "calls" / f"{calls[3].id}.json"
    with Store.open(data) as store:
        path.write_bytes(b"garbage{")

        def no_room(*_args: object, **_kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(store_module, "ensure_private_dir", no_room)
        assert len(list(store.iter_calls())) == 4
        assert len(list(store.iter_calls())) == 4
        (problem,) = store.problems
        assert problem.kind == "damaged" and problem.kept_at is None and path.exists()
        assert store.has_call(calls[3].id)  # its file is still where the index says
        with pytest.raises(store_module.StoreError):
            store.load_call(calls[3].id)


async def test_opening_a_call_found_damaged_says_so_and_the_app_goes_on(
        tmp_path: Path) -> None:
    from tests.pilot_helpers import wait_until
    from tui.app import HoldTheLineApp
    from tui.screens.home import HomeScreen
    from tui.screens.storage import RestoreDialog

    data = tmp_path / "data"
    calls = _backed_up(data)
    newest = max(calls, key=lambda c: c.started_at)
    store = Store.open(data, backup=False)
    try:
        app = HoldTheLineApp(Service(store))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
            (data / "calls" / f"{newest.id}.json").write_bytes(b"garbage{")
            table = app.screen.query_one("#calls-table")
            table.focus()
            table.move_cursor(row=0)
            await pilot.press("enter")
            await wait_until(pilot, lambda: any("Could not open the call" in n
                                                for n in _notices(app)), "the error said")
            await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog),
                             "the restore offered")
            await pilot.press("enter")  # focus is on "Not now": Enter keeps things as they are
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
            assert not store.has_call(newest.id) and store.restorable()
    finally:
        store.close()


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_two_readers_meeting_the_same_damaged_call_name_it_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool) -> None:
    """The history's search and the rep hints read the same damaged call at once: both
    first reads fail before either has the lock. One names it (and, when writable, keeps
    it aside and drops its row); the other finds it named and says so. One problem."""
    import threading

    data = tmp_path / "data"
    calls = _backed_up(data)
    target = calls[2].id
    real = store_module.read_call_file
    both_failed = threading.Barrier(2, timeout=10)
    first_reads: set[int] = set()

    def read(where: Path | str, call_id: str) -> Call:
        me = threading.get_ident()
        if call_id == target and me not in first_reads:
            first_reads.add(me)
            try:
                return real(where, call_id)
            finally:
                both_failed.wait()  # neither goes on until both first reads are done
        return real(where, call_id)

    (data / "calls" / f"{target}.json").write_bytes(b"garbage{")
    with Store.open(data, read_only=read_only) as store:
        monkeypatch.setattr(store_module, "read_call_file", read)
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                store.load_call(target)
            except store_module.StoreError as error:
                errors.append(error)

        threads = [threading.Thread(target=reader) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert len(errors) == 2 and len(first_reads) == 2
        assert [p.kind for p in store.problems] == ["damaged"]
        kept = list((data / "damaged").rglob(f"{target}.json"))
        assert len(kept) == (0 if read_only else 1)
        assert store.has_call(target) is read_only  # read-only: nothing moved or dropped


def test_a_call_kept_aside_with_no_good_copy_anywhere_is_named_once_only(
        tmp_path: Path) -> None:
    """No backup holds it: named when found, not at every open after (nothing to offer)."""
    data = tmp_path / "data"
    _, calls = _filled(data, 5)
    with Store.open(data, backup=False) as store:
        (data / "calls" / f"{calls[0].id}.json").write_bytes(b"garbage{")
        assert len(list(store.iter_calls())) == 4
        assert [p.kind for p in store.problems] == ["damaged"] and not store.restorable()
    with Store.open(data, backup=False) as store:
        assert store.problems == [] and len(store.call_summaries()) == 4


async def test_an_export_after_a_declined_restore_says_what_it_left_out(
        tmp_path: Path) -> None:
    """The restore was declined; a later export cannot hold that call: it says so, names
    the call, and the backup is offered again."""
    from tests.pilot_helpers import wait_until
    from tui.app import ExportChoice, HoldTheLineApp
    from tui.screens.home import HomeScreen
    from tui.screens.storage import RestoreDialog

    data = tmp_path / "data"
    calls = _backed_up(data)
    store = Store.open(data, backup=False)
    out = tmp_path / "dossier.md"
    try:
        app = HoldTheLineApp(Service(store))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
            (data / "calls" / f"{calls[2].id}.json").write_bytes(b"garbage{")
            assert len(app.service.calls.all_calls()) == 4  # a case view, a search…
            await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog), "offer")
            await pilot.press("escape")  # not now
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
            app._write_export(ExportChoice("md", None, out, False))
            await wait_until(pilot, lambda: any("Export incomplete" in str(n.title)
                                                for n in app._notifications), "the warning")
            (warning,) = [str(n.message) for n in app._notifications
                          if "Export incomplete" in str(n.title)]
            assert "Exported 4 calls" in warning and f"{calls[2].id}.json" in warning
            assert calls[2].started_at[:10] in warning
            await wait_until(pilot, lambda: isinstance(app.screen, RestoreDialog),
                             "the backup offered again")
        assert out.exists()  # the four calls it could read ("Exported 4 calls")
    finally:
        store.close()
