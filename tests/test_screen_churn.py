"""Pilot tests: opening a screen and moving focus do only the work they need, and
what the user sees stays right (footer keys, layout for the window's size)."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from tests.pilot_helpers import wait_until
from tests.test_call_flow import REQUEST, _export_text
from tui.screens.call import CallScreen
from tui.screens.home import HomeScreen
from tui.service import CallRequest


def footer_keys(app) -> list[FooterKey]:  # type: ignore[no-untyped-def]
    return list(app.screen.query(FooterKey))


async def test_moving_focus_keeps_the_footer_as_it_is(make_app) -> None:
    """Tab does not rebuild the footer's keys when they stay the same."""
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen)
        before = footer_keys(app)
        labels = [key.description for key in before]
        assert "Note" in labels and "End" in labels and "Hold" in labels
        await pilot.press("tab", "tab", "shift+tab", "ctrl+n", "f3")
        await pilot.pause()
        after = footer_keys(app)
        assert [id(key) for key in after] == [id(key) for key in before]
        assert "Note" in _export_text(app) and "Transfer" in _export_text(app)


async def test_footer_follows_keys_that_come_and_go(make_app) -> None:
    """The footer is rebuilt when a key appears: home's Continue (u) on an interrupted
    call, and only then."""
    app = make_app()
    session = app.service.calls.start(REQUEST)
    session.set_rep_field("first_name", "Dana")
    app.service.shutdown()  # quit mid-call: interrupted
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        calls = home.query_one("#calls-table")
        calls.focus()
        await pilot.pause()
        assert home.check_action("continue_call", ())
        await wait_until(pilot, lambda: "Continue" in [k.description for k in footer_keys(app)],
                         "Continue in the footer")
        home.query_one("#cases-table").focus()
        # Waited for whole: while the footer rebuilds it can hold no keys at all, and
        # "Continue" is then not in it either (seen on a busy machine).
        def rebuilt_without_continue() -> bool:
            shown = [key.description for key in footer_keys(app)]
            return "Continue" not in shown and "Start call" in shown

        await wait_until(pilot, rebuilt_without_continue,
                         "Continue gone from the rebuilt footer, Start call still there")


async def test_call_screen_opens_with_the_layout_of_its_window(make_app) -> None:
    """Born with the window's width and height classes (no second styling), and still
    laid out again when the window changes."""
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        app.begin_call(REQUEST)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert screen.has_class("-w-narrow") and screen.has_class("-h-medium")
        await pilot.pause()
        panel = screen.query_one("#playbook-panel")
        main = screen.query_one("#call-main")
        assert panel.region.y > main.region.y  # narrow: the playbook under the call
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert screen.has_class("-w-wide") and screen.has_class("-h-tall")
        assert not screen.has_class("-w-narrow")
        assert panel.region.x > main.region.x and panel.region.y == main.region.y
        assert panel.region.right <= 120 and main.region.bottom <= 40


async def test_opening_a_call_builds_its_footer_once(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Several binding changes reported as the screen opens make one rebuild, not one
    each (every rebuild removes and mounts all the keys)."""
    made: list[FooterKey] = []
    real_init = FooterKey.__init__

    def counting_init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        made.append(self)
        real_init(self, *args, **kwargs)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(FooterKey, "__init__", counting_init)
        app.begin_call(CallRequest("A case", "Blue Cross"))
        await pilot.pause()
        await pilot.pause()
        shown = footer_keys(app)
        assert isinstance(app.screen, CallScreen) and len(shown) >= 8
        assert [key for key in made if key in shown] == shown
        assert len(made) == len(shown), f"{len(made)} keys made for {len(shown)} shown"
