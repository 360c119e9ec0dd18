"""The shipped playbooks, as the story and the synthetic calls use them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from tui.paths import shipped_playbooks_dir
from tui.playbooks import Playbook, load_playbooks


@lru_cache(maxsize=1)
def shipped_playbooks() -> dict[str, Playbook]:
    """The playbooks that come with the app, by id (loaded once; do not change them)."""
    found, _problems = load_playbooks([(shipped_playbooks_dir(), "shipped")])
    return found


def step_keys(playbook: Playbook, words: Sequence[str] = ()) -> list[str]:
    """Checklist keys of the steps whose title has one of ``words`` (no words: every step).

    The key is the playbook panel's ``step_key``: ``"<playbook id>#<n>: <title>"``.
    """
    wanted = [word.casefold() for word in words]
    return [
        f"{playbook.id}#{number}: {step.title}"
        for number, step in enumerate(playbook.steps, start=1)
        if not wanted or any(word in step.title.casefold() for word in wanted)
    ]
