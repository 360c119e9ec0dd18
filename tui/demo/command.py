"""``holdtheline demo``: open the app on a temporary copy of the story (deleted
afterwards), or write the story and a synthetic history into ``--into DIR``.

No Textual import at module level: the app is imported when it is opened.
"""

from __future__ import annotations

import argparse
import inspect
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePath
from typing import Any, ClassVar

from tui.demo.story import build_story
from tui.demo.synthetic import check_empty, history
from tui.launch import LaunchError, load_all_playbooks, playbook_sources, require_terminal
from tui.service import Service
from tui.store import Store

DEMO_TITLE = "Hold the Line: DEMO"
DEMO_SUBTITLE = "a temporary copy of a worked example; deleted when you quit"
STORY_DAYS_AGO = 30
"""``holdtheline demo`` starts the story this many days before today."""


def story_start(now: datetime | None = None) -> datetime:
    """When the demo's story starts: :data:`STORY_DAYS_AGO` days before ``now``."""
    return (now or datetime.now(UTC)) - timedelta(days=STORY_DAYS_AGO)


def write_demo(directory: Path, calls: int | None, seed: int = 7,
               now: datetime | None = None) -> tuple[int, int]:
    """Synthetic calls (if any) and the story into an empty ``directory``.

    The story is told into a scratch store, then everything is written at once
    with ``Store.write_many`` (with a big history, the story's own saves would
    each rewrite the whole index). Returns (calls, cases) written.
    """
    start = story_start(now)
    check_empty(directory)
    cases, made = history(calls, seed, until=start) if calls else ([], [])
    with tempfile.TemporaryDirectory(prefix="holdtheline-story-") as scratch:
        with Store.open(Path(scratch) / "data") as story:
            build_story(story, start)
            if not story.flush():
                raise OSError("could not write the demo story")
            cases += story.list_cases()
            made += story.iter_calls()
    with Store.open(directory) as store:
        store.write_many(cases, made)
    return len(made), len(cases)


def make_demo_app(service: Service) -> Any:
    """The app, titled and announced as the demo."""
    from tui.app import HoldTheLineApp

    app_dir = Path(inspect.getfile(HoldTheLineApp)).parent

    class DemoApp(HoldTheLineApp):
        # Textual reads CSS_PATH relative to the file of the class: keep tui/app.py's.
        CSS_PATH: ClassVar[list[str | PurePath]] = [
            app_dir / path for path in HoldTheLineApp.CSS_PATH]
        TITLE = DEMO_TITLE
        SUB_TITLE = DEMO_SUBTITLE

        def on_mount(self) -> None:
            # Textual also runs HoldTheLineApp.on_mount (handlers run per class).
            self.notify("This is the demo: a temporary copy of a worked example. "
                        "Look around freely; it is deleted when you quit (ctrl+q).",
                        title="Demo", timeout=10, markup=False)

    return DemoApp(service)


def run_demo(args: argparse.Namespace) -> int:
    """``holdtheline demo [--calls N] [--into DIR]``."""
    calls = getattr(args, "calls", None)
    into = getattr(args, "into", None)
    if calls is not None and calls < 1:
        raise LaunchError(f"--calls {calls}: give a number of calls of at least 1")
    if into is not None:
        target = Path(into).expanduser()
        try:
            total, cases = write_demo(target, calls)
        except ValueError as error:
            raise LaunchError(f"--into {into}: {error}") from None
        except OSError as error:
            raise LaunchError(f"cannot write to {into}: {error.strerror or error}") from None
        print(f"Wrote {total} call{'s' if total != 1 else ''} in {cases} "
              f"case{'s' if cases != 1 else ''} to {target}")
        return 0

    extra_dirs = getattr(args, "playbooks", [])
    playbook_sources(extra_dirs)  # a missing --playbooks folder is refused before any work
    require_terminal()
    temp = Path(tempfile.mkdtemp(prefix="holdtheline-demo-"))
    try:
        os.chmod(temp, 0o700)
        data = temp / "data"
        if calls:
            print(f"Generating {calls} synthetic calls for the demo…", file=sys.stderr)
        write_demo(data, calls)
        playbooks, problems = load_all_playbooks(extra_dirs)
        with Store.open(data) as store:
            make_demo_app(Service(store, playbooks, problems)).run()
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0
