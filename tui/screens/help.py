"""F1: the screen's help and its keys in one box that scrolls with the keyboard.

Textual's side help panel cuts its text off at half its height and cannot be
scrolled without a mouse; this dialog can (↑ ↓, PgUp, PgDn, Home, End), at
any window size. F1 or esc closes it; a running call keeps running beneath.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Markdown, Static

from tui.screens.dialog import Dialog


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding with an id in force on ``screen``."""
    grouped: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id:
            continue
        keys, what = grouped.setdefault(
            binding.id, ([], binding.tooltip or binding.description or binding.action))
        shown = screen.app.get_key_display(binding)
        if shown not in keys:
            keys.append(shown)
    return [(" ".join(keys), what) for keys, what in grouped.values()]


class HelpDialog(Dialog[None]):
    """The help of the screen underneath and its keys; scrolls, F1 or esc closes."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help-close", tooltip="Close the help"),
    ]

    def __init__(self, help_text: str, keys: list[tuple[str, str]],
                 close_keys: list[str]) -> None:
        super().__init__()
        self.help_text = help_text
        self.keys = keys
        self.close_keys = close_keys
        """The keys that opened the help (F1 unless remapped): pressed again, they close it."""

    @classmethod
    def for_screen(cls, screen: Screen[Any], close_keys: list[str]) -> HelpDialog:
        """The help for ``screen`` (its ``HELP`` text and the keys in force there)."""
        return cls(screen.HELP or "", screen_keys(screen), close_keys)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box", id="help-box"):
            if self.help_text:
                yield Markdown(self.help_text, id="help-text")
            yield Static(Content.styled("Keys", "bold"), classes="help-heading")
            yield Static(self._keys_text(), id="help-keys")
            closing = " or ".join([*self.close_keys, "esc"])
            yield Label(f"↑ ↓ PgUp PgDn scroll · {closing} closes", classes="dialog-note",
                        markup=False)

    def _keys_text(self) -> Content:
        width = max((len(keys) for keys, _ in self.keys), default=0)
        lines: list[Content | str] = []
        for number, (keys, what) in enumerate(self.keys):
            if number:
                lines.append("\n")
            lines += [Content.styled(keys.ljust(width), "bold $text-accent"), "  ", what]
        return Content.assemble(*lines)

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def on_key(self, event: events.Key) -> None:
        if event.key in self.close_keys:
            event.stop()
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
