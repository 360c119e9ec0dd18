"""Random SIGKILLs while typing, dialling, hanging up, importing and exporting.

    .venv/bin/python bench/kill_rounds.py                 # 1,000 rounds, both cores busy
    .venv/bin/python bench/kill_rounds.py --rounds 15 --no-busy

Each round does one thing with the installed ``holdtheline`` and kills it with
SIGKILL at a random moment:

* ``type``    a call opens on a pseudo-terminal; a rep's name and a note are typed
              one key at a time (40 ms apart);
* ``hangup``  the same, then ctrl+t, a summary, ctrl+s (the call ends);
* ``import``  ``holdtheline import`` of a 200-call export;
* ``export``  ``holdtheline export --format json -o FILE``;
* ``backup``  ``holdtheline backup now`` (a new backup of the import/export folder).

After every kill: every JSON file in the data folder must parse (an unreadable file
is a loss); for typing rounds the read-only export must hold every key the app had
handled more than 1 s before the kill (handled: the key's text was on the screen,
which the app draws only after handling it); an export file, if there, must be
complete JSON. Import and
export rounds share a data folder (a new one every 50 rounds), so each works on
what the last kill left; typing rounds each get a fresh folder, so that the name field
shows no suggestion from an earlier round. Prints the figures; exit 1 on
any loss.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pty_helpers import (  # noqa: E402
    PtyApp,
    app_env,
    busy_loops,
    end_busy_loops,
    holdtheline,
    run_cli,
    sigkill,
)

KEY_GAP = 0.04
KEPT_AFTER = 1.0
NAME = "Bartholomew"
NOTE = "Zed: denied 11/01, appeal"
SUMMARY = "Zed will review billing"
# A key counts as handled when the field's text up to it -- at least this many
# characters, so that it is found nowhere else on the screen (a lone "d" is in
# "Saved") -- was drawn: an upper bound on when the key was handled.
SHOWN_AT_LEAST = 4


def unreadable_files(data: Path) -> list[str]:
    """JSON files that do not parse. A backup cut short is a ``.partial-*`` folder, never
    listed and removed by the next backup: its files are not data."""
    bad = []
    for path in data.rglob("*.json"):
        if any(part.startswith(".partial-") for part in path.parts):
            continue
        try:
            json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            bad.append(f"{path}: {error}")
    return bad


def typing_round(env: dict[str, str], data: Path, case: str, rng: random.Random,
                 hang_up: bool) -> tuple[int, int, str]:
    """(keys sent more than 1 s before the kill, of those lost, note)."""
    app = PtyApp(["--data-dir", str(data), "call", "--case", case,
                  "--playbook", "health-insurer"], env)
    sent: list[tuple[str, str, float, float | None]] = []
    try:
        try:
            app.wait_for("First name", "Saved", timeout=60)
        except AssertionError as error:  # the app did not start: a finding, not the end
            logs = sorted(data.rglob("crash-*.log"))
            kept = ""
            if logs:
                kept = str(Path(tempfile.gettempdir()) / f"htl-kill-{logs[-1].name}")
                shutil.copy(logs[-1], kept)
            return 0, 1, f"the call did not open: {str(error)[:300]!r} (crash log {kept})"
        time.sleep(0.3)
        plan: list[tuple[str, str]] = [("name", c) for c in NAME] + [("key", "ctrl+n")]
        plan += [("note", c) for c in NOTE]
        if hang_up:
            plan += [("key", "enter"), ("key", "ctrl+t"), ("wait", "")]
            plan += [("summary", c) for c in SUMMARY] + [("key", "ctrl+s")]
        span = len(plan) * KEY_GAP + 1.0
        kill_at = time.monotonic() + rng.uniform(0, span + 0.5)
        for field, char in plan:
            if time.monotonic() >= kill_at:
                break
            if field == "key":
                app.key(char)
                time.sleep(0.25)
            elif field == "wait":
                time.sleep(0.3)
            else:
                app.type(char)
                sent.append((field, char, time.monotonic(), None))
                time.sleep(KEY_GAP)
        while time.monotonic() < kill_at:
            time.sleep(0.01)
        killed = time.monotonic()
        sigkill(app.pid)
        app.process.wait()
        typed = {"name": "", "note": "", "summary": ""}
        for field, char, _at, _shown in sent:
            typed[field] += char
        count = {"name": 0, "note": 0, "summary": 0}
        for index, (field, char, at, _shown) in enumerate(sent):
            count[field] += 1
            upto = max(count[field], SHOWN_AT_LEAST)
            shown = None
            if upto <= len(typed[field]):
                # the last few characters up to this key (or a later one), as drawn
                shown = app.shown_at(typed[field][:upto][-12:], at)
            sent[index] = (field, char, at, shown)
    finally:
        app.close()
    done = run_cli(env, "--data-dir", str(data), "export", "--format", "json")
    if done.returncode != 0:
        return len(sent), len(sent), f"export failed: {done.stderr.strip()}"
    document = json.loads(done.stdout)
    case_ids = {c["id"] for c in document["cases"] if c["title"] == case}
    calls = [c for c in document["calls"] if c["case_id"] in case_ids]
    old = [(f, c) for f, c, _at, shown in sent
           if shown is not None and shown < killed - KEPT_AFTER]
    old_name = "".join(c for f, c in old if f == "name")
    old_note = "".join(c for f, c in old if f == "note")
    if not calls:
        lost = len(old)
        return len(old), lost, "no call on disk" if lost else ""
    call = calls[-1]
    name = call["reps"][0]["first_name"]
    note = call["draft_note"] + "".join(n["text"] for n in call["notes"])
    lost = 0
    if not name.startswith(old_name):
        lost += len(old_name) - len(os.path.commonprefix([name, old_name]))
    if not note.startswith(old_note):
        lost += len(old_note) - len(os.path.commonprefix([note, old_note]))
    return len(old), lost, f"name {name!r} note {note!r}" if lost else ""


def command_round(env: dict[str, str], args: list[str], rng: random.Random,
                  longest: float) -> None:
    process = subprocess.Popen([holdtheline(), *args], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, longest))
    sigkill(process.pid)
    process.wait()


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # runs the clean-up: busy loops, temp folder


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--no-busy", action="store_true", help="leave the cores idle")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="htl-kill-"))
    env = app_env(root)
    loops = [] if args.no_busy else busy_loops(2, 7200)
    kinds: Counter[str] = Counter()
    figures = Counter[str]()
    problems: list[str] = []
    started = time.monotonic()
    try:
        source = root / "source"
        run_cli(env, "demo", "--calls", "200", "--into", str(source), timeout=120)
        export = root / "export.json"
        done = run_cli(env, "--data-dir", str(source), "export", "--format", "json",
                       "-o", str(export), timeout=120)
        assert done.returncode == 0, done.stderr
        out_dir = root / "exports"
        out_dir.mkdir()
        data = root / "data-0"
        for number in range(args.rounds):
            if number % 50 == 0:
                data = root / f"data-{number // 50}"
            kind = rng.choices(["type", "hangup", "import", "export", "backup"],
                               [4, 2, 2, 2, 1])[0]
            kinds[kind] += 1
            if kind in ("type", "hangup"):
                # A fresh folder: no rep seen before, so the name field shows no
                # suggestion, and what is on the screen is only what was handled.
                old, lost, note = typing_round(env, root / f"call-{number}", f"Kill {number}",
                                               rng, kind == "hangup")
                bad = unreadable_files(root / f"call-{number}")
                figures["unreadable files"] += len(bad)
                problems += [f"round {number}: unreadable {b}" for b in bad]
                shutil.rmtree(root / f"call-{number}", ignore_errors=True)
                figures["keys handled more than 1 s before the kill"] += old
                figures["keys lost"] += lost
                if lost:
                    problems.append(f"round {number}: lost {lost} keys: {note}")
            elif kind == "import":
                command_round(env, ["--data-dir", str(data), "import", str(export)], rng, 1.5)
            elif kind == "backup":
                command_round(env, ["--data-dir", str(data), "backup", "now"], rng, 1.0)
                listed = run_cli(env, "--data-dir", str(data), "backup", "list")
                if data.exists() and listed.returncode != 0:
                    problems.append(f"round {number}: backup list failed: {listed.stderr}")
            else:
                target = out_dir / f"out-{number}.json"
                command_round(env, ["--data-dir", str(data), "export", "--format", "json",
                                    "-o", str(target)], rng, 1.5)
                if target.exists():
                    try:
                        json.loads(target.read_text("utf-8"))
                        figures["exports complete"] += 1
                    except ValueError:
                        figures["partial exports"] += 1
                        problems.append(f"round {number}: partial export {target}")
                else:
                    figures["exports not written (killed first)"] += 1
            if kind in ("import", "export", "backup") and data.exists():
                bad = unreadable_files(data)
                figures["unreadable files"] += len(bad)
                problems += [f"round {number}: unreadable {b}" for b in bad]
            figures["kills"] += 1
            if (number + 1) % 50 == 0:
                print(f"{number + 1} rounds, {time.monotonic() - started:.0f} s, "
                      f"{dict(figures)}", flush=True)
        leftovers = sorted(p.name for p in out_dir.glob(".holdtheline-export-*.tmp"))
        figures["export temp files left (swept by the next export there)"] = len(leftovers)
    finally:
        end_busy_loops(loops)
        shutil.rmtree(root, ignore_errors=True)
    print(f"rounds: {args.rounds} ({dict(kinds)}), busy cores: {len(loops)}, "
          f"{time.monotonic() - started:.0f} s")
    for name, value in sorted(figures.items()):
        print(f"{name}: {value}")
    for problem in problems[:20]:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
