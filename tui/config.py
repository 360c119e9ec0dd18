"""The user's settings: key bindings by id, the theme, the hold alert.

A TOML file in the user's config folder (``config.toml``) or the one given with
``--config FILE``. Reading checks every value and names the file, line and key
of anything wrong; writing (the theme, when the user changes it) keeps the
file's comments and layout. No Textual here: which binding ids exist is checked
by the keys module above.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui import APP_NAME
from tui.store.atomic import atomic_write, ensure_private_dir

CONFIG_NAME = "config.toml"
MAX_HOLD_ALERT_MINUTES = 24 * 60
KNOWN_KEYS = ("keys", "theme", "hold_alert_minutes")
_KEY_LIST = re.compile(r"^[a-z0-9_+\-]+(?:,[a-z0-9_+\-]+)*$")


class ConfigError(Exception):
    """A problem with the config file, in one line naming the file."""


@dataclass
class Config:
    """What the settings say (defaults where the file is silent or missing)."""

    path: Path
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → keys, e.g. ``{"switch-playbook": "f6"}``."""
    theme: str | None = None
    hold_alert_minutes: int | None = None
    """Ring and notify when one hold passes this many minutes (None: never)."""


def default_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / CONFIG_NAME


def _fail(path: Path, message: str) -> ConfigError:
    return ConfigError(f"{path}: {message}")


def load_config(path: Path | None = None, *, must_exist: bool = False) -> Config:
    """The settings in ``path`` (default: the user's config file)."""
    path = path or default_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if must_exist:
            raise _fail(path, "no such file") from None
        return Config(path)
    except OSError as error:
        raise _fail(path, f"cannot read it ({error.strerror or error})") from None
    import tomllib  # here: the commands that read no settings do not load it

    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, f"not valid TOML: {error}") from None
    unknown = sorted(set(data) - set(KNOWN_KEYS))
    if unknown:
        raise _fail(path, f"unknown setting '{unknown[0]}' (known: {', '.join(KNOWN_KEYS)})")
    config = Config(path)
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise _fail(path, "[keys] must be a table of binding id = \"keys\"")
    for binding_id, value in keys.items():
        if not isinstance(value, str) or not _KEY_LIST.match(value.strip().lower()):
            raise _fail(path, f"keys.{binding_id}: give keys like \"f6\" or \"ctrl+y,f6\"")
        config.keys[str(binding_id)] = value.strip().lower()
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise _fail(path, "theme must be a theme's name, like \"textual-dark\"")
    config.theme = theme.strip() if isinstance(theme, str) else None
    minutes = data.get("hold_alert_minutes")
    if minutes is not None:
        if (not isinstance(minutes, int) or isinstance(minutes, bool)
                or not 1 <= minutes <= MAX_HOLD_ALERT_MINUTES):
            raise _fail(path, f"hold_alert_minutes must be a whole number from 1 to "
                        f"{MAX_HOLD_ALERT_MINUTES}")
        config.hold_alert_minutes = minutes
    return config


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme`` in the config file, keeping everything else in it as it is."""
    try:
        import tomlkit  # only when the theme is saved: not at every start

        document = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.document()
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as error:
        raise _fail(path, f"cannot update it ({error})") from None
    document["theme"] = theme
    try:
        ensure_private_dir(path.parent)
        atomic_write(path, tomlkit.dumps(document).encode("utf-8"))
    except OSError as error:
        raise _fail(path, f"cannot write it ({error.strerror or error})") from None


def multiplexer(env: dict[str, str] | None = None) -> str | None:
    """``tmux`` or ``screen`` when running inside one (they take ctrl+b / ctrl+a)."""
    env = dict(os.environ) if env is None else env
    if env.get("TMUX"):
        return "tmux"
    if env.get("STY"):
        return "screen"
    return None
