"""Continue a killed call with the installed command in a real terminal (tmux).

Start a call, type a rep and a note, SIGKILL the app, start ``holdtheline call
--resume``: the same call is back with its rep and note and the time the app was
away; keep typing, end the call, and check what is on disk. Every step waits for
what the screen (or the disk) shows, never for a fixed time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tmux_helpers import Tmux, app_pid, export_json, holdtheline_binary

pytestmark = pytest.mark.tmux

CASE = "Coverage restricted"
ORGANISATION = "Massachusetts Health Connector"
FIRST_NOTE = "asked for a supervisor"
SECOND_NOTE = "supervisor Lee confirms the dates"


def _wait_on_disk(data_dir: Path, check: Callable[[dict[str, Any]], bool], what: str,
                  timeout: float = 15.0) -> dict[str, Any]:
    """Poll the one call file until ``check`` holds for its call document."""
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        for path in (data_dir / "calls").glob("*.json"):
            try:
                last = json.loads(path.read_text("utf-8"))["call"]["1"]
            except (OSError, ValueError, KeyError):
                continue  # being replaced right now: read it again
            if check(last):
                return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} on disk; last saved: {last}")


@pytest.mark.parametrize("load", ["idle", "both cores busy"])
def test_a_killed_call_continues_with_resume(tmux: Tmux, tmp_path: Path, load: str,
                                             request: pytest.FixtureRequest) -> None:
    if load != "idle":
        request.getfixturevalue("busy_cores")
    binary = holdtheline_binary()
    data_dir = tmp_path / "data"
    tmux.start("first", [binary, "--data-dir", str(data_dir), "call", "--case", CASE,
                         "--playbook", "ma-health-connector"])
    tmux.wait_for("first", lambda s: ORGANISATION in s and "Saved" in s and "First name" in s,
                  timeout=30, what="the live call screen")
    tmux.send_text("first", "Dana")
    tmux.send_key("first", "Tab")
    tmux.send_text("first", "4471")
    tmux.wait_for("first", "1. Dana #4471", what="rep 1 in the rep chain")
    tmux.send_key("first", "C-n")
    tmux.send_text("first", FIRST_NOTE)
    tmux.send_key("first", "Enter")
    tmux.wait_for("first", re.compile(r"\d{2}:\d{2}:\d{2} .*" + FIRST_NOTE).search,
                  what="the note in the log")
    before = _wait_on_disk(
        data_dir, lambda c: [n["text"] for n in c["notes"]] == [FIRST_NOTE]
        and c["reps"][0]["rep_id"] == "4471", what="the note and the rep")
    assert before["status"] == "live"

    os.kill(app_pid(tmux.pane_pid("first")), signal.SIGKILL)
    assert tmux.wait_exit("first", timeout=10) == (None, signal.SIGKILL)
    tmux.kill_session("first")

    tmux.start("again", [binary, "--data-dir", str(data_dir), "call", "--resume"])
    screen = tmux.wait_for(
        "again",
        lambda s: "1. Dana #4471" in s and FIRST_NOTE in s and "APP CLOSED" in s,
        timeout=30, what="the same call back, with its rep, note and the gap")
    assert ORGANISATION in screen and f"Case: {CASE}" in screen
    tmux.send_key("again", "C-n")
    tmux.send_text("again", SECOND_NOTE)
    tmux.send_key("again", "Enter")
    # The log wraps at 80 columns: the note's first words are on the stamped line.
    tmux.wait_for("again", re.compile(r"\d{2}:\d{2}:\d{2} .*" + SECOND_NOTE[:22]).search,
                  what="the new note in the log")

    tmux.send_key("again", "C-t")
    tmux.wait_for("again", "End the call", what="the end-call dialog")
    tmux.send_text("again", "Continued after a crash")  # the summary has focus
    tmux.wait_for("again", "Continued after a crash", what="the summary in the dialog")
    tmux.send_key("again", "Tab")  # to the outcomes; Enter picks the first, Resolved
    tmux.send_key("again", "Enter")
    tmux.wait_for("again", "Outcome: resolved", what="the outcome read back")
    tmux.send_key("again", "C-s")
    tmux.wait_for("again", lambda s: "Recent calls" in s and "End the call" not in s
                  and "resolved" in s, what="the home screen with the ended call")
    tmux.send_key("again", "C-q")
    assert tmux.wait_exit("again", timeout=20) == (0, None)

    document = export_json(binary, tmux.env, data_dir)
    (call,) = document["calls"]
    assert call["id"] == before["id"]
    assert call["status"] == "ended" and call["outcome"] == "resolved"
    assert call["summary"] == "Continued after a crash"
    assert [(r["first_name"], r["rep_id"]) for r in call["reps"]] == [("Dana", "4471")]
    assert [n["text"] for n in call["notes"]] == [FIRST_NOTE, SECOND_NOTE]
    (gap,) = call["gaps"]
    assert gap["start"] <= gap["end"]
    assert gap["start_elapsed"] <= call["notes"][1]["elapsed"] <= call["duration_seconds"]
    assert call["notes"][0]["elapsed"] <= gap["start_elapsed"]
    assert list((data_dir / "calls").glob("*.json")) == [data_dir / "calls" / f"{call['id']}.json"]
