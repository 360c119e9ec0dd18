"""The command line's read commands (``history``, ``export``) in little memory, whatever
the history's size: they import only what they need, and read the calls as they use
them (issue 11). The figures at 50,000 calls are ``bench/run_all.py --only cli``'s."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.demo import synthetic
from tui.store import Store

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="peak memory is read from /proc (Linux)")

SMALL, LARGE = 200, 2000
"""Calls in the two histories compared (the same cases in both)."""
GROWTH_MB = 2.0
"""How much more memory the large history may take: a few bytes a call (ids kept to
order a case's calls, a spool's first 128 kB), not the calls (holding the history took
3-30 MB more here)."""
COMMANDS = {
    "history": ["history"],
    "history --json": ["history", "--json"],
    "history --grep": ["history", "--grep", "supervisor"],
    "export md": ["export", "--format", "md", "-o", "{out}/x.md"],
    "export csv": ["export", "--format", "csv", "-o", "{out}/x.csv"],
    "export json": ["export", "--format", "json", "-o", "{out}/x.json"],
    "export ics": ["export", "--format", "ics", "-o", "{out}/x.ics"],
    "export md to stdout": ["export", "--format", "md"],
}
NEVER = ("textual", "rich", "jinja2", "yaml", "tomlkit", "tinydb", "fpdf", "platformdirs",
         "tui.app", "tui.screens", "tui.widgets", "tui.playbooks", "tui.service.service",
         "tui.service.calls", "tui.service.letters", "tui.store.store", "tui.store.backup")
"""Modules a read command has no use for (the app, the playbooks, the writer)."""
CHILD = """
import json, sys
from tui.cli import main
report, args = sys.argv[1], sys.argv[2:]
sys.stdout = open("/dev/null", "w")
code = main(args)
with open("/proc/self/status") as status:  # VmHWM: this program's peak (getrusage's
    peak = next(int(line.split()[1]) for line in status  # counts the parent's, forked)
                if line.startswith("VmHWM:"))
with open(report, "w") as out:
    json.dump({"code": code, "peak_kb": peak, "modules": sorted(sys.modules)}, out)
"""


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Two data folders: the same cases, with the first ``SMALL`` and all ``LARGE`` calls."""
    cases, calls = synthetic.history(LARGE, seed=5)
    found = {}
    for size in (SMALL, LARGE):
        folder = tmp_path_factory.mktemp(f"data-{size}")
        with Store.open(folder, backup=False) as store:
            store.write_many(cases, calls[:size])
        found[size] = folder
    return found


def _run(data: Path, args: list[str], out: Path) -> dict[str, object]:
    report = out / "report.json"
    args = [arg.format(out=out) for arg in args]
    done = subprocess.run([sys.executable, "-c", CHILD, str(report), "--data-dir", str(data),
                           *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(report.read_text("utf-8"))
    assert found["code"] == 0, done.stderr
    return found


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_memory_does_not_grow_with_the_history(command: str, histories: dict[int, Path],
                                               tmp_path: Path) -> None:
    small = _run(histories[SMALL], COMMANDS[command], tmp_path)
    large = _run(histories[LARGE], COMMANDS[command], tmp_path)
    grown = (int(str(large["peak_kb"])) - int(str(small["peak_kb"]))) / 1024
    assert grown < GROWTH_MB, f"{command}: {grown:.1f} MB more for {LARGE} calls than {SMALL}"
    modules = [str(name) for name in large["modules"]]  # type: ignore[attr-defined]
    loaded = sorted({name for name in modules for prefix in NEVER
                     if name == prefix or name.startswith(prefix + ".")})
    assert not loaded, f"{command} imported {loaded}"
    if command != "export ics":
        assert "icalendar" not in modules
