"""Signals and crashes end well (issue 12 point 5).

The installed command runs on a pseudo-terminal of the test's own. SIGTERM, SIGHUP
and SIGINT during a call: what was typed is on disk, the call is kept as
interrupted (resumable, like after a crash), the terminal gets its restore
sequences and settings back, and the exit status is 128 + the signal. An unhandled
error: one paragraph on the terminal, a private crash log without user text.
"""

from __future__ import annotations

import signal
import stat
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.pty_helpers import PtyApp, app_env, export_document

CANARY = "MEMBER-7731-CANARY"
RESTORE = (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?2004l")
"""Leave the alternate screen, show the cursor, mouse off, bracketed paste off."""


CRASHER = """
import sys
from tui.service.calls import LiveSession
from tui.cli import main

def enter_line(self, line):
    secret = line
    raise RuntimeError("could not take " + secret)

LiveSession.enter_line = enter_line
sys.argv[0] = "holdtheline"
sys.exit(main(sys.argv[1:]))
"""


def _start_call(tmp_path: Path, name: str) -> tuple[PtyApp, Path, dict[str, str]]:
    data = tmp_path / name
    env = app_env(tmp_path)
    app = PtyApp(["--data-dir", str(data), "call", "--case", "Signals",
                  "--playbook", "health-insurer"], env)
    app.wait_for("First name", "Saved")
    time.sleep(0.3)
    # Each step waits until the app has drawn what was typed (it has handled it): on a
    # busy machine keys can take seconds to be handled, and only handled keys count.
    app.type("Dana")
    app.wait_for("Dana")
    app.key("ctrl+n")
    time.sleep(0.3)
    mark = len(app.raw())
    app.type(f"kept {CANARY}")
    app.wait_for(CANARY, since=mark)
    app.key("enter")
    time.sleep(0.3)
    mark = len(app.raw())
    app.type("typed just now")  # the draft note, not entered yet
    app.wait_for("typed just now", since=mark)
    return app, data, env


def _assert_resumable(env: dict[str, str], data: Path) -> None:
    (call,) = export_document(env, data)["calls"]
    assert call["status"] == "ended" and call["outcome"] == "interrupted"
    assert call["reps"][0]["first_name"] == "Dana"
    notes = [note["text"] for note in call["notes"]]
    assert f"kept {CANARY}" in notes and "typed just now" in notes, notes


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signal_saves_the_call_restores_the_terminal_and_exits_nonzero(
        tmp_path: Path, signum: int) -> None:
    app, data, env = _start_call(tmp_path, "data")
    try:
        time.sleep(0.3)
        before = len(app.raw())
        app.signal(signum)
        assert app.wait() == 128 + signum
        time.sleep(0.2)
        after = app.raw()[before:]
        for sequence in RESTORE:
            assert sequence in after, (sequence, after[-400:])
        now = app.attrs_now()
        assert now[3] & termios.ICANON and now[3] & termios.ECHO
        assert now == app.attrs_before
    finally:
        app.close()
    _assert_resumable(env, data)


@pytest.mark.slow
def test_terminal_closed_then_sighup_still_saves_and_exits(tmp_path: Path) -> None:
    app, data, env = _start_call(tmp_path, "data")
    try:
        time.sleep(0.3)
        app.close_terminal()
        app.signal(signal.SIGHUP)
        assert app.wait() == 128 + signal.SIGHUP
    finally:
        app.close()
    _assert_resumable(env, data)


@pytest.mark.slow
def test_unhandled_error_saves_prints_one_paragraph_and_a_private_log(tmp_path: Path) -> None:
    """Entering a note raises, with the note in the message and in a local variable:
    neither may reach the terminal or the log."""
    data = tmp_path / "data"
    env = app_env(tmp_path)
    app = PtyApp(["--data-dir", str(data), "call", "--case", "Crash",
                  "--playbook", "health-insurer"], env, command=[sys.executable, "-c", CRASHER])
    try:
        app.wait_for("First name", "Saved")
        time.sleep(0.3)
        app.type("Dana")
        time.sleep(0.3)
        app.key("ctrl+n")
        time.sleep(0.3)
        app.type(f"boom {CANARY}")
        time.sleep(0.3)
        before = len(app.raw())
        app.key("enter")
        assert app.wait() == 1
        time.sleep(0.2)
        after = app.raw()[before:]
        assert b"\x1b[?1049l" in after
        assert app.attrs_now() == app.attrs_before
        shown = app.text()
    finally:
        app.close()
    tail = shown[shown.index("Hold the Line stopped because"):]
    assert CANARY not in tail and "Traceback" not in tail
    assert "Nothing was lost" in tail and "crash log" in tail
    (log,) = (data / "crash-logs").glob("crash-*.log")
    assert str(log) in tail.replace("\r\n", "").replace("\n", "")
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text("utf-8")
    assert CANARY not in text and "RuntimeError" in text and "enter_line" in text
    (call,) = export_document(env, data)["calls"]
    assert call["outcome"] == "interrupted" and call["reps"][0]["first_name"] == "Dana"
