"""Shared fixtures: private data dirs, a frozen clock, no network, UTC."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.app import HoldTheLineApp
from tui.domain.clock import FrozenClock
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import Service
from tui.store import Store

from .pty_helpers import busy_loops, end_busy_loops
from .tmux_helpers import Tmux, app_env, tmux_binary

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app must never open a network connection."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"network access attempted: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the real user's data or playbooks."""
    monkeypatch.setenv("HOLDTHELINE_HOME", str(tmp_path / "default-home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def make_app(store: Store, clock: FrozenClock):  # type: ignore[no-untyped-def]
    """Build the app on the test store with the shipped playbooks."""
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])

    def build(**kwargs: object) -> HoldTheLineApp:
        service = Service(store, playbooks, problems, clock=clock)
        return HoldTheLineApp(service, **kwargs)  # type: ignore[arg-type]

    return build


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server for one test (skips when tmux is missing)."""
    tmux_binary()
    server = Tmux(tmp_path, app_env(tmp_path))
    try:
        yield server
    finally:
        server.kill_server()


@pytest.fixture
def busy_cores() -> Iterator[None]:
    """Both cores kept busy (two shell busy loops) while the test runs.

    Each loop runs in its own process group, ended as a group: killing only
    ``timeout`` would leave its shell spinning after the test."""
    loops = busy_loops(2, 600)
    try:
        yield
    finally:
        end_busy_loops(loops)
