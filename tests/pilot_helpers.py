"""Waiting in Pilot tests: for a condition, never for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

TIMEOUT = 30.0
"""Generous bound for any wait: a busy machine is slow, not wrong."""
POLL = 0.02
"""Seconds between two looks while waiting (the app keeps running meanwhile)."""


async def wait_until(
    pilot: Pilot, condition: Callable[[], bool], what: str, timeout: float = TIMEOUT
) -> None:
    """Let the app run until ``condition`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(POLL)


def highlighted_command(pilot: Pilot) -> str:
    """The prompt of the highlighted hit in the open command palette ("" if none)."""
    screen = pilot.app.screen
    if not isinstance(screen, CommandPalette):
        return ""
    results = screen.query_one(CommandList)
    if results.highlighted is None or results.option_count == 0:
        return ""
    prompt = results.get_option_at_index(results.highlighted).prompt
    return getattr(prompt, "plain", str(prompt))


def palette_searching(pilot: Pilot) -> bool:
    """Is the command palette still gathering hits for what was typed?"""
    group = CommandPalette._GATHER_COMMANDS_GROUP
    return any(
        worker.group == group and not worker.is_finished for worker in pilot.app.workers
    )


async def wait_for_command(pilot: Pilot, text: str) -> None:
    """Wait until the palette's search is done and highlights a hit containing ``text``.

    The search runs in a worker after each key; until it is done the list can
    still show the hits of an earlier, shorter query.
    """
    await wait_until(
        pilot,
        lambda: not palette_searching(pilot)
        and text.lower() in highlighted_command(pilot).lower(),
        what=f"the command palette to highlight a hit containing {text!r}",
    )
