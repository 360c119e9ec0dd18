"""Drive the installed ``holdtheline`` command in a real terminal (tmux).

Every test gets its own tmux server (``tmux -L <unique name>``), so the user's
own tmux sessions are never touched; the server is killed when the test ends.

Facts these helpers are built around:

* Textual draws its UI on stderr, so the app's stderr is never redirected.
* Keys sent in one burst can race inside Textual (a focus change or Enter can
  be handled after the characters that follow it), so text and special keys
  are sent separately with a short pause after each.
* Conditions are awaited by polling ``capture-pane`` with a bounded timeout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tui.domain.model import SCHEMA_VERSION

WIDTH = 100
HEIGHT = 30
KEY_PAUSE = 0.3
"""Seconds to wait after text and after a special key (see the module docstring)."""


def tmux_binary() -> str:
    """The tmux executable; skips the test when tmux is not installed."""
    found = shutil.which("tmux")
    if found is None:
        pytest.skip("tmux is not installed")
    return found


def holdtheline_binary() -> str:
    """The installed ``holdtheline`` command of the Python running the tests.

    The script next to ``sys.executable`` (the venv's) comes first, so a
    different copy elsewhere on PATH is never tested by mistake.
    """
    beside = Path(sys.executable).parent / "holdtheline"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("holdtheline")
    if found is None:
        pytest.fail(f"holdtheline is not installed (looked in {beside.parent} and on PATH)")
    return found


def app_env(tmp_path: Path) -> dict[str, str]:
    """Environment for the app: the caller's, minus anything that could leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TMUX", "TMUX_PANE", "COLUMNS", "LINES", "HOLDTHELINE_HOME"}
        and not key.startswith("TEXTUAL")
    }
    env["TERM"] = "xterm-256color"
    # No user playbooks from the real config folder can override shipped ones.
    config = tmp_path / "xdg-config"
    config.mkdir(exist_ok=True)
    env["XDG_CONFIG_HOME"] = str(config)
    return env


def run_cli(
    binary: str, env: dict[str, str], *args: str, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run a non-interactive ``holdtheline`` command; fail with its stderr if it fails."""
    result = subprocess.run(
        [binary, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (
        f"holdtheline {' '.join(args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


def export_json(binary: str, env: dict[str, str], data_dir: Path) -> dict[str, Any]:
    """``holdtheline --data-dir DIR export --format json``, parsed."""
    result = run_cli(binary, env, "--data-dir", str(data_dir), "export", "--format", "json")
    document = json.loads(result.stdout)
    assert document["format"] == "holdtheline-export"
    assert document["schema_version"] == SCHEMA_VERSION
    return document


class Tmux:
    """One private tmux server; sessions run one command each."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.binary = tmux_binary()
        self.socket = f"htl-test-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        self.env = env
        self.config = tmp_path / "tmux.conf"
        # remain-on-exit keeps a dead pane around so its exit status can be read;
        # no status line, so the app gets the whole 100x30 window.
        self.config.write_text(
            "set -s exit-empty off\n"
            "set -g remain-on-exit on\n"
            "set -g status off\n"
            "set -g default-terminal xterm-256color\n"
            "set -g history-limit 0\n",
            encoding="utf-8",
        )

    # -- plumbing -----------------------------------------------------------
    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.binary, "-L", self.socket, "-f", str(self.config), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {result.stderr.strip()}")
        return result

    def kill_server(self) -> None:
        """Stop this test's tmux server (and so its apps) and remove its socket."""
        found = self.run("display-message", "-p", "#{socket_path}", check=False)
        self.run("kill-server", check=False)
        socket_path = Path(found.stdout.strip()) if found.returncode == 0 else None
        if socket_path is not None and socket_path.name == self.socket:
            socket_path.unlink(missing_ok=True)

    # -- sessions -------------------------------------------------------------
    def start(self, name: str, argv: list[str]) -> None:
        """A detached session running ``argv`` directly (no shell): pane_pid is the app."""
        self.run(
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-e",
            "TERM=xterm-256color",
            *argv,
        )

    def kill_session(self, name: str) -> None:
        self.run("kill-session", "-t", name, check=False)

    def capture(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name).stdout

    def display(self, name: str, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", name, fmt).stdout.strip()

    def pane_pid(self, name: str) -> int:
        return int(self.display(name, "#{pane_pid}"))

    def pane_exit(self, name: str) -> tuple[bool, int | None, int | None]:
        """(dead, exit status, signal) of the pane's command.

        tmux marks a pane dead when its terminal closes, which can be a moment
        before it has reaped the process; status and signal are None until then.
        """
        fields = self.display(name, "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}")
        dead, status, signal_number = (fields.split("|") + ["", ""])[:3]

        def number(text: str) -> int | None:
            return int(text) if text.strip().lstrip("-").isdigit() else None

        return dead == "1", number(status), number(signal_number)

    # -- keys -------------------------------------------------------------
    def send_text(self, name: str, text: str, pause: float = KEY_PAUSE) -> None:
        """Type ``text`` literally, then pause.

        tmux reads an argument ending in ``;`` as the end of a command (``x;`` is
        sent as ``x``); a backslash before that last ``;`` keeps it literal.
        """
        if text.endswith(";"):
            text = text[:-1] + "\\;"
        self.run("send-keys", "-t", name, "-l", text)
        if pause:
            time.sleep(pause)

    def send_key(self, name: str, key: str, pause: float = KEY_PAUSE) -> None:
        """Press one named key (``Tab``, ``Enter``, ``C-n``...), then pause."""
        self.run("send-keys", "-t", name, key)
        if pause:
            time.sleep(pause)

    # -- waiting ------------------------------------------------------------
    def wait_for(
        self,
        name: str,
        condition: str | Callable[[str], bool],
        timeout: float = 15.0,
        what: str = "",
    ) -> str:
        """Poll the screen until ``condition`` (text on screen, or a predicate) holds."""
        check = (lambda screen: condition in screen) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture(name)
            if check(screen):
                return screen
            dead, status, signal_number = self.pane_exit(name)
            if dead:
                raise AssertionError(
                    f"the app exited (status {status}, signal {signal_number}) while waiting for "
                    f"{what or condition!r}; last screen:\n{screen}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what or condition!r}; "
                    f"screen:\n{screen}"
                )
            time.sleep(0.05)

    def wait_exit(self, name: str, timeout: float = 15.0) -> tuple[int | None, int | None]:
        """Wait until the pane's command has exited and been reaped.

        Returns (exit status, signal): exactly one of them is set.

        tmux built with libutempter can miss a pane's SIGCHLD (utempter swaps
        in its own handler while the dead pane's utmp record is removed; see
        tmux issue #311), which leaves the pane dead with no status and the
        process a zombie. Then the server (ours, by pid) is nudged with SIGCHLD
        so that it calls waitpid again.
        """
        deadline = time.monotonic() + timeout
        dead_since: float | None = None
        while True:
            dead, status, signal_number = self.pane_exit(name)
            if dead and (status is not None or signal_number is not None):
                return status, signal_number
            now = time.monotonic()
            if dead:
                dead_since = dead_since or now
                if now - dead_since > 0.3:
                    os.kill(self.server_pid(), signal.SIGCHLD)
                    dead_since = now
            if now > deadline:
                raise AssertionError(
                    f"the app did not exit within {timeout}s (pane dead: {dead}); "
                    f"screen:\n{self.capture(name)}"
                )
            time.sleep(0.05)

    def server_pid(self) -> int:
        return int(self.run("display-message", "-p", "#{pid}").stdout.strip())


def app_pid(pane_pid: int) -> int:
    """The holdtheline process: the pane's own process, or else its child."""

    def cmdline(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return ""

    if "holdtheline" in cmdline(pane_pid):
        return pane_pid
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == pane_pid and "holdtheline" in cmdline(int(entry.name)):
            return int(entry.name)
    raise AssertionError(f"no holdtheline process under pane pid {pane_pid}: {cmdline(pane_pid)!r}")
