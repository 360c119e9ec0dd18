"""The benchmarks in bench/ still run, and their generated data is what the store writes."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.store import Store

BENCH = Path(__file__).resolve().parent.parent / "bench"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def datagen():
    sys.path.insert(0, str(BENCH))
    try:
        import datagen

        yield datagen
    finally:
        sys.path.remove(str(BENCH))


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


def test_generated_layout_matches_what_the_store_writes(tmp_path: Path, datagen) -> None:
    clock = FrozenClock(datetime(2022, 3, 1, 9, 0, tzinfo=UTC))
    rng = random.Random(7)
    cases = datagen.make_cases(2, clock)
    calls = [datagen.make_call(clock, cases[n % 2], rng) for n in range(4)]

    direct = tmp_path / "direct"
    datagen.write_dir(direct, cases, calls)

    stored = tmp_path / "stored"
    with Store.open(stored) as store:
        for case in cases:
            store.save_case(case)
        for call in calls:
            store.save_call(call, index=True)
        assert store.flush()

    def load(path: Path) -> object:
        return json.loads(path.read_text(encoding="utf-8"))

    assert load(direct / "index.json") == load(stored / "index.json")
    for call in calls:
        name = f"calls/{call.id}.json"
        assert load(direct / name) == load(stored / name)

    with Store.open(direct) as store:
        assert [row["id"] for row in store.call_summaries()] == [call.id for call in calls]
        assert store.load_call(calls[-1].id) == calls[-1]
