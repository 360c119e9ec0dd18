"""End to end in a real terminal: a call file damaged while the app runs is found by a
search, named, kept aside, and put back from the backup in one key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tmux_helpers import Tmux, holdtheline_binary, run_cli

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

SESSION = "damaged"


def _filter_holds(text: str) -> Callable[[str], bool]:
    """Does the history's filter (the field under the title) show exactly ``text``?"""
    def check(screen: str) -> bool:
        lines = screen.split("\n")
        return len(lines) > 2 and lines[2].strip(" ▊▎") == text
    return check


def test_a_call_damaged_while_the_app_runs_is_put_back_in_one_key(
        tmux: Tmux, tmp_path: Path) -> None:
    binary = holdtheline_binary()
    data = tmp_path / "data"
    run_cli(binary, tmux.env, "demo", "--into", str(data))
    run_cli(binary, tmux.env, "--data-dir", str(data), "backup", "now")
    victim = sorted((data / "calls").glob("call-*.json"))[3]
    good = victim.read_bytes()
    tmux.start(SESSION, [binary, "--data-dir", str(data)])
    tmux.wait_for(SESSION, "Recent calls", what="home")
    victim.write_bytes(b"garbage{")
    tmux.send_key(SESSION, "h")
    tmux.wait_for(SESSION, "calls · sorted by", what="the history")
    tmux.send_text(SESSION, "denied")
    tmux.wait_for(SESSION, "Damaged file", what="the damaged call named")
    # The file may be named before every key typed is handled (the reading ends first):
    # every key still lands in the filter, and no dialog takes any of them.
    screen = tmux.wait_for(SESSION, _filter_holds("denied"), what="the filter holding 'denied'")
    assert "Damaged data files" not in screen
    tmux.send_key(SESSION, "Escape")
    tmux.wait_for(SESSION, "Damaged data files", what="the restore offered back home")
    tmux.send_key(SESSION, "r")
    tmux.wait_for(SESSION, "Restored calls/" + victim.name, what="the restore said")
    tmux.send_key(SESSION, "C-q")
    assert tmux.wait_exit(SESSION) == (0, None)
    assert victim.read_bytes() == good
    (kept,) = (data / "damaged").rglob(victim.name)
    assert kept.read_bytes() == b"garbage{"
