"""The streamed reader of the read commands gives the read-only store's answers: the same
cases, rows in the same order, the same calls and the same problems named; a folder that
needs repair is read by the store itself."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tui.demo import synthetic
from tui.domain.compact import IdList, IdSet
from tui.domain.model import Call, Case
from tui.store import Store
from tui.store.reader import StoreReader
from tui.store.storage import AtomicJSONStorage


def _filled(data_dir: Path, calls: int = 60) -> tuple[list[Case], list[Call]]:
    cases, made = synthetic.history(calls, seed=9)
    with Store.open(data_dir, backup=False) as store:
        store.write_many(cases, made)
    return cases, made


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in root.rglob("*") if p.is_file()}


def _same_answers(data: Path, *, streamed: bool) -> StoreReader:
    """Open ``data`` both ways; check every answer is the same; the reader."""
    before = _files(data)
    reader = StoreReader.open(data)
    store = Store.open(data, read_only=True)
    assert reader.streamed is streamed
    assert [p.describe() for p in reader.problems] == [p.describe() for p in store.problems]
    assert [p.kind for p in reader.problems] == [p.kind for p in store.problems]
    assert [c.to_dict() for c in reader.list_cases()] == [c.to_dict() for c in store.list_cases()]
    assert reader.get_profile().to_dict() == store.get_profile().to_dict()
    rows = [row.to_dict() for row in reader.iter_summaries()]
    assert rows == [row.to_dict() for row in store.call_summaries()]
    assert reader.call_count() == store.call_count() == len(rows)
    some = {row["case_id"] for row in rows[::3]}
    assert [r.id for r in reader.iter_summaries(some)] == [
        r.id for r in store.call_summaries() if r.case_id in some]
    for row in rows[::7]:
        assert reader.load_call(row["id"]).to_dict() == store.load_call(row["id"]).to_dict()
    for case in store.list_cases()[:3]:
        assert reader.find_case(case.title.upper() + " ") is not None
        assert reader.get_case(case.id) is not None
    assert _files(data) == before  # nothing written, nothing moved
    return reader


def test_a_sound_folder_is_read_as_it_is_used(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _filled(data)
    reader = _same_answers(data, streamed=True)
    assert reader.find_case("no such case") is None
    assert not reader.problems


def test_problems_found_without_repair_are_named_alike(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cases, _calls = _filled(data)
    (data / "calls" / "x.sync-conflict-20261201-ABC.json").write_text("{}", "utf-8")
    (data / "cases" / "y (conflicted copy 2026-12-01).json").write_text("{}", "utf-8")
    (data / "cases" / f"{cases[0].id}.json").unlink()  # its calls: listed without it
    (data / "cases" / f"{cases[1].id}.json").write_text("{", "utf-8")  # damaged
    (data / "profile.json").write_text("[]", "utf-8")
    reader = _same_answers(data, streamed=True)
    assert {p.kind for p in reader.problems} == {"conflict", "damaged"}


def test_a_folder_that_does_not_exist_reads_as_empty(tmp_path: Path) -> None:
    reader = StoreReader.open(tmp_path / "none")
    assert reader.streamed and not reader.list_cases() and not list(reader.iter_summaries())
    assert not (tmp_path / "none").exists()


def _first_shard(data: Path) -> Path:
    return sorted((data / "index").glob("calls-*.json"))[0]


def _damage_shard(data: Path) -> None:
    _first_shard(data).write_text('{"calls": {"1": {"id": 5}}}', "utf-8")


def _row_in_the_wrong_month(data: Path) -> None:
    first, second = sorted((data / "index").glob("calls-*.json"))[:2]
    moved = json.loads(first.read_text("utf-8"))
    other = json.loads(second.read_text("utf-8"))
    other["calls"]["999"] = moved["calls"]["1"]
    second.write_text(json.dumps(other), "utf-8")


def _row_twice(data: Path) -> None:
    first, second = sorted((data / "index").glob("calls-*.json"))[:2]
    row = json.loads(first.read_text("utf-8"))["calls"]["1"]
    other = json.loads(second.read_text("utf-8"))
    other["calls"]["999"] = dict(row, started_at=second.stem[6:] + "-01T09:00:00+00:00")
    second.write_text(json.dumps(other), "utf-8")


def _call_file_gone(data: Path) -> None:
    next((data / "calls").glob("*.json")).unlink()


def _call_not_indexed(data: Path) -> None:
    shard = _first_shard(data)
    rows = json.loads(shard.read_text("utf-8"))
    del rows["calls"]["1"]
    shard.write_text(json.dumps(rows), "utf-8")


def _undated(data: Path) -> None:
    shard = _first_shard(data)
    rows = json.loads(shard.read_text("utf-8"))
    row = rows["calls"].pop("1")
    shard.write_text(json.dumps(rows), "utf-8")
    row["started_at"] = "someday"
    AtomicJSONStorage.write_bytes(data / "index" / "calls-undated.json",
                                  AtomicJSONStorage.encode({"calls": {"1": row}}))


def _journal(data: Path) -> None:
    call_id = next((data / "calls").glob("*.json")).stem
    (data / "journal.json").write_text(json.dumps({"pending": {"1": {"calls": [call_id]}}}),
                                       "utf-8")


def _import_cut_short(data: Path) -> None:
    """``adding.json`` left by a killed import: the records it names are not loaded."""
    call_id = next((data / "calls").glob("*.json")).stem
    (data / "adding.json").write_text(json.dumps(
        {"adding": {"1": {"cases": [], "calls": [call_id], "profile": False}}}), "utf-8")


def _older_schema(data: Path) -> None:
    shard = _first_shard(data)
    rows = json.loads(shard.read_text("utf-8"))
    for row in rows["calls"].values():
        row["schema_version"] = 3
    shard.write_text(json.dumps(rows), "utf-8")


def _index_gone(data: Path) -> None:
    shutil.rmtree(data / "index")


@pytest.mark.parametrize("damage", [_damage_shard, _row_in_the_wrong_month, _row_twice,
                                    _call_file_gone, _call_not_indexed, _undated, _journal,
                                    _import_cut_short, _index_gone],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_folder_needing_repair_is_read_by_the_store(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    _filled(data)
    damage(data)
    _same_answers(data, streamed=False)


def test_rows_of_an_older_version_are_migrated_as_they_are_read(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _filled(data)
    _older_schema(data)
    _same_answers(data, streamed=True)


def test_a_version_1_folder_is_read_by_the_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    cases, calls = synthetic.history(8, seed=2)
    (data / "calls").mkdir(parents=True, mode=0o700)
    os.chmod(data, 0o700)
    tables = {"cases": {str(n): c.to_dict() for n, c in enumerate(cases, start=1)},
              "calls": {str(n): c.summary_row().to_dict() for n, c in enumerate(calls, start=1)}}
    AtomicJSONStorage.write_bytes(data / "index.json", AtomicJSONStorage.encode(tables))
    for call in calls:
        AtomicJSONStorage.write_bytes(data / "calls" / f"{call.id}.json",
                                      AtomicJSONStorage.encode({"call": {"1": call.to_dict()}}))
    _same_answers(data, streamed=False)


def test_ids_kept_in_eight_bytes_each() -> None:
    ids = [f"call-{n:012x}" for n in range(0, 5000, 7)] + ["case-00000000000a", "zz-ffffffffffff"]
    listed = IdList(ids)
    assert list(listed) == ids and len(listed) == len(ids)
    found = IdSet(reversed(ids))
    assert all(i in found for i in ids)
    assert "call-000000000001" not in found and "nope-000000000000" not in found
    assert "call-00000000000_" not in found and "call-0000000000007" not in found
    assert not found.duplicates()
    found.add(ids[3])
    assert found.duplicates() == [ids[3]] and len(found) == len(ids) + 1
    with pytest.raises(ValueError):
        IdList(["../etc/passwd"])
