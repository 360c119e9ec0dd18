"""Drive the installed ``holdtheline`` command in a real terminal (tmux).

Every test gets its own tmux server (``tmux -L <unique name>``, the name made of
the process id and a random part, so parallel pytest-xdist workers never share
one), so the user's own tmux sessions are never touched; the server is killed
when the test ends.

Facts these helpers are built around:

* Textual draws its UI on stderr, so the app's stderr is never redirected.
* Nothing here sleeps to synchronise. Every step is: send one thing (a piece of
  text or one named key), then wait until the screen shows that it took effect,
  and only then send the next. Waiting means polling ``capture-pane -p`` every
  ``POLL`` seconds with a generous bounded timeout (``TIMEOUT``, 30 s), which
  fails with the pane's content (or with the exit status if the app died). On a
  busy machine a step simply takes longer; nothing is timed by the clock.
* Why one step at a time: the app can handle keys sent in one burst out of
  order (a Tab, which moves focus, can be handled after the characters that
  follow it, so they land in the wrong field). Until the app fixes that, a
  key that moves focus must be seen to have moved it before typing goes on.
* What shows that focus moved (``Tmux.wait_focus``). Both signs below were
  checked against Textual 8.2.8 with ``capture-pane -p -e`` and
  ``display -p '#{cursor_x} #{cursor_y}'``:

  1. The terminal cursor. Textual hides it, but still moves it to the caret of
     the focused ``Input`` (for input methods) whenever an input gains focus or
     its text changes. For an empty input the caret is on the first cell of the
     placeholder or the cell after it, so "cursor on the placeholder's row,
     within its columns" means "that input has focus". It does not depend on
     colours or the theme.
  2. The caret block. A screen's ``AUTO_FOCUS`` is applied while the screen is
     composed, before its first layout, so the terminal cursor is not moved
     for it (it stays at the top left). The focused input then still draws its
     caret, a block with its own background, on the first cell of its
     placeholder; an unfocused placeholder has one background throughout. The
     caret blinks (0.5 s on, 0.5 s off), which polling catches within a second.

  A widget that is not an input (the end-call dialog's outcome radio set) has
  no such sign; there the dialog's own text is awaited, since Textual focuses
  a screen's ``AUTO_FOCUS`` widget before the screen's first frame.
* Typed text is awaited where the app shows it (the field itself, the rep
  chain, the notes log), so the next step never overtakes it.
"""

from __future__ import annotations

import json
import os
import re
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
TIMEOUT = 30.0
"""Seconds any wait may take before it fails with the screen (generous for busy machines)."""
POLL = 0.05
"""Seconds between two looks at the screen while waiting.

Each look starts a tmux client; looking much more often would cost a busy
machine CPU time that the app under test needs."""

_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _styled_lines(raw: str) -> list[tuple[str, list[str]]]:
    """Parse ``capture-pane -p -e`` output: (text, background of each character) per line.

    Only what tmux emits there is handled: SGR sequences (``ESC [ ... m``). The
    background is kept as the SGR parameters that set it ("48;5;235", "42", or
    "" for the default), with reverse video folded in as "reverse:<foreground>".
    """
    lines: list[tuple[str, list[str]]] = []
    fg, bg, reverse = "", "", False
    for raw_line in raw.split("\n"):
        text: list[str] = []
        backgrounds: list[str] = []
        position = 0
        for match in _SGR.finditer(raw_line + "\x1b[m"):
            for char in raw_line[position : match.start()]:
                text.append(char)
                backgrounds.append(f"reverse:{fg}" if reverse else bg)
            position = match.end()
            params = match.group(1).replace(":", ";").split(";")
            index = 0
            while index < len(params):
                code = params[index] or "0"
                if code == "0":
                    fg, bg, reverse = "", "", False
                elif code == "7":
                    reverse = True
                elif code == "27":
                    reverse = False
                elif code in ("38", "48"):
                    size = 3 if index + 1 < len(params) and params[index + 1] == "5" else 5
                    value = ";".join(params[index : index + size])
                    if code == "38":
                        fg = value
                    else:
                        bg = value
                    index += size - 1
                elif code == "39":
                    fg = ""
                elif code == "49":
                    bg = ""
                elif code.isdigit() and (30 <= int(code) <= 37 or 90 <= int(code) <= 97):
                    fg = code
                elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
                    bg = code
                index += 1
        lines.append(("".join(text), backgrounds))
    return lines


_EXIT_FORMAT = "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"


def _parse_exit(fields: str) -> tuple[bool, int | None, int | None]:
    dead, status, signal_number = (fields.strip().split("|") + ["", ""])[:3]

    def number(text: str) -> int | None:
        return int(text) if text.strip().lstrip("-").isdigit() else None

    return dead == "1", number(status), number(signal_number)


def locate(screen: str, text: str) -> tuple[int, int]:
    """(row, column) of ``text`` on the screen; it must appear exactly once.

    The column counts characters, which is the terminal's column as long as the
    line holds no double-width character before it (true of the form rows here).
    """
    found = [
        (row, line.index(text))
        for row, line in enumerate(screen.split("\n"))
        if text in line
    ]
    occurrences = sum(line.count(text) for line in screen.split("\n"))
    if occurrences != 1:
        raise AssertionError(
            f"expected {text!r} exactly once on the screen, found it {occurrences} times:\n"
            f"{screen}"
        )
    return found[0]


def field_at(screen: str, placeholder: str, context: str = "") -> tuple[int, int] | None:
    """(row, column) of ``placeholder`` after ``context`` on its line; None unless just once.

    Any spacing may separate the two (the form's labels sit in a column of their own).
    """
    marker = context.strip()
    found = []
    for row, line in enumerate(screen.split("\n")):
        start = line.find(marker)
        if start < 0:
            continue
        column = line.find(placeholder, start + len(marker))
        if column >= 0 and line.count(placeholder) == 1:
            found.append((row, column))
    return found[0] if len(found) == 1 else None


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
        return _parse_exit(self.display(name, _EXIT_FORMAT))

    def capture_and_exit(self, name: str) -> tuple[str, tuple[bool, int | None, int | None]]:
        """The screen and ``pane_exit``, from one tmux client (cheaper when polling)."""
        out = self.run(
            "capture-pane", "-p", "-t", name, ";", "display-message", "-p", "-t", name,
            _EXIT_FORMAT,
        ).stdout
        screen, _, fields = out.rstrip("\n").rpartition("\n")
        return screen + "\n", _parse_exit(fields)

    # -- keys -------------------------------------------------------------
    def send_text(self, name: str, text: str) -> None:
        """Type ``text`` literally (no pause: wait for its effect on screen next).

        tmux reads an argument ending in ``;`` as the end of a command (``x;`` is
        sent as ``x``); a backslash before that last ``;`` keeps it literal.
        """
        if text.endswith(";"):
            text = text[:-1] + "\\;"
        self.run("send-keys", "-t", name, "-l", text)

    def send_key(self, name: str, key: str) -> None:
        """Press one named key (``Tab``, ``Enter``, ``C-n``...); wait for its effect next."""
        self.run("send-keys", "-t", name, key)

    # -- looking ------------------------------------------------------------
    def capture_styled(self, name: str) -> list[tuple[str, list[str]]]:
        """The screen with the background of every character (see ``_styled_lines``)."""
        return _styled_lines(self.run("capture-pane", "-p", "-e", "-t", name).stdout)

    def cursor(self, name: str) -> tuple[int, int]:
        """(column, row) of the terminal cursor (Textual hides it but still moves it)."""
        column, row = self.display(name, "#{cursor_x} #{cursor_y}").split()
        return int(column), int(row)

    # -- waiting ------------------------------------------------------------
    def wait_for(
        self,
        name: str,
        condition: str | Callable[[str], bool],
        timeout: float = TIMEOUT,
        what: str = "",
    ) -> str:
        """Poll the screen until ``condition`` (text on screen, or a predicate) holds.

        Returns that screen. Fails with the last screen after ``timeout`` seconds,
        or at once if the app exits meanwhile.
        """
        check = (lambda screen: condition in screen) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen, (dead, status, signal_number) = self.capture_and_exit(name)
            if check(screen):
                return screen
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
            time.sleep(POLL)

    def wait_focus(
        self,
        name: str,
        placeholder: str,
        context: str = "",
        timeout: float = TIMEOUT,
        what: str = "",
    ) -> tuple[int, int]:
        """Wait until the empty input showing ``placeholder`` has focus; its (row, column).

        ``context`` is text earlier on the placeholder's line (any spacing between), when
        the placeholder alone is not unique (``"Rep 2 "`` + ``"First name"``).
        The signs of focus are described in the module docstring: the terminal
        cursor on the placeholder, or the caret block on its first cell.
        """
        label = what or f"focus on the {placeholder!r} field"
        screen = self.wait_for(
            name, lambda s: field_at(s, placeholder, context) is not None,
            timeout=timeout, what=label,
        )
        position = field_at(screen, placeholder, context)
        assert position is not None
        row, column = position
        deadline = time.monotonic() + timeout
        while not self.has_focus(name, row, column, placeholder):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {label} (field at row {row}, "
                    f"column {column}; terminal cursor at {self.cursor(name)}); "
                    f"screen:\n{self.capture(name)}"
                )
            time.sleep(POLL)
        return row, column

    def has_focus(self, name: str, row: int, column: int, placeholder: str) -> bool:
        """One look: does the empty input whose placeholder is at (row, column) have focus?

        True when the terminal cursor is on the placeholder, or when the caret
        block is drawn on its first cell (see the module docstring).
        """
        out = self.run(
            "display-message", "-p", "-t", name, "#{cursor_x} #{cursor_y}", ";",
            "capture-pane", "-p", "-e", "-t", name,
        ).stdout
        cursor, _, raw = out.partition("\n")
        x, y = (int(number) for number in cursor.split())
        if y == row and column <= x <= column + len(placeholder):
            return True
        lines = _styled_lines(raw)
        if row >= len(lines):
            return False
        text, backgrounds = lines[row]
        return (
            text[column : column + len(placeholder)] == placeholder
            and len(backgrounds) > column + 1
            and backgrounds[column] != backgrounds[column + 1]
        )

    def wait_exit(self, name: str, timeout: float = TIMEOUT) -> tuple[int | None, int | None]:
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
            time.sleep(POLL)

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
