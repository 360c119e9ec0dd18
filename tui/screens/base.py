"""What every full screen of the app shares: typed access to the App and the service."""

from __future__ import annotations

import asyncio
from time import monotonic
from typing import TYPE_CHECKING, TypeVar, cast

from textual import events
from textual._context import NoActiveAppError
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import Timer
from textual.widget import Widget

from tui.service import Service
from tui.widgets.compositor import LineCompositor

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp

ResultType = TypeVar("ResultType")
HOLD_AT_MOST = 4 * UPDATE_PERIOD
"""The longest a frame is held back while widgets are still changing."""
LOOK_AGAIN = 0.002
"""Seconds until a screen held back looks again whether its widgets are done."""


def _settling(node: DOMNode) -> bool:
    """Has a widget a message to handle, or a change it has not handed to its screen?"""
    return isinstance(node, Widget) and (
        not node._message_queue.empty() or node._repaint_required or node._layout_required
        or node._scroll_required or node._refresh_styles_required
        or node._recompose_required)


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
        self._last_frame = 0.0
        """When the screen was last drawn (monotonic), for ``_draw_when_ready``."""
        self._held_since = 0.0
        """When a frame was first held back (``_held_back``), else 0."""
        self._frame_clock: Timer | None = None
        self._draw_next = False
        """A frame is to be drawn in the event loop's next step (``_draw_when_ready``)."""
        self._look_at: asyncio.TimerHandle | None = None
        """When ``_draw_when_ready`` is to look again (``_look_again_at``)."""

    async def _on_idle(self, event: events.Idle) -> None:
        """Draw a changed screen once it and its widgets have handled their messages, a
        frame period after the last frame at the earliest.

        Textual draws at the ticks of a fixed 60-a-second clock, so what a key changed
        waited up to 16 ms more for the next tick. Drawn once the screen is idle, the
        rate stays at most one frame a period and that wait is gone. Textual's own
        handler runs next (it is the next class in line): it starts the frame clock, the
        fallback, while anything is left to draw.
        """
        self._draw_when_ready(now=False)

    def _draw_when_ready(self, now: bool) -> None:
        """Draw if the screen has changed and is ready to be drawn, else look again when
        it may be.

        A widget still busy with a key's effect tells the screen nothing when it is
        done, so the screen looks again 2 ms later (for ``HOLD_AT_MOST`` at most); a
        frame not due yet is looked at again when it is. The frame itself is
        drawn in a step of its own (``now`` False: from the event loop, next), so that
        what came before it (a screen made again after a pop, a table refilled) and
        the drawing are two stalls, not one, and a key typed meanwhile is read between.
        """
        if (
            self.app._batch_count
            or not self.is_current
            or not (self._layout_required or self._scroll_required or self._repaint_required
                    or self._dirty_widgets)
        ):
            return
        moment = monotonic()
        loop = asyncio.get_running_loop()
        if self._held_back(moment):
            self._look_again_at(moment + LOOK_AGAIN)
        elif moment - self._last_frame < UPDATE_PERIOD:
            self._look_again_at(self._last_frame + UPDATE_PERIOD)
        elif now:
            self._on_timer_update()
        elif not self._draw_next:
            self._draw_next = True
            loop.call_later(0, self._draw_in_own_step)  # after timers already due

    def _look_again_at(self, moment: float) -> None:
        """Have ``_draw_when_ready`` look again at ``moment`` (once, however often asked
        before then): a call from the event loop, not a message, so looking costs
        little and keeps no widget busy."""
        if self._look_at is not None and self._look_at.when() <= moment:
            return
        if self._look_at is not None:
            self._look_at.cancel()
        self._look_at = asyncio.get_running_loop().call_at(moment, self._look_again)

    def _look_again(self) -> None:
        self._look_at = None
        self._draw_when_ready(now=False)

    def _draw_in_own_step(self) -> None:
        self._draw_next = False
        self._draw_when_ready(now=True)

    def _held_back(self, moment: float) -> bool:
        """Is the frame to wait, a key's effect being still on its way? For
        ``HOLD_AT_MOST`` at most: a widget busy every frame does not hold it for ever."""
        if not self._settling():
            return False
        if not self._held_since:
            self._held_since = moment
        return moment - self._held_since < HOLD_AT_MOST

    def _settling(self) -> bool:
        """Is a key's effect still on its way: a message not handled yet, or a widget's
        change not handed to the screen (a table just refilled hands its rows over only
        after its own messages)?"""
        return not self._message_queue.empty() or any(
            map(_settling, self.walk_children(with_self=False)))

    @property
    def _update_timer(self) -> Timer:
        """Textual's frame clock, ticking ``_on_frame_tick``."""
        if self._frame_clock is None:
            self._frame_clock = self.set_interval(UPDATE_PERIOD, self._on_frame_tick,
                                                  name="screen_update", pause=True)
        return self._frame_clock

    def _on_frame_tick(self) -> None:
        """A tick of the frame clock: draw, unless a key's effect is still on its way.

        Drawn then, a frame showed the field a key changed and, a frame later, the rows
        it filtered (a frame period and a table's drawing later). The clock keeps
        ticking while the frame is held back (``_held_back``).
        """
        if not self._held_back(monotonic()):
            self._on_timer_update()

    def _on_timer_update(self) -> None:
        self._held_since = 0.0
        super()._on_timer_update()

    def _compositor_refresh(self) -> None:
        self._last_frame = monotonic()
        super()._compositor_refresh()

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
