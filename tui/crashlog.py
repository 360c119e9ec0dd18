"""Crash logs that hold no user data, and the one paragraph shown after a crash.

A crash log names where the program was (file, line, function of every frame) and
the kind of error. It never holds local variables or the error's message: both can
carry what the user typed (a member number, a note).
"""

from __future__ import annotations

import os
import platform
import sys
import time
import traceback
from pathlib import Path

from tui import __version__
from tui.store.atomic import FILE_MODE, ensure_private_dir

CRASH_DIR_NAME = "crash-logs"
KEEP_LOGS = 20
"""Newest crash logs kept; older ones are removed."""


def crash_dir(data_dir: Path) -> Path:
    """Where crash logs go: a private folder inside the data folder."""
    return data_dir / CRASH_DIR_NAME


def _kind(error: BaseException) -> str:
    kind = type(error)
    return kind.__qualname__ if kind.__module__ == "builtins" else (
        f"{kind.__module__}.{kind.__qualname__}")


def describe(error: BaseException) -> str:
    """The error as text for the log: kinds and frames only, causes included."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        block = [f"{_kind(current)} (message left out: it may hold your data)"]
        block += [f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
        parts.append("\n".join(block))
        current = current.__cause__ or current.__context__
    return "\n\ncaused while handling:\n".join(parts)


def write_crash_log(error: BaseException, directory: Path) -> Path | None:
    """Write a crash log (0600, in a 0700 folder); its path, or None if that failed."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    text = (f"Hold the Line {__version__} crashed at {stamp} UTC\n"
            f"Python {platform.python_version()} on {sys.platform}\n\n"
            f"{describe(error)}\n")
    try:
        ensure_private_dir(directory)
        path = directory / f"crash-{stamp}-{os.getpid()}.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)
        _prune(directory)
        return path
    except OSError:
        return None


def _prune(directory: Path) -> None:
    logs = sorted(directory.glob("crash-*.log"))
    for old in logs[:-KEEP_LOGS]:
        try:
            old.unlink()
        except OSError:
            pass


def crash_message(log: Path | None, saved: bool) -> str:
    """What the user reads after a crash, in one paragraph."""
    kept = ("Nothing was lost: everything you typed is on disk, and a call that was "
            "running is kept as interrupted (continue it from the home screen)."
            if saved else
            "Your data could not all be written at the last moment; what was saved "
            "before (at most the last second of typing is missing) is on disk.")
    where = (f"A crash log without any of your text is in {log}; please attach it to a "
             "bug report." if log else "The crash log could not be written.")
    return f"Hold the Line stopped because of an error in the program. {kept} {where}"
