"""The benchmarks in bench/ still run, and bulk-written data is what the store writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.demo import synthetic
from tui.store import Store

BENCH = Path(__file__).resolve().parent.parent / "bench"

pytestmark = pytest.mark.slow


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout
    )


def test_save_cost_runs_and_prints_ratios() -> None:
    done = _run(str(BENCH / "save_cost.py"), "--sizes", "10,200", "--repeat", "5",
                "--index-repeat", "2", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    ratios = [line for line in done.stdout.splitlines() if line.startswith("ratio 200 / 10:")]
    assert ratios, done.stdout
    assert "keystroke save+flush median" in ratios[0]


def test_startup_runs_and_prints_a_ratio() -> None:
    done = _run(str(BENCH / "startup.py"), "--sizes", "10", "--repeat", "1", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ratio ours (10 calls) / bare: ready" in done.stdout


def test_shell_floor_runs_and_prints_a_ratio() -> None:
    done = _run(str(BENCH / "shell_floor.py"), "--runs", "1", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "first frame, median of 1: bare " in done.stdout
    assert "x bare (issue 11 asks <= 1.20x" in done.stdout


def test_datagen_builds_a_history_that_loads(tmp_path: Path) -> None:
    done = _run(str(BENCH / "datagen.py"), str(tmp_path / "data"), "--calls", "30",
                timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("wrote 30 calls in ")


def test_bulk_written_files_match_what_the_store_writes(tmp_path: Path) -> None:
    cases, calls = synthetic.history(8, seed=7)

    bulk = tmp_path / "bulk"
    with Store.open(bulk) as store:
        store.write_many(cases, calls)

    stored = tmp_path / "stored"
    with Store.open(stored) as store:
        for case in cases:
            store.save_case(case)
        for call in calls:
            store.save_call(call, index=True)
        assert store.flush()

    def load(path: Path) -> object:
        return json.loads(path.read_text(encoding="utf-8"))

    names = sorted(p.name for p in (stored / "index").iterdir())
    assert names and names == sorted(p.name for p in (bulk / "index").iterdir())
    for name in names:
        assert load(bulk / "index" / name) == load(stored / "index" / name)
    for case in cases:
        name = f"cases/{case.id}.json"
        assert load(bulk / name) == load(stored / name)
    for call in calls:
        name = f"calls/{call.id}.json"
        assert load(bulk / name) == load(stored / name)

    with Store.open(bulk) as store:
        assert [row.id for row in store.call_summaries()] == [call.id for call in calls]
        assert store.load_call(calls[-1].id) == calls[-1]
