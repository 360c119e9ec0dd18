"""The command palette: every action of the screen you are on, by what it does, and
playbooks by name (matched only on their name or the word "playbook")."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.binding import Binding
from textual.command import (
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
    SimpleCommand,
    SimpleProvider,
)
from textual.content import Content
from textual.screen import Screen

from tui.domain.text import visible

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp


def literal(text: str) -> Content:
    """``text`` for the palette: control characters visible, brackets as typed.

    Textual's palette reads a plain ``str`` prompt or help as markup (and its fuzzy
    highlighter too): a case called ``[@click=app.quit]x[/]`` would become a link.
    ``Content`` is taken as it is.
    """
    return Content(visible(text))


def _help(text: str | None) -> str | None:
    # ``Hit.help`` is typed ``str`` but Textual 8.2 passes it to ``Content.from_markup``,
    # which returns a ``Content`` unchanged: shown literally.
    return cast(str, literal(text)) if text else None


class LiteralProvider(SimpleProvider):
    """A type-to-search list of commands whose names and help are shown as written."""

    def __init__(self, screen: Screen[Any], commands: list[SimpleCommand]) -> None:
        super().__init__(screen, list(commands))
        self.literal_commands = commands

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.literal_commands:
            if (score := matcher.match(command.name)) > 0:
                yield Hit(score, literal(command.name), command.callback, text=command.name,
                          help=_help(command.help_text))

    async def discover(self) -> Hits:
        for command in self.literal_commands:
            yield DiscoveryHit(literal(command.name), command.callback, text=command.name,
                               help=_help(command.help_text))


def search_literal(screen: Screen[Any], commands: list[SimpleCommand],
                   placeholder: str) -> None:
    """The app's ``search_commands``, with names shown exactly as written."""
    provider = LiteralProvider(screen, commands)
    # A provider instance works like a class here (``__call__``), as in Textual's own
    # ``App.search_commands``.
    screen.app.push_screen(CommandPalette(providers=[provider],  # type: ignore[list-item]
                                          placeholder=placeholder))


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
        return [(f"Playbook: {playbook.name}", partial(screen.switch_playbook, playbook),
                 f"Show this playbook in the side panel ({playbook.kind})")
                for playbook in self._app.service.sorted_playbooks()]

    async def search(self, query: str) -> Hits:
        words = query.casefold().split()
        for title, callback, help_text in self._targets():
            haystack = title.casefold()
            if words and all(word in haystack for word in words):
                yield Hit(1.0 / (1 + len(haystack)), literal(title), callback, text=title,
                          help=_help(help_text))

    async def discover(self) -> Hits:
        for title, callback, help_text in self._targets():
            yield DiscoveryHit(literal(title), callback, text=title, help=_help(help_text))
