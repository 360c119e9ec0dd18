"""End to end in a real terminal: one whole call with the installed command."""

from __future__ import annotations

import os
import re
import stat
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.tmux_helpers import Tmux, export_json, holdtheline_binary, run_cli

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

CASE = "Coverage restricted"
ORGANISATION = "Massachusetts Health Connector"
NOTE = "[bold]paid[/bold] on 11/01"
SUMMARY = "Billing will review the restriction"
SESSION = "call"
NOTE_PLACEHOLDER = "Note (Enter adds it)"


def _local_date(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone().date()


def test_whole_call_in_a_real_terminal(tmux: Tmux, tmp_path: Path) -> None:
    binary = holdtheline_binary()
    data_dir = tmp_path / "data"
    tmux.start(
        SESSION,
        [
            binary,
            "--data-dir",
            str(data_dir),
            "call",
            "--case",
            CASE,
            "--playbook",
            "ma-health-connector",
        ],
    )
    screen = tmux.wait_for(
        SESSION,
        lambda s: ORGANISATION in s and "Saved" in s and "First name" in s,
        timeout=30,
        what="the live call screen",
    )
    assert f"Case: {CASE}" in screen
    # Every step below is sent alone and awaited on screen before the next one
    # (see tests/tmux_helpers.py): text where it is shown, focus by its signs.
    tmux.wait_focus(SESSION, "First name", context="Rep 1 ", what="focus on rep 1's first name")

    # First rep: name, Tab, ID.
    tmux.send_text(SESSION, "Dana")
    typed_name = re.compile(r" Rep 1 +█?Dana ")
    tmux.wait_for(
        SESSION, lambda s: typed_name.search(s) is not None, what="'Dana' in the first-name field"
    )
    tmux.send_key(SESSION, "Tab")
    tmux.wait_focus(SESSION, "Rep ID", what="focus on rep 1's ID")
    tmux.send_text(SESSION, "4471")
    tmux.wait_for(SESSION, "1. Dana #4471", what="rep 1 in the rep chain")

    # A note with markup-looking text: shown and stored literally.
    tmux.send_key(SESSION, "C-n")
    tmux.wait_focus(SESSION, NOTE_PLACEHOLDER, what="focus on the note line")
    tmux.send_text(SESSION, NOTE)
    tmux.wait_for(SESSION, NOTE, what="the note in the note line")
    tmux.send_key(SESSION, "Enter")
    # In the notes log (after its elapsed-time stamp), and the note line empty again.
    logged_note = re.compile(r"\d{2}:\d{2}:\d{2} .*" + re.escape(NOTE))
    during_call = tmux.wait_for(
        SESSION,
        lambda s: logged_note.search(s) is not None and NOTE_PLACEHOLDER in s,
        what="the note in the notes log",
    )

    # Hold on; wait until the screen counts at least a second on hold; hold off.
    tmux.send_key(SESSION, "C-o")
    tmux.wait_for(SESSION, "ON HOLD", what="the HOLD badge")  # the big badge by the timer
    held_a_second = re.compile(r"On hold  (?!00:00:00)\d\d:\d\d:\d\d")
    tmux.wait_for(
        SESSION,
        lambda s: "ON HOLD" in s and held_a_second.search(s) is not None,
        what="a second on hold counted by the timer",
    )
    tmux.send_key(SESSION, "C-o")
    tmux.wait_for(SESSION, "Off hold (held", what="the end of the hold segment")

    # Focus stays on the note line through hold on / off.
    tmux.send_text(SESSION, "ref: 88213")
    tmux.wait_for(SESSION, "ref: 88213", what="the reference in the note line")
    tmux.send_key(SESSION, "Enter")
    logged_ref = re.compile(r"REF\s+88213")
    tmux.wait_for(
        SESSION,
        lambda s: logged_ref.search(s) is not None and NOTE_PLACEHOLDER in s,
        what="the reference in the notes log",
    )
    tmux.send_text(SESSION, "promise: will call back in 3 days")
    tmux.wait_for(SESSION, "promise: will call back in 3 days", what="the promise in the note line")
    tmux.send_key(SESSION, "Enter")
    # The log wraps at 80 columns: the promise's text, then its due date on the next line.
    logged_promise = re.compile(r"PROMISE\s+will call back in 3")
    promise_due = re.compile(r"days\s+due \d{4}-\d\d-\d\d")
    tmux.wait_for(
        SESSION,
        lambda s: (
            logged_promise.search(s) is not None
            and promise_due.search(s) is not None
            and NOTE_PLACEHOLDER in s
        ),
        what="the promise in the notes log",
    )

    # Transfer: the second rep.
    tmux.send_key(SESSION, "C-r")
    tmux.wait_focus(SESSION, "First name", context="Rep 2 ", what="focus on rep 2's first name")
    tmux.send_text(SESSION, "Lee")
    tmux.wait_for(SESSION, "2. Lee", what="rep 2 in the rep chain")

    # Hang up: the summary has focus when the dialog first shows; Tab to the
    # outcomes (none is chosen for you), Enter picks the first, ctrl+s saves.
    tmux.send_key(SESSION, "C-t")
    tmux.wait_focus(SESSION, "What happened, in one line", what="focus on the summary")
    tmux.send_text(SESSION, SUMMARY)
    tmux.wait_for(SESSION, SUMMARY, what="the summary in the dialog")
    tmux.send_key(SESSION, "Tab")
    tmux.send_key(SESSION, "Enter")
    tmux.wait_for(SESSION, "Outcome: resolved", what="the outcome chosen")
    tmux.send_key(SESSION, "C-s")
    tmux.wait_for(
        SESSION,
        lambda s: (
            "Hold the Line" in s
            and "Recent calls" in s
            and "End the call" not in s
            and CASE in s
            and "resolved" in s
        ),
        what="the home screen with the saved call",
    )

    tmux.send_key(SESSION, "C-q")
    assert tmux.wait_exit(SESSION) == (0, None)

    # -- what was saved --------------------------------------------------------
    document = export_json(binary, tmux.env, data_dir)
    assert [case["title"] for case in document["cases"]] == [CASE]
    assert len(document["calls"]) == 1
    call = document["calls"][0]
    assert call["case_id"] == document["cases"][0]["id"]
    assert call["organisation"] == ORGANISATION
    assert call["status"] == "ended"
    assert call["outcome"] == "resolved"
    assert call["summary"] == SUMMARY
    assert call["draft_note"] == ""
    assert [(rep["first_name"], rep["rep_id"]) for rep in call["reps"]] == [
        ("Dana", "4471"),
        ("Lee", ""),
    ]
    assert call["reps"][1]["joined_elapsed"] > call["reps"][0]["joined_elapsed"]
    assert [note["text"] for note in call["notes"]] == [NOTE]
    assert len(call["hold_segments"]) == 1
    segment = call["hold_segments"][0]
    assert segment["end"] is not None
    assert segment["end_elapsed"] > segment["start_elapsed"]
    assert segment["end_elapsed"] - segment["start_elapsed"] >= 1.0
    assert [ref["number"] for ref in call["references"]] == ["88213"]
    assert len(call["promises"]) == 1
    promise = call["promises"][0]
    assert promise["text"] == "will call back in 3 days"
    # "in 3 days" counts from the local date of the call's start (from the date
    # the promise was made, should the call have run over local midnight).
    promised_on = _local_date(call["started_at"])
    if _local_date(promise["at"]) != promised_on:  # pragma: no cover - midnight
        promised_on = _local_date(promise["at"])
    assert promise["due"] == (promised_on + timedelta(days=3)).isoformat()
    assert call["ended_at"] is not None
    assert call["duration_seconds"] >= segment["end_elapsed"]

    # The note was shown literally during the call (markup not interpreted).
    assert "[bold]paid[/bold] on 11/01" in during_call

    markdown = run_cli(binary, tmux.env, "--data-dir", str(data_dir), "export", "--format", "md")
    for expected in ("Dana", "#4471", "88213", CASE, ORGANISATION):
        assert expected in markdown.stdout

    # -- private files -------------------------------------------------------
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = []
    for root, dirs, names in os.walk(data_dir):
        for directory in dirs:
            path = Path(root, directory)
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        for name in names:
            path = Path(root, name)
            files.append(path.relative_to(data_dir).as_posix())
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
    assert "layout.json" in files and any(name.startswith("index/calls-") for name in files)
    assert any(name.startswith("cases/") for name in files)
    assert f"calls/{call['id']}.json" in files
    assert not [name for name in files if name.endswith(".tmp")]
