"""Every key binding of the app, by id: the keymap in force and its table.

Bindings are data (``Binding(..., id=...)`` on the App and each screen); the
user remaps them by id in the config file. Inside tmux or GNU screen, whose
prefix keys (ctrl+b, ctrl+a) never reach the app, a binding's other key comes
first, so the footer shows a key that works.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from textual.binding import Binding
from textual.dom import DOMNode

from tui.config import Config, ConfigError, multiplexer

MULTIPLEXER_PREFIX = {"tmux": "ctrl+b", "screen": "ctrl+a"}


def _classes() -> list[tuple[str, type[DOMNode]]]:
    """Where bindings live, by the name users know them by."""
    from tui.app import HoldTheLineApp
    from tui.screens.call import CallScreen
    from tui.screens.call_detail import CallDetailScreen
    from tui.screens.case import CaseScreen
    from tui.screens.confirm import ConfirmDialog, ConfirmKeyDialog
    from tui.screens.end_call import EndCallDialog
    from tui.screens.form import FormDialog
    from tui.screens.help import HelpDialog
    from tui.screens.history import HistoryScreen
    from tui.screens.home import HomeScreen
    from tui.screens.letter import LetterScreen
    from tui.screens.playbooks import PlaybooksScreen
    from tui.screens.recording import RecordingDialog
    from tui.screens.reps import RepDirectoryScreen
    from tui.screens.start_call import StartCallDialog
    from tui.screens.stats import StatsScreen

    return [
        ("everywhere", HoldTheLineApp), ("home", HomeScreen), ("live call", CallScreen),
        ("end call", EndCallDialog), ("start call", StartCallDialog), ("case", CaseScreen),
        ("history", HistoryScreen), ("statistics", StatsScreen), ("past call", CallDetailScreen),
        ("letter", LetterScreen), ("playbooks", PlaybooksScreen), ("reps", RepDirectoryScreen),
        ("forms", FormDialog),
        ("recording", RecordingDialog),
        ("confirm", ConfirmDialog), ("confirm", ConfirmKeyDialog), ("help", HelpDialog),
    ]


def all_bindings() -> Iterator[tuple[str, Binding]]:
    """(where, binding) for every binding with an id."""
    for where, cls in _classes():
        for item in cls.BINDINGS:
            if isinstance(item, Binding) and item.id:
                yield where, item


@cache
def default_keys() -> dict[str, str]:
    """Binding id → its keys as written (importing every screen: made once, when asked)."""
    return {binding.id: binding.key for _where, binding in all_bindings() if binding.id}


def keymap_for(config: Config, env: dict[str, str] | None = None) -> dict[str, str]:
    """Binding id → keys in force: defaults, made multiplexer-safe, then the user's.

    Empty (every binding as written) outside tmux and screen with no keys in the config:
    then start-up need not import every screen to read their bindings."""
    taken = MULTIPLEXER_PREFIX.get(multiplexer(env) or "")
    keymap: dict[str, str] = {}
    if not taken and not config.keys:
        return keymap
    defaults = default_keys()
    if taken:
        for binding_id, keys in defaults.items():
            parts = keys.split(",")
            if parts[0] == taken and len(parts) > 1:
                keymap[binding_id] = ",".join([*parts[1:], parts[0]])
    for binding_id, keys in config.keys.items():
        if binding_id not in defaults:
            known = ", ".join(sorted(defaults))
            raise ConfigError(f"{config.path}: keys.{binding_id}: no binding has this id "
                              f"(known: {known})")
        keymap[binding_id] = keys
    return keymap


def keys_for(binding_id: str, keymap: dict[str, str]) -> list[str]:
    """The keys bound to ``binding_id`` now."""
    keys = keymap.get(binding_id) or default_keys().get(binding_id, "")
    return [key for key in keys.split(",") if key]


def keys_table(keymap: dict[str, str]) -> str:
    """Every binding in force, one line each: where, keys, id, what it does."""
    rows = [("WHERE", "KEYS", "ID", "WHAT IT DOES")]
    for where, binding in all_bindings():
        assert binding.id is not None
        keys = keymap.get(binding.id, binding.key).replace(",", " ")
        what = binding.tooltip or binding.description or binding.action
        rows.append((where, keys, binding.id, what))
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  " + row[3]
        for row in rows
    ) + "\n"
