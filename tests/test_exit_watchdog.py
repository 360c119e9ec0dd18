"""The process ends once everything is saved, even when Textual's close never returns
(it can block for ever when the terminal goes away while the app closes: the process
hung, holding the data's lock, and the next start was refused)."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.tmux_helpers import Tmux, holdtheline_binary, run_cli
from tui.app import EXIT_WATCHDOG_SECONDS
from tui.store import Store

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

NEVER_CLOSES = """\
import sys, threading
from textual.drivers.linux_driver import LinuxDriver

def close(self):  # as Textual's output thread did once the terminal was gone
    threading.Event().wait()

LinuxDriver.close = close
from tui.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize(("how", "status"), [("ctrl+q", 0), ("SIGHUP", 128 + 1)])
def test_the_app_ends_with_its_data_closed_when_textual_never_closes(
        tmux: Tmux, tmp_path: Path, how: str, status: int) -> None:
    data = tmp_path / "data"
    run_cli(holdtheline_binary(), tmux.env, "demo", "--into", str(data))
    script = tmp_path / "never_closes.py"
    script.write_text(NEVER_CLOSES)
    tmux.start("stuck", [sys.executable, str(script), "--data-dir", str(data)])
    tmux.wait_for("stuck", "Recent calls", what="home")
    began = time.monotonic()
    if how == "ctrl+q":
        tmux.send_key("stuck", "C-q")
    else:
        os.kill(tmux.pane_pid("stuck"), signal.SIGHUP)
    assert tmux.wait_exit("stuck", timeout=EXIT_WATCHDOG_SECONDS + 20) == (status, None)
    assert time.monotonic() - began >= EXIT_WATCHDOG_SECONDS - 0.5  # by the watchdog
    with Store.open(data, backup=False) as store:  # the lock let go, everything there
        assert store.call_count() > 0 and not store.recovered_calls
