"""``holdtheline demo``: the worked example from the spec, and synthetic histories.

* ``story.yaml`` is the motivating case, call by call, as data; ``story.py``
  acts it out through the application layer (:func:`build_story`).
* ``synthetic.py`` makes large realistic histories (:func:`generate`), written
  by the store's bulk path.
* ``command.py`` is the ``demo`` subcommand (:func:`run_demo`).
"""

from tui.demo.command import (
    DEMO_SUBTITLE,
    DEMO_TITLE,
    STORY_DAYS_AGO,
    make_demo_app,
    run_demo,
    story_start,
    write_demo,
)
from tui.demo.story import STORY_FILE, StoryError, build_story, load_story
from tui.demo.synthetic import DEFAULT_UNTIL, generate, history

STORY_TITLE = load_story().case.title

__all__ = [
    "DEFAULT_UNTIL",
    "DEMO_SUBTITLE",
    "DEMO_TITLE",
    "STORY_DAYS_AGO",
    "STORY_FILE",
    "STORY_TITLE",
    "StoryError",
    "build_story",
    "generate",
    "history",
    "load_story",
    "make_demo_app",
    "run_demo",
    "story_start",
    "write_demo",
]
