"""Where things live. Pure functions: nothing is created here."""

from __future__ import annotations

import os
from pathlib import Path

from tui import APP_NAME

HOME_ENV = "HOLDTHELINE_HOME"


def data_dir(override: str | Path | None = None) -> Path:
    """``--data-dir``, else ``$HOLDTHELINE_HOME``, else the platform data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path  # not loaded when the folder is given

    return user_data_path(APP_NAME, appauthor=False)


def user_playbooks_dir() -> Path:
    """The user's own playbooks (override shipped ones with the same id)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "playbooks"


def shipped_playbooks_dir() -> Path:
    """Playbooks that come with the app (inside the package when installed)."""
    packaged = Path(__file__).parent / "shipped_playbooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "playbooks"
