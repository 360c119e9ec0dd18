"""The line compositor draws exactly what Textual's own does: for any changed area on
home, the history, a dialog and the call screen; frame by frame as the app runs (toasts
coming and going, a list scrolled and filtered, a dialog over a call whose clock ticks,
a resize); and a key typed in the live call renders only the widgets on its line."""

from __future__ import annotations

import random
from typing import Any

import pytest
from rich.cells import cell_len
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from tests.test_call_flow import REQUEST
from tests.test_history import seed
from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.screens.history import HistoryScreen
from tui.screens.home import HomeScreen
from tui.screens.start_call import StartCallDialog
from tui.store import Store
from tui.widgets.compositor import LineCompositor


def _drawn(screen: Screen[object], regions: list[Region], stock: bool) -> str:
    """What the terminal is sent to redraw ``regions``, by either compositor."""
    compositor = screen._compositor
    assert isinstance(compositor, LineCompositor)
    if stock:
        compositor.__class__ = Compositor
    try:
        compositor._dirty_regions.clear()
        compositor._dirty_regions.update(regions)
        update = compositor.render_partial_update()
        full = compositor.render_update(full=True)
    finally:
        compositor.__class__ = LineCompositor
    assert update is not None and full is not None
    console = screen.app.console
    return update.render_segments(console) + "\n--full--\n" + full.render_segments(console)


def _compare(screen: Screen[object], seed_value: int) -> None:
    width, height = screen.app.size
    rng = random.Random(seed_value)
    widgets: list[Widget] = [w for w in screen.walk_children(Widget) if w.region.area]
    cases: list[list[Region]] = [[w.region] for w in widgets]  # each widget, as it changes
    for _ in range(40):  # any rectangles, several at once, some off the edge
        count = rng.randint(1, 3)
        cases.append([Region(rng.randint(-2, width), rng.randint(-2, height),
                             rng.randint(1, width), rng.randint(1, 4)) for _ in range(count)])
    for regions in cases:
        inside = [r.intersection(Region(0, 0, width, height)) for r in regions]
        inside = [r for r in inside if r.area]
        if not inside:
            continue
        assert _drawn(screen, inside, stock=False) == _drawn(screen, inside, stock=True), \
            (type(screen).__name__, inside)


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (160, 50)])
async def test_every_screen_is_drawn_as_textual_draws_it(
        make_app, store: Store, clock: FrozenClock, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    seed(store, clock)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        _compare(app.screen, 1)
        await pilot.press("h")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        _compare(app.screen, 2)
        await pilot.press("escape", "c")
        await pilot.pause()
        assert isinstance(app.screen, StartCallDialog)
        _compare(app.screen, 3)
    app = make_app(start=REQUEST)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        await pilot.press(*"Dana")
        await pilot.pause()
        _compare(app.screen, 4)


async def test_a_key_typed_in_the_call_renders_only_what_is_on_its_line(
        make_app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    rendered: list[Widget] = []
    render_lines = Widget.render_lines

    def noting(self: Widget, crop: Region) -> list:  # type: ignore[type-arg]
        rendered.append(self)
        return render_lines(self, crop)

    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        field = app.focused
        assert field is not None and field.id == "rep-name"
        monkeypatch.setattr(Widget, "render_lines", noting)
        screen = app.screen
        screen._compositor._dirty_regions.add(field.region)
        screen._compositor.render_partial_update()
        on_its_line = {w for w in screen.walk_children(Widget)
                       if w.region.overlaps(field.region) and w.display}
        assert set(rendered) <= on_its_line | {screen}
        assert field in rendered and len(rendered) <= 6  # Textual's own: 18


class _Terminal:
    """What a terminal shows after applying every update the app sends it."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], tuple[str, Style | None]] = {}

    def _put(self, x: int, y: int, strip: Any) -> None:
        for text, style, control in strip:
            if control:
                continue
            for char in text:
                self.cells[(x, y)] = (char, style.clear_meta_and_links() if style else None)
                if cell_len(char) == 2:
                    self.cells[(x + 1, y)] = ("", None)
                x += cell_len(char)

    def apply(self, update: Any) -> None:
        if isinstance(update, LayoutUpdate):
            self.cells = {}
            for y, line in enumerate(update.strips):
                x = 0
                for strip in line:
                    self._put(x, y, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(),
                                           strict=False):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    self._put(x, y, strip if x >= x1 and end <= x2
                              else strip.crop(0, min(end, x2) - x))


async def test_what_the_terminal_shows_is_a_fresh_full_drawing_at_every_step(
        make_app, store: Store, clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    terminal = _Terminal()
    display = App._display

    def sent(self: App[Any], screen: Screen[Any], update: Any) -> None:
        if update is not None and not self._batch_count:
            terminal.apply(update)
        display(self, screen, update)

    monkeypatch.setattr(App, "_display", sent)

    def same(app: Any, step: str) -> None:
        # What changed since the last frame (a cursor blinking, a clock) is drawn and sent
        # now, as the next tick would: the terminal is then up to date, not a frame behind.
        for screen in [*app._background_screens, app.screen]:
            screen._on_timer_update()
        fresh = _Terminal()
        fresh.apply(app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens))
        differ = sorted({y for key, cell in fresh.cells.items()
                         if terminal.cells.get(key) != cell for y in [key[1]]})
        assert not differ, f"{step}: lines {differ[:8]} differ from a full drawing"
        terminal.cells = dict(fresh.cells)  # each step judged on its own

    for _ in range(6):
        seed(store, clock)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        same(app, "home")
        app.notify("A toast over home " * 3, timeout=0.3)
        await pilot.pause(0.1)
        same(app, "home with a toast")
        await pilot.pause(0.5)
        same(app, "the toast gone")
        await pilot.press("h")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*["down"] * 12, "pagedown", "end", "up")
        await pilot.pause()
        same(app, "the history scrolled")
        await pilot.press("ctrl+f", *"retro")
        await pilot.pause()
        same(app, "the history filtered")
        await pilot.press("escape", "c", *"Mass")
        await pilot.pause()
        same(app, "the start dialog typed in")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        same(app, "the dialog resized")
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana", "ctrl+n", *"the rep said hello", "enter")
        await pilot.pause()
        same(app, "the call typed in")
        await pilot.press("ctrl+t")
        await pilot.pause()
        clock.advance(2)
        await pilot.pause(1.1)  # the call's clock ticks under the dialog
        same(app, "the end dialog over the call")
