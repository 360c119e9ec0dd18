"""The command palette: every action of the screen you are on, by what it does, and
playbooks by name (matched only on their name or the word "playbook")."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.domain.text import visible

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp


def screen_actions(screen: Screen[Any]) -> Iterator[tuple[str, str, Binding]]:
    """(title, help, binding) for each named action of ``screen``."""
    titles: dict[str, str] = getattr(screen, "COMMAND_TITLES", {})
    for item in screen.BINDINGS:
        if not isinstance(item, Binding) or not item.id or not item.description:
            continue
        if item.id in titles or item.show:
            yield titles.get(item.id, item.description), item.tooltip, item


class PlaybookCommands(Provider):
    """During a call: switch the side panel to a playbook, found by its name."""

    @property
    def _app(self) -> HoldTheLineApp:
        return cast("HoldTheLineApp", self.app)

    def _targets(self) -> list[tuple[str, Any, str]]:
        from tui.screens.call import CallScreen

        screen = self.screen
        if not isinstance(screen, CallScreen):
            return []
        return [(f"Playbook: {visible(playbook.name)}", partial(screen.switch_playbook, playbook),
                 f"Show this playbook in the side panel ({visible(playbook.kind)})")
                for playbook in self._app.service.sorted_playbooks()]

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        for title, callback, help_text in self._targets():
            haystack = title.casefold()
            if words and all(word in haystack for word in words):
                yield Hit(1.0 / (1 + len(haystack)), title, callback, help=help_text)

    async def discover(self) -> Hits:
        for title, callback, help_text in self._targets():
            yield DiscoveryHit(title, callback, help=help_text)
