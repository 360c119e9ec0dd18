"""A short run of bench/kill_rounds.py: random SIGKILLs while typing, hanging up,
importing, exporting and backing up (seed 3 has every kind in 10 rounds), with both cores
busy; nothing unreadable, no key lost that the app had drawn more than a second before the
kill (issue 12 point 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "kill_rounds.py"


@pytest.mark.slow
def test_ten_random_kills_lose_nothing() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--rounds", "10", "--seed", "3"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    assert figures["kills"] == "10"
    assert figures["unreadable files"] == "0" and figures["keys lost"] == "0"
    assert int(figures["keys handled more than 1 s before the kill"]) > 0  # really typed
