"""Type-ahead and paste with the installed command in a real terminal (tmux), with
both cores busy.

Each round sends a whole call in ONE ``tmux send-keys``: rep name, Tab, ID, ctrl+n,
a note, Enter, ctrl+r (transfer), the next rep's name, Tab, ID, ctrl+n, a note,
Enter, ctrl+t, the summary, Tab, Enter (the first outcome), ctrl+s. No key waits for
the one before it; the app must handle them in the order typed. What is saved on
disk is then compared with what was typed: every character in its own field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.tmux_helpers import Tmux, export_json, holdtheline_binary

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

ORGANISATION = "Massachusetts Health Connector"
ROUNDS = 3


def _start_call(tmux: Tmux, session: str, data_dir: Path, case: str) -> None:
    tmux.start(session, [holdtheline_binary(), "--data-dir", str(data_dir), "call",
                         "--case", case, "--playbook", "ma-health-connector"])
    tmux.wait_for(session, lambda s: ORGANISATION in s and "Saved" in s and "First name" in s,
                  timeout=40, what="the live call screen")


def _only_call(document: dict[str, Any]) -> dict[str, Any]:
    (call,) = document["calls"]
    return call


def test_a_whole_call_typed_in_one_burst_lands_in_order(
    tmux: Tmux, tmp_path: Path, busy_cores: None
) -> None:
    misplaced: list[str] = []
    for number in range(ROUNDS):
        data_dir = tmp_path / f"data{number}"
        session = f"burst{number}"
        case = f"Burst round {number}"
        _start_call(tmux, session, data_dir, case)
        first, second = f"Tanya{number}", f"Lee{number}"
        first_id, second_id = f"88{number}2", f"77{number}1"
        note_one = f"billing says the restriction is an error {number}"
        note_two = f"ref: TK-{number}4471"
        summary = f"Billing will review the restriction {number}"
        tmux.run("send-keys", "-t", session,
                 first, "Tab", first_id, "C-n", note_one, "Enter",
                 "C-r", second, "Tab", second_id, "C-n", note_two, "Enter",
                 "C-t", summary, "Tab", "Enter", "C-s")
        tmux.wait_for(session, lambda s, case=case: "Recent calls" in s and case in s
                      and "End the call" not in s, timeout=60,
                      what="the home screen after the burst")
        tmux.send_key(session, "C-q")
        assert tmux.wait_exit(session, timeout=30) == (0, None)
        tmux.kill_session(session)

        call = _only_call(export_json(holdtheline_binary(), tmux.env, data_dir))
        got = {
            "reps": [(r["first_name"], r["rep_id"]) for r in call["reps"]],
            "notes": [n["text"] for n in call["notes"]],
            "references": [r["number"] for r in call["references"]],
            "summary": call["summary"],
            "outcome": call["outcome"],
        }
        wanted = {
            "reps": [(first, first_id), (second, second_id)],
            "notes": [note_one],
            "references": [f"TK-{number}4471"],
            "summary": summary,
            "outcome": "resolved",
        }
        if got != wanted:
            misplaced.append(f"round {number}: {got} != {wanted}")
    assert misplaced == [], "\n".join(misplaced)


PASTE = "Reference from the letter:\nTK-4471-88\nconfirmation BP7731-5520"
COLOURED = "Copied from the portal's terminal:\n\x1b[1;31mDENIED\x1b[0m code \x1b[4mCO-197\x1b[0m"
"""Text copied from a coloured terminal: Textual's parser lost it from the first ESC."""


def test_a_pasted_block_is_one_note_and_a_huge_one_is_refused(
    tmux: Tmux, tmp_path: Path, busy_cores: None
) -> None:
    data_dir = tmp_path / "data"
    session = "paste"
    _start_call(tmux, session, data_dir, "Paste")
    tmux.send_key(session, "C-n")
    # Bracketed paste (-p), as a terminal pastes from the clipboard.
    tmux.run("set-buffer", "-b", "block", PASTE)
    tmux.run("paste-buffer", "-p", "-d", "-b", "block", "-t", session)
    tmux.wait_for(session, "TK-4471-88", what="the pasted note in the log")
    tmux.run("set-buffer", "-b", "coloured", COLOURED)
    tmux.run("paste-buffer", "-p", "-d", "-b", "coloured", "-t", session)
    tmux.wait_for(session, "CO-197", what="the pasted escapes, shown as text, in the log")

    huge = tmp_path / "huge.txt"
    huge.write_text(("x" * 99 + "\n") * 10_000)  # 1 MB of lines
    tmux.run("load-buffer", "-b", "huge", str(huge))
    tmux.run("paste-buffer", "-p", "-d", "-b", "huge", "-t", session)
    tmux.wait_for(session, "too long", timeout=60, what="the huge paste refused")
    # Still typing into the same note line afterwards.
    tmux.send_text(session, "after the paste")
    tmux.send_key(session, "Enter")
    tmux.wait_for(session, re.compile(r"\d{2}:\d{2}:\d{2} .*after the paste").search,
                  what="the next note in the log")
    tmux.send_key(session, "C-q")
    tmux.wait_for(session, "again", what="the quit confirmation")
    tmux.send_key(session, "C-q")
    assert tmux.wait_exit(session, timeout=30) == (0, None)

    call = _only_call(export_json(holdtheline_binary(), tmux.env, data_dir))
    assert [n["text"] for n in call["notes"]] == [PASTE, COLOURED, "after the paste"]
    assert all("xxxx" not in n["text"] for n in call["notes"])
