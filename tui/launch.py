"""Starting up, shared by the command line and the demo: where playbooks come from,
opening the data, and checking that the app has a terminal to draw on."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui import paths

if TYPE_CHECKING:  # loaded by the functions that need them: not by the read commands
    from tui.domain.clock import Clock
    from tui.playbooks import LetterTemplate, Playbook, PlaybookProblem
    from tui.service import Service
    from tui.store import Store


class LaunchError(Exception):
    """A problem to report in one line, with exit status 1."""


class NoTerminal(LaunchError):
    """The app was started without a terminal (exit status 2)."""


NO_TERMINAL = (
    "the app needs a terminal (standard input and output are not one); to get your "
    "data out without one, use 'holdtheline export' or 'holdtheline history'"
)


def require_terminal(streams: tuple[TextIO, ...] | None = None) -> None:
    """``NoTerminal`` unless standard input, output and error are all terminals.

    Textual draws on standard error and reads keys from standard input: started
    from a pipe, cron or ``timeout``, it would write escape codes into the pipe
    and never exit.
    """
    for stream in streams or (sys.stdin, sys.stdout, sys.stderr):
        try:
            if stream is None or not os.isatty(stream.fileno()):
                raise NoTerminal(NO_TERMINAL)
        except (AttributeError, OSError, ValueError):
            raise NoTerminal(NO_TERMINAL) from None


def pause_collector() -> None:
    """No garbage-collector passes while starting: the index rows, cases, playbooks and
    screens made now live as long as the app, and a 50,000-call history made the
    collector walk them again and again (about a quarter of the time to first paint).
    The app freezes them and turns the collector back on after its first paint."""
    gc.disable()


def playbook_sources(extra_dirs: list[str]) -> list[tuple[Path, str]]:
    """Shipped playbooks, the user's own, then every ``--playbooks DIR`` (later wins)."""
    dirs = [(paths.shipped_playbooks_dir(), "shipped"), (paths.user_playbooks_dir(), "user")]
    for extra in extra_dirs:
        path = Path(extra).expanduser()
        if not path.is_dir():
            raise LaunchError(f"--playbooks {extra}: no such folder")
        dirs.append((path, "--playbooks"))
    return dirs


def load_all_playbooks(
    extra_dirs: list[str],
) -> tuple[dict[str, Playbook], list[PlaybookProblem]]:
    """Every playbook and every problem found loading them."""
    from tui.playbooks import load_playbooks

    sources: list[Path | tuple[Path, str]] = [*playbook_sources(extra_dirs)]
    return load_playbooks(sources)


def load_all_letters(
    extra_dirs: list[str],
) -> tuple[list[LetterTemplate], list[PlaybookProblem]]:
    """Letters for any organisation from every playbook folder's ``letters/``."""
    from tui.playbooks import load_letters

    sources: list[Path | tuple[Path, str]] = [*playbook_sources(extra_dirs)]
    return load_letters(sources)


def open_service(store: Store, extra_dirs: list[str], clock: Clock | None = None) -> Service:
    """The application layer over ``store`` with every playbook and letter loaded."""
    from tui.service import Service

    playbooks, problems = load_all_playbooks(extra_dirs)
    letters, trouble = load_all_letters(extra_dirs)
    return Service(store, playbooks, problems + trouble, clock, letters)
