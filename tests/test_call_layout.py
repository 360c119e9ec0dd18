"""Pilot tests: the live call at every window size, the full-screen playbook (f7),
focus you cannot miss, tick boxes you can read, and F1 help that scrolls."""

from __future__ import annotations

import random
from typing import Any

import pytest
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, SelectionList

from tui.domain.model import Case, Payment
from tui.playbooks import trust_of
from tui.screens.call import MIN_SIZE, CallScreen
from tui.screens.help import HelpDialog
from tui.service import CallRequest
from tui.store import Store
from tui.widgets.playbook_panel import PlaybookPanel
from tui.widgets.ticks import TICKED, UNTICKED, Checklist, TickBox

CASE = "Coverage restricted despite on-time payments"
REQUEST = CallRequest(CASE, "Massachusetts Health Connector", "ma-health-connector",
                      "1-877-623-6765")
PAYMENTS = [
    Payment(id="p1", date="2026-09-20", amount="412.50", method="manual",
            confirmation="BP7731-5520", account="from savings …0937"),
    Payment(id="p2", date="2026-10-29", amount="412.50", method="manual",
            confirmation="BP7731-6684", account="from checking …4821"),
]
EVERY_FIELD = ("#rep-name", "#rep-id", "#rep-refused", "#note-input", "#hold-time",
               "#hold-badge", "#panel-never")
"""What must be on screen at every size from 40x12 up (and one of the two timers)."""


@pytest.fixture
def paid_case(store: Store) -> Case:
    """The case of the story, with two payments and identifiers to read out."""
    case = Case.create(CASE, "2026-11-01T15:00:00+00:00")
    case.identifiers = {"Member ID": "100482736615",
                        "Insurer member ID": "NHP 30418872-01"}
    case.payments = list(PAYMENTS)
    store.save_case(case)
    return case


def shown(widget: Widget) -> Region:
    """The part of ``widget`` that is really on screen (not covered, not clipped)."""
    screen = widget.screen
    region = widget.region.intersection(screen.region)
    assert widget.display and all(node.display for node in widget.ancestors
                                  if isinstance(node, Widget)), widget
    assert region.area > 0, f"{widget} has no room: {widget.region}"
    top_left, _ = screen.get_widget_at(region.x, region.y)
    assert top_left is widget or widget in top_left.ancestors, (
        f"{widget} is covered by {top_left}")
    return region


def visible_text(widget: Widget) -> str:
    """What a list shows right now, lines joined with spaces."""
    lines = [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]
    return " ".join(" ".join(lines).split())


def assert_every_field_shown(screen: CallScreen) -> None:
    for selector in EVERY_FIELD:
        shown(screen.query_one(selector))
    big, line = screen.query_one("#total-time"), screen.query_one("#total-line")
    shown(line if line.display else big)


async def settle(pilot: Any) -> None:
    """Let layout and the checks that run after a refresh finish."""
    for _ in range(3):
        await pilot.pause()


async def _call(app: Any, pilot: Any) -> CallScreen:
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CallScreen)
    return screen


# -- the full-screen playbook ------------------------------------------------------


async def test_f7_shows_the_whole_panel_and_typing_goes_back_where_it_was(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press(*"Dan")
        panel = screen.query_one(PlaybookPanel)
        assert screen.query_one("#panel-never-more").display  # cut short at 80x24
        await pilot.press("f7")
        await pilot.pause()
        assert screen.panel_full
        assert not screen.query_one("#call-main").display
        assert panel.region.width == 80 and app.focused is panel
        assert not screen.query_one("#panel-never-more").display
        shown(screen.query_one("#hold-badge"))  # the call is still on screen
        never = screen.query_one("#panel-never")
        assert never.max_scroll_y == 0  # the whole NEVER list, nothing clipped
        await pilot.press("pagedown")
        assert panel.scroll_y > 0
        await pilot.press("f7")
        await pilot.pause()
        assert not screen.panel_full and app.focused is screen.query_one("#rep-name")
        await pilot.press("a", "f7", "escape")
        await pilot.pause()
        assert not screen.panel_full
        await pilot.press(*" Lee")
        assert screen.session.current_rep.first_name == "Dana Lee"


async def test_a_key_to_a_field_leaves_the_full_screen_panel(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert screen.panel_full
        await pilot.press("ctrl+n", *"on hold again")
        await pilot.pause()
        assert not screen.panel_full
        note = screen.query_one("#note-input", Input)
        assert app.focused is note and note.value == "on hold again"
        shown(note)


async def test_esc_is_left_alone_when_the_panel_is_not_full_screen(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _call(app, pilot)
        assert screen.check_action("panel_back", ()) is False
        await pilot.press("f7")
        assert screen.check_action("panel_back", ()) is True


# -- nothing important hidden ------------------------------------------------------


async def test_every_never_item_in_full_at_120x40(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _call(app, pilot)
        never = screen.query_one("#panel-never")
        region = shown(never)
        assert never.max_scroll_y == 0 and not screen.query_one("#panel-never-more").display
        assert region.bottom <= screen.query_one(PlaybookPanel).region.bottom
        rendered = " ".join(str(w.render()) for w in never.query("Static"))
        playbook = app.service.playbooks["ma-health-connector"]
        for item in playbook.never:
            assert str(item) in rendered
            trust = trust_of(item, app.service.today())
            if trust.level in ("warn", "note"):
                assert trust.label in rendered


async def test_facts_to_read_out_wrap_in_full_at_100x32(make_app, paid_case: Case) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press("ctrl+l", "tab")
        await pilot.pause()
        facts = screen.query_one("#panel-facts", Checklist)
        assert app.focused is facts
        shown(facts)
        expected = paid_case.facts()
        assert any("BP7731-5520" in fact and "…0937" in fact for fact in expected)
        for index, fact in enumerate(expected):
            facts.highlighted = index
            await pilot.pause()
            assert " ".join(fact.split()) in visible_text(facts), fact
        # Long facts take several lines rather than being cut off.
        assert facts.virtual_size.height > len(expected)


async def test_step_titles_and_what_to_say_in_full(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press("f7")
        await pilot.pause()
        steps = screen.query_one("#panel-steps", Checklist)
        text = visible_text(steps)
        playbook = app.service.playbooks["ma-health-connector"]
        for number, step in enumerate(playbook.steps, start=1):
            assert f"{number}. {step.title}" in text
        say = str(screen.query_one("#panel-say").render())
        assert playbook.steps[0].say in say.replace("\n", " ") or playbook.steps[0].say in say


# -- narrow and tiny windows ----------------------------------------------------------


@pytest.mark.parametrize("size", [(60, 20), (40, 12), (79, 24), (40, 30), (200, 12)])
async def test_narrow_and_short_layouts_show_every_field(make_app, size: tuple[int, int]) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=size) as pilot:
        screen = await _call(app, pilot)
        assert_every_field_shown(screen)
        never = screen.query_one("#panel-never")
        assert never.region.height >= 3  # the heading and at least two lines
        if never.max_scroll_y > 0:
            shown(screen.query_one("#panel-never-more"))  # and it says there is more


async def test_too_small_says_so_calmly(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(MIN_SIZE[0] - 1, 30)) as pilot:
        screen = await _call(app, pilot)
        message = shown(screen.query_one("#too-small"))
        assert message.area > 0
        assert "Make the window larger" in str(screen.query_one("#too-small").render())
        assert not screen.query_one("#call-body").display


async def test_resize_storm_keeps_every_draft(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press(*"Dana", "tab", *"4471", "ctrl+n", *"Asked for a superv")
        rng = random.Random(20261124)
        sizes = [(1, 1), (300, 100), (39, 11), (40, 12), (MIN_SIZE[0], 1), (2, 60)]
        sizes += [(rng.randint(1, 300), rng.randint(1, 100)) for _ in range(20)]
        note = screen.query_one("#note-input", Input)
        for width, height in sizes:
            await pilot.resize_terminal(width, height)
            assert app.screen is screen and app.size == (width, height)
            if width >= MIN_SIZE[0] and height >= MIN_SIZE[1]:
                await settle(pilot)
                assert_every_field_shown(screen)
                assert app.focused is note  # typing would land where it did
            else:
                await settle(pilot)
                shown(screen.query_one("#too-small"))
            assert note.value == "Asked for a superv"
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.press(*"isor")
        assert screen.query_one("#rep-name", Input).value == "Dana"
        assert screen.query_one("#rep-id", Input).value == "4471"
        assert note.value == "Asked for a supervisor" and app.focused is note
        assert screen.session.call.draft_note == "Asked for a supervisor"
        assert_every_field_shown(screen)


# -- focus and ticks you cannot miss --------------------------------------------------


def _close(color: Color, wanted: str | None) -> bool:
    """The same colour, give or take rounding."""
    assert wanted is not None
    other = Color.parse(wanted)
    return all(abs(a - b) <= 2 for a, b in zip(color.rgb, other.rgb, strict=True))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_focused_field_stands_out(make_app, theme: str) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        app.theme = theme
        screen = await _call(app, pilot)
        accent = app.current_theme.accent
        name = screen.query_one("#rep-name", Input)
        rep_id = screen.query_one("#rep-id", Input)
        note = screen.query_one("#note-input", Input)
        assert app.focused is name

        def look(widget: Widget) -> tuple[object, ...]:
            styles = widget.styles
            return (styles.background, styles.border_left, styles.border_top)

        focused, plain = look(name), look(rep_id)
        assert focused != plain
        assert name.styles.border_left[0] == "thick"
        assert _close(name.styles.border_left[1], accent)
        assert rep_id.styles.border_left[0] != "thick"
        assert name.styles.background != rep_id.styles.background
        # The note line looks focused only when it is.
        note_plain = look(note)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.focused is note and look(note) != note_plain
        assert note.styles.border_top[0] == "thick"
        assert _close(note.styles.border_top[1], accent)
        assert look(name) == plain


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_ticked_and_unticked_boxes_look_different(make_app, theme: str) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        app.theme = theme
        screen = await _call(app, pilot)
        refused = screen.query_one("#rep-refused", Checkbox)
        assert isinstance(refused, TickBox)
        unticked = refused.render_line(0)
        assert unticked.text.lstrip().startswith(UNTICKED)
        refused.value = True
        await pilot.pause()
        ticked = refused.render_line(0)
        assert ticked.text.lstrip().startswith(TICKED)
        assert _mark_style(ticked) != _mark_style(unticked)

        await pilot.press("ctrl+l", "space")  # tick step 1
        await pilot.pause()
        steps = screen.query_one("#panel-steps", SelectionList)
        assert steps.selected == [0]
        first, second = steps.render_line(0), steps.render_line(1)
        assert first.text.startswith(TICKED) and second.text.startswith(UNTICKED)
        first_mark = next(iter(first)).style
        second_mark = next(iter(second)).style
        assert first_mark is not None and second_mark is not None
        assert first_mark.color != second_mark.color


def _mark_style(strip: Strip) -> object:
    """The colour and weight of the tick mark on a rendered line."""
    segment = next(seg for seg in strip if seg.text.strip())
    assert segment.style is not None
    return (segment.style.color, segment.style.bold)


# -- help --------------------------------------------------------------------------


async def test_f1_help_scrolls_and_closes(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _call(app, pilot)
        await pilot.press(*"Da", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        box = app.screen.query_one("#help-box")
        assert app.focused is box and box.max_scroll_y > 0
        keys = str(app.screen.query_one("#help-keys").render())
        assert "f7" in keys and "The whole playbook full-screen" in keys
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is screen and app.focused is screen.query_one("#rep-name")
        await pilot.press("n", "a")
        assert screen.session.current_rep.first_name == "Dana"
