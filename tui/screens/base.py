"""What every full screen of the app shares: typed access to the App and the service."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import events
from textual._context import NoActiveAppError
from textual.geometry import Size
from textual.screen import Screen

from tui.service import Service
from tui.widgets.compositor import LineCompositor

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp

ResultType = TypeVar("ResultType")


class LineDrawnScreen(Screen[ResultType]):
    """A screen whose updates draw only the lines that changed (``LineCompositor``): a key
    typed redraws its line, not every widget of the screen; born with its window's
    classes (``_take_window_classes``). Every screen and dialog."""

    def __init__(
        self,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Screen's own parameter name)
        classes: str | None = None,
    ) -> None:
        super().__init__(name, id, classes)
        self._compositor = LineCompositor()
        self._take_window_classes()

    def _take_window_classes(self) -> None:
        """Start with the width and height classes of the window the screen opens in.

        Textual sets them at the screen's first resize, just after it styled every widget,
        so a screen with breakpoints was styled twice (a third of a dial's stall); born
        with them, that resize changes nothing.
        """
        try:
            width, height = self.app.size
        except NoActiveAppError:
            return
        app = self.app
        for dimension, points in (
            (width, app.HORIZONTAL_BREAKPOINTS if self.HORIZONTAL_BREAKPOINTS is None
             else self.HORIZONTAL_BREAKPOINTS),
            (height, app.VERTICAL_BREAKPOINTS if self.VERTICAL_BREAKPOINTS is None
             else self.VERTICAL_BREAKPOINTS),
        ):
            self.add_class(*self._get_breakpoint_classes(dimension, points or []), update=False)


class AppScreen(LineDrawnScreen[ResultType]):
    """A screen of Hold the Line: it shows what the service says and forwards requests."""

    _resumed_before = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Skip restyling a screen that was styled as it mounted, the first time it shows.

        Textual restyles every widget of a screen each time it becomes current, in case
        something changed while it was under another; a screen pushed just now has not
        been under anything (a tenth of a dial's stall).
        """
        if not self._resumed_before:
            self._resumed_before = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def _screen_resized(self, size: Size) -> None:
        """Lay out again only when the window really changed size.

        A pushed screen is told its size after it was laid out and drawn at that size;
        Textual laid it out and drew it a second time (a fifth of a dial's stall).
        """
        if size != self._size:
            super()._screen_resized(size)

    @property
    def htl(self) -> HoldTheLineApp:
        """The App, for navigation (opening screens and dialogs)."""
        return cast("HoldTheLineApp", self.app)

    @property
    def service(self) -> Service:
        """The application layer: every read and every change goes through it."""
        return self.htl.service
