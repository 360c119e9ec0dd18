"""SIGKILL the app while typing: nothing torn, nothing older than a second lost.

Each round starts a call in a real terminal (tmux), types a rep's first name
and then a note one character at a time, and kills the app with SIGKILL at a
different moment of the typing. Then:

a) every JSON file in the data directory still parses (atomic writes);
b) the read-only export works at once and holds, as a prefix, everything
   typed more than KEPT_AFTER seconds before the kill (the call is still live);
c) the next start ends the call as "interrupted", moves the unsent note line
   into the notes and sweeps the temp files.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tmux_helpers import (
    Tmux,
    app_pid,
    export_json,
    holdtheline_binary,
)

pytestmark = pytest.mark.tmux

ROUNDS = 10
SEED = 20261124
CHAR_GAP = 0.05
"""Seconds between two typed characters."""
KEPT_AFTER = 1.0
"""Whatever was typed this long before the kill must be on disk."""
ORGANISATION = "Massachusetts Health Connector"
NAME = "Bartholomew"
NOTE = "denied 11/01, appeal sent; rep will escalate"


@dataclass
class Keystroke:
    field: str  # "name" or "note"
    char: str
    sent: float  # time.monotonic() once tmux had accepted it for the terminal


def _plan() -> list[tuple[float, str, str]]:
    """(offset from the first keystroke, field, key) for one round's typing."""
    plan: list[tuple[float, str, str]] = []
    at = 0.0
    for char in NAME:
        plan.append((at, "name", char))
        at += CHAR_GAP
    at += 0.3 - CHAR_GAP  # let the last name key land before moving focus
    plan.append((at, "focus", "C-n"))
    at += 0.3  # and let the focus move before typing the note
    for char in NOTE:
        plan.append((at, "note", char))
        at += CHAR_GAP
    return plan


def _type_until_kill(
    tmux: Tmux, session: str, kill_at: float
) -> tuple[list[Keystroke], float, int]:
    """Type the plan; SIGKILL the app ``kill_at`` seconds after the first key."""
    pid = app_pid(tmux.pane_pid(session))
    strokes: list[Keystroke] = []
    start = time.monotonic()
    for offset, field, key in _plan():
        if offset >= kill_at:
            break
        wait = start + offset - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if field == "focus":
            tmux.send_key(session, key, pause=0)
        else:
            tmux.send_text(session, key, pause=0)
            strokes.append(Keystroke(field, key, time.monotonic()))
    wait = start + kill_at - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    return strokes, killed_at, pid


def _typed(strokes: list[Keystroke], field: str, before: float | None = None) -> str:
    return "".join(
        s.char for s in strokes if s.field == field and (before is None or s.sent < before)
    )


def _assert_files_whole(data_dir: Path) -> int:
    """Every JSON file parses; the only other files are the lock and temp files."""
    temp_files = 0
    json_files = 0
    for root, _dirs, names in os.walk(data_dir):
        for name in names:
            path = Path(root, name)
            if name.endswith(".json"):
                with path.open(encoding="utf-8") as handle:
                    data = json.load(handle)  # a torn file fails here
                assert isinstance(data, dict), path
                json_files += 1
            elif name.startswith(".htl-") and name.endswith(".tmp"):
                temp_files += 1  # an unfinished atomic write: allowed, swept on start
            else:
                assert path == data_dir / "lock", f"unexpected file {path}"
    assert (data_dir / "index.json").is_file()
    assert json_files == 2, f"expected index.json and one call file, found {json_files}"
    return temp_files


def _only_call(document: dict) -> dict:
    assert len(document["cases"]) == 1
    assert len(document["calls"]) == 1
    call = document["calls"][0]
    assert call["case_id"] == document["cases"][0]["id"]
    assert call["organisation"] == ORGANISATION
    assert len(call["reps"]) == 1
    return call


def test_sigkill_while_typing_loses_nothing_older_than_a_second(tmux: Tmux, tmp_path: Path) -> None:
    binary = holdtheline_binary()
    rng = random.Random(SEED)
    span = _plan()[-1][0] + CHAR_GAP
    totals = {"typed": 0, "old": 0, "recovered": 0, "old_note": 0}
    print()
    for number in range(ROUNDS):
        data_dir = tmp_path / f"round-{number}"
        session = f"call-{number}"
        tmux.start(
            session,
            [
                binary,
                "--data-dir",
                str(data_dir),
                "call",
                "--case",
                f"Kill round {number}",
                "--playbook",
                "ma-health-connector",
            ],
        )
        tmux.wait_for(
            session,
            lambda s: ORGANISATION in s and "Saved" in s and "First name" in s,
            timeout=30,
            what="the live call screen",
        )
        time.sleep(0.3)  # let the first-name field take focus

        # A different kill moment each round, spread over the whole typing.
        kill_at = span * (number + rng.random()) / ROUNDS
        strokes, killed_at, _pid = _type_until_kill(tmux, session, kill_at)
        assert tmux.wait_exit(session, timeout=10) == (None, signal.SIGKILL), (
            "the app was not ended by the SIGKILL"
        )
        tmux.kill_session(session)

        deadline = killed_at - KEPT_AFTER
        name_typed, note_typed = _typed(strokes, "name"), _typed(strokes, "note")
        name_old, note_old = _typed(strokes, "name", deadline), _typed(strokes, "note", deadline)

        # (a) no torn files
        temp_files = _assert_files_whole(data_dir)

        # (b) the read-only export works right after the kill; the call is still live
        call = _only_call(export_json(binary, tmux.env, data_dir))
        assert call["status"] == "live"
        assert call["outcome"] is None
        first_name, draft = call["reps"][0]["first_name"], call["draft_note"]
        context = (
            f"round {number}: kill at {kill_at:.2f}s; typed name {name_typed!r}, "
            f"note {note_typed!r}; older than {KEPT_AFTER}s: {name_old!r}, {note_old!r}; "
            f"saved {first_name!r}, {draft!r}"
        )
        assert first_name.startswith(name_old), context
        assert name_typed.startswith(first_name), context
        assert draft.startswith(note_old), context
        assert note_typed.startswith(draft), context
        assert call["notes"] == [], context

        # (c) the next start ends the call as interrupted and keeps the draft
        home = f"home-{number}"
        tmux.start(home, [binary, "--data-dir", str(data_dir)])
        title = f"Kill round {number}"
        tmux.wait_for(
            home,
            lambda s, title=title: (
                "Hold the Line" in s and "Recent calls" in s and title in s and "interrupted" in s
            ),
            timeout=30,
            what="the home screen listing the interrupted call",
        )
        time.sleep(0.3)
        tmux.send_key(home, "C-q", pause=0)
        assert tmux.wait_exit(home, timeout=20) == (0, None)
        tmux.kill_session(home)

        after = _only_call(export_json(binary, tmux.env, data_dir))
        assert after["status"] == "ended", context
        assert after["outcome"] == "interrupted", context
        assert after["ended_at"] is not None
        assert after["reps"][0]["first_name"] == first_name, context
        assert after["draft_note"] == "", context
        expected_notes = [draft.strip()] if draft.strip() else []
        assert [note["text"] for note in after["notes"]] == expected_notes, context
        leftovers = sorted(str(path.relative_to(data_dir)) for path in data_dir.rglob(".htl-*.tmp"))
        assert leftovers == [], context
        _assert_files_whole(data_dir)

        gaps = [
            b.sent - a.sent
            for a, b in zip(strokes, strokes[1:], strict=False)
            if a.field == b.field
        ]
        mean_gap = sum(gaps) / len(gaps) if gaps else 0.0
        old = len(name_old) + len(note_old)
        recovered = len(first_name) + len(draft)
        typed = len(name_typed) + len(note_typed)
        totals["typed"] += typed
        totals["old"] += old
        totals["recovered"] += recovered
        totals["old_note"] += len(note_old)
        print(
            f"round {number:2d}: kill at {kill_at:4.2f}s  typed {typed:2d}  "
            f"older than {KEPT_AFTER:.0f}s {old:2d}  recovered {recovered:2d} "
            f"(name {first_name!r}, draft {draft!r})  mean gap {mean_gap * 1000:.0f} ms  "
            f"temp files after kill {temp_files}"
        )
    print(
        f"total: typed {totals['typed']}, older than {KEPT_AFTER:.0f}s {totals['old']}, "
        f"recovered {totals['recovered']}"
    )
    # The rounds really exercised both fields (not a test that cannot fail).
    assert totals["old"] > len(NAME)
    assert totals["old_note"] > 0
