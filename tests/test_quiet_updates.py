"""Typing in a live call asks for no layout pass of the whole screen: the fields' widths
are set by their styles, and the clock and the rep chain change only text whose size
stays. (Each layout pass arranges every widget of the call screen again; before this,
every key typed asked for two, and the clock for four a second.)"""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.service import CallRequest
from tui.widgets.shown import update_static

REQUEST = CallRequest(
    "Coverage restricted", "Massachusetts Health Connector", "ma-health-connector",
    "1-877-623-6765",
)


async def test_typing_and_the_clock_ask_for_no_layout_pass(
    make_app, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    asked: list[str] = []
    original = Widget.refresh

    def refresh(self: Widget, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        if layout:
            asked.append(f"{type(self).__name__}#{self.id}")
        return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen) and app.focused is not None
        await pilot.press("D", "a")  # the rep chain's first text: its size may change
        await pilot.pause()
        monkeypatch.setattr(Widget, "refresh", refresh)
        await pilot.press(*"na Smithers")
        for _ in range(3):
            clock.advance(1)
            screen._tick()
        await pilot.pause()
        monkeypatch.setattr(Widget, "refresh", original)
        assert screen.session.call.reps[0].first_name == "Dana Smithers"
        assert "Dana Smithers" in str(screen.query_one("#rep-chain", Static).content)
        assert asked == []


async def test_a_text_that_grows_a_line_asks_for_layout(make_app) -> None:  # type: ignore[no-untyped-def]
    """Skipping the layout pass is only for text of the same size: a wrapped line more
    (or a wider text in an auto-width label) still gets one, so nothing is cut off."""
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        label = Static(Text("short"), id="probe")
        await app.screen.mount(label)
        await pilot.pause()
        asked: list[bool] = []
        original = label.refresh

        def refresh(*regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
            asked.append(layout)
            return original(*regions, repaint=repaint, layout=layout, recompose=recompose)

        label.refresh = refresh  # type: ignore[method-assign]
        update_static(label, Text("short"))  # the same: nothing at all
        update_static(label, Text("other"))  # same size: repaint only
        update_static(label, Text("long " * 40))  # wraps to more lines: layout
        assert asked == [False, True]
        await pilot.pause()
        assert label.size.height > 1
