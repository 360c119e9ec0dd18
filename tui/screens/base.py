"""What every full screen of the app shares: typed access to the App and the service."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import Screen

from tui.service import Service

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp

ResultType = TypeVar("ResultType")


class AppScreen(Screen[ResultType]):
    """A screen of Hold the Line: it shows what the service says and forwards requests."""

    @property
    def htl(self) -> HoldTheLineApp:
        """The App, for navigation (opening screens and dialogs)."""
        return cast("HoldTheLineApp", self.app)

    @property
    def service(self) -> Service:
        """The application layer: every read and every change goes through it."""
        return self.htl.service
