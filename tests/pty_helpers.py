"""Run the installed ``holdtheline`` in a pseudo-terminal of our own (no tmux).

Used by the signal tests and by ``bench/kill_rounds.py``: every byte the app
writes to its terminal is kept, so the test can look for the sequences that
restore the terminal, and keys are written to the terminal as a user types them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]"
                  rb"|\x1b[=>78]")
CTRL = {"ctrl+n": b"\x0e", "ctrl+t": b"\x14", "ctrl+s": b"\x13", "ctrl+q": b"\x11",
        "tab": b"\t", "enter": b"\r", "esc": b"\x1b"}


def holdtheline() -> str:
    """The ``holdtheline`` command installed next to the running Python."""
    return str(Path(sys.executable).with_name("holdtheline"))


def app_env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"TMUX", "TMUX_PANE", "COLUMNS", "LINES", "HOLDTHELINE_HOME"}
           and not key.startswith("TEXTUAL")}
    env["TERM"] = "xterm-256color"
    config = home / "xdg-config"
    config.mkdir(parents=True, exist_ok=True)
    env["XDG_CONFIG_HOME"] = str(config)
    return env


class PtyApp:
    """One ``holdtheline`` process on a 100x30 pseudo-terminal."""

    def __init__(self, args: list[str], env: dict[str, str], width: int = 100,
                 height: int = 30, command: list[str] | None = None) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.attrs_before = termios.tcgetattr(self.slave)
        self.output = bytearray()
        self.chunks: list[tuple[float, int]] = []
        """(time read, length of ``output`` after it): when each part arrived."""
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [*(command or [holdtheline()]), *args], stdin=self.slave, stdout=self.slave,
            stderr=self.slave, env=env, start_new_session=True, close_fds=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk
                self.chunks.append((time.monotonic(), len(self.output)))

    def shown_at(self, text: str, since: float) -> float | None:
        """When ``text`` first appeared on the terminal after ``since`` (None: never).

        Keys are drawn only once the app has handled them, so this is an upper bound
        on when a typed key was handled.
        """
        with self._lock:
            chunks = list(self.chunks)
            raw = bytes(self.output)
        start = next((end for at, end in reversed(chunks) if at <= since), 0)
        wanted = text.encode("utf-8")
        for at, end in chunks:
            if at > since and wanted in ANSI.sub(b"", raw[start:end]):
                return at
        return None

    def raw(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def text(self) -> str:
        """What the app wrote, escape sequences removed (good enough to find words)."""
        return ANSI.sub(b"", self.raw()).decode("utf-8", "replace")

    def wait_for(self, *words: str, timeout: float = 30.0, since: int = 0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            shown = ANSI.sub(b"", self.raw()[since:]).decode("utf-8", "replace")
            if all(word in shown for word in words):
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited ({self.process.returncode}) while "
                                     f"waiting for {words}: {shown[-2000:]!r}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {words}: {shown[-2000:]!r}")
            time.sleep(0.05)

    def type(self, data: bytes | str) -> None:
        os.write(self.master, data.encode("utf-8") if isinstance(data, str) else data)

    def key(self, name: str) -> None:
        self.type(CTRL[name])

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def wait(self, timeout: float = 20.0) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the app did not exit within {timeout}s") from None

    def attrs_now(self) -> list[Any]:
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self._reader.join(timeout=2)

    def close_terminal(self) -> None:
        """The terminal window goes away: the app's side now gets EIO."""
        os.close(self.master)
        self.master = -1


def run_cli(env: dict[str, str], *args: str, timeout: float = 60.0
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([holdtheline(), *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, stdin=subprocess.DEVNULL)


def export_document(env: dict[str, str], data_dir: Path) -> dict[str, Any]:
    done = run_cli(env, "--data-dir", str(data_dir), "export", "--format", "json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def sigkill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def busy_loops(count: int = 2, seconds: int = 600) -> list[subprocess.Popen[bytes]]:
    """Shell busy loops keeping ``count`` cores busy, each in a session of its own so that
    :func:`end_busy_loops` ends the shell too (killing ``timeout`` alone leaves it spinning,
    holding any pipe it inherited)."""
    return [subprocess.Popen(["timeout", str(seconds), "sh", "-c", "while :; do :; done"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            for _ in range(count)]


def end_busy_loops(loops: list[subprocess.Popen[bytes]]) -> None:
    for loop in loops:
        try:
            os.killpg(loop.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        loop.wait()
