"""What starting the app imports before its first paint: not the screens it has not
shown, not Jinja (letters), not tomlkit (saving the config), not arrow (dates said in
words: "in 3 weeks"). Each was measured in the time to first paint (bench/startup.py);
this keeps them out."""

from __future__ import annotations

import json
import subprocess
import sys

START = """
import json, sys
from pathlib import Path
from tui.launch import load_all_letters, load_all_playbooks, pause_collector
from tui.keys import keymap_for
from tui.config import Config
pause_collector()
from tui.app import HoldTheLineApp
from tui.screens.home import HomeScreen
playbooks, problems = load_all_playbooks([])
letters, trouble = load_all_letters([])
import os
keymap = keymap_for(Config(Path("/nonexistent")), dict(os.environ))
print(json.dumps({"modules": sorted(sys.modules), "playbooks": len(playbooks),
                  "letters": len(letters), "problems": len(problems + trouble),
                  "keymap": keymap}))
"""


def _start(env_extra: dict[str, str] | None = None) -> dict[str, object]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", **(env_extra or {})}
    done = subprocess.run([sys.executable, "-c", START], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_start_up_imports_only_what_home_needs() -> None:
    found = _start()
    modules = set(found["modules"])  # type: ignore[arg-type]
    assert found["playbooks"] and found["letters"] and found["problems"] == 0
    assert found["keymap"] == {}
    for module in ("jinja2", "tomlkit", "arrow", "tui.screens.call", "tui.screens.history",
                   "tui.screens.case", "tui.playbooks.templates"):
        assert module not in modules, module


def test_inside_tmux_the_keymap_still_moves_the_prefix_key() -> None:
    """The fast path is only for a plain terminal: under tmux every binding is read."""
    found = _start({"TMUX": "/tmp/tmux-0/default,1,0"})
    keymap = found["keymap"]
    assert isinstance(keymap, dict)
    assert keymap.get("switch-playbook") == "f6,ctrl+b"  # the live call's ctrl+b,f6


SHOWN = """
import asyncio, html, json, sys
from pathlib import Path
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.launch import load_all_letters, load_all_playbooks
from tui.app import HoldTheLineApp
from tui.screens.home import HomeScreen
from tui.service import Service
from tui.store import Store

store = Store.open(Path(sys.argv[1]))
clock = FrozenClock()
for name in ("Insurer", "Exchange", "Billing office"):  # broken promises: the line, named
    live = LiveCall.start(clock, "case-000000000001", name)
    live.add_promise("call me back by 2020-01-02")
    store.save_call(live.end("callback promised"), index=True)
playbooks, problems = load_all_playbooks([])
letters, trouble = load_all_letters([])
seen = {}

async def main():
    app = HoldTheLineApp(Service(store, playbooks, problems + trouble, letters=letters))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        seen["modules"] = sorted(sys.modules)
        seen["text"] = html.unescape(app.export_screenshot()).replace("\\xa0", " ")

asyncio.run(main())
store.close()
print(json.dumps(seen))
"""


def test_home_on_screen_has_imported_no_other_screen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Home drawn, with its broken promises: still no other screen imported (naming the
    keys in force for the statistics imported every screen: 120 ms of the start)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SHOWN, str(tmp_path / "data")],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Broken promises" in found["text"]
    for module in ("tui.screens.call", "tui.screens.history", "tui.screens.case",
                   "tui.screens.stats"):
        assert module not in found["modules"], module
