"""Pilot tests: the whole live-call flow, checked on disk."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from textual.widgets import Input, RichLog

from tests.store_files import index_tables
from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.screens.case import CaseScreen
from tui.screens.confirm import ConfirmKeyDialog
from tui.screens.end_call import EndCallDialog
from tui.screens.home import HomeScreen
from tui.screens.start_call import StartCallDialog
from tui.service import CallRequest
from tui.store import Store

REQUEST = CallRequest(
    "Coverage restricted", "Massachusetts Health Connector", "ma-health-connector",
    "1-877-623-6765",
)


def on_disk(data_dir: Path) -> list[dict]:
    calls = []
    for path in sorted((data_dir / "calls").glob("*.json")):
        calls.append(json.loads(path.read_text("utf-8"))["call"]["1"])
    return calls


def _export_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything on screen, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        await pilot.press(char if char != " " else "space")


@pytest.mark.slow
async def test_whole_call_is_on_disk(make_app, store: Store, data_dir: Path,
                                     clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.focused is not None and app.focused.id == "rep-name"
        assert "Massachusetts Health Connector" in _export_text(app)
        assert "1-877-623-6765" in _export_text(app)
        await type_text(pilot, "Dana")
        await pilot.press("tab")
        assert app.focused.id == "rep-id"
        await type_text(pilot, "4471")
        await pilot.press("tab")
        assert app.focused.id == "rep-refused"  # beside the ID it stands for
        await pilot.press("tab")
        assert app.focused.id == "rep-role"
        await pilot.press("tab")
        assert app.focused.id == "rep-dept"
        await type_text(pilot, "Billing")
        clock.advance(754)
        await pilot.press("ctrl+n")
        assert app.focused.id == "note-input"
        await type_text(pilot, "Asked for a supervisor")
        await pilot.press("enter")
        await pilot.press("ctrl+o")
        clock.advance(300)
        await pilot.press("ctrl+o")
        await type_text(pilot, "ref: 88213")
        await pilot.press("enter")
        await type_text(pilot, "promise: will call back in 3 days")
        await pilot.press("enter")
        clock.advance(30)
        await pilot.press("ctrl+r")
        assert app.focused.id == "rep-name"
        assert app.focused.value == ""
        await type_text(pilot, "Lee")
        await pilot.pause()
        text = _export_text(app)
        assert "00:12:34" in text and "Asked for a supervisor" in text
        assert "Dana #4471" in text
        # While the call runs, everything so far is already on disk.
        assert store.flush()
        (live,) = on_disk(data_dir)
        assert live["status"] == "live"
        assert [r["first_name"] for r in live["reps"]] == ["Dana", "Lee"]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, EndCallDialog)
        await type_text(pilot, "Billing will review")
        await pilot.press("tab")
        await pilot.press("down", "down", "enter")  # callback promised; focus moves on
        await type_text(pilot, "TK-9")
        await pilot.press("tab")
        await type_text(pilot, "letter by 2026-12-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = _export_text(app)
        assert "Coverage restricted" in home
        # Each promise with a date is now a follow-up on the home screen.
        assert "2026-11-27" in home and "will call back in 3 days" in home
        assert "2026-12-01" in home and "letter by 2026-12-01" in home
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["status"] == "ended" and call["outcome"] == "callback promised"
    assert call["summary"] == "Billing will review"
    assert call["organisation"] == "Massachusetts Health Connector"
    assert call["number_dialled"] == "1-877-623-6765"
    dana, lee = call["reps"]
    assert (dana["first_name"], dana["rep_id"], dana["department"]) == ("Dana", "4471", "Billing")
    assert (lee["first_name"], lee["joined_elapsed"]) == ("Lee", 1084)
    assert [n["text"] for n in call["notes"]] == ["Asked for a supervisor"]
    assert call["notes"][0]["elapsed"] == 754
    assert call["notes"][0]["at"] == "2026-11-24T14:17:34+00:00"
    (hold,) = call["hold_segments"]
    assert (hold["start_elapsed"], hold["end_elapsed"]) == (754, 1054)
    assert [r["number"] for r in call["references"]] == ["88213", "TK-9"]
    assert [(p["text"], p["due"]) for p in call["promises"]] == [
        ("will call back in 3 days", "2026-11-27"),
        ("letter by 2026-12-01", "2026-12-01"),
    ]
    assert call["duration_seconds"] == 1084
    assert call["playbooks_used"][0]["id"] == "ma-health-connector"
    index = index_tables(data_dir)
    (row,) = index["calls"].values()
    assert row["outcome"] == "callback promised" and row["hold_seconds"] == 300


async def test_quit_during_a_call_saves_it_as_interrupted(make_app, store: Store,
                                                          data_dir: Path,
                                                          clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "Sam")
        await pilot.press("ctrl+n")
        await type_text(pilot, "not yet entered")
        clock.advance(61)
        await pilot.press("ctrl+o")
        await pilot.press("ctrl+q")  # asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmKeyDialog)
        assert "Press ctrl+q again to quit" in _export_text(app)
        await pilot.press("escape")  # a slip: back to the call, still running
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.session.call.is_live
        await pilot.press("ctrl+q", "ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["outcome"] == "interrupted" and call["status"] == "ended"
    assert call["notes"][-1]["text"] == "not yet entered"
    assert call["reps"][0]["first_name"] == "Sam"
    assert call["hold_segments"][0]["end"] is not None


async def test_markup_is_shown_and_stored_literally(make_app, store: Store,
                                                    data_dir: Path) -> None:
    app = make_app(start=REQUEST)
    hostile = "[bold]paid[/bold] [link=http://x]y[/link] [a[0]] \x1b]0;PWNED\x07"
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        note = app.screen.query_one("#note-input", Input)
        note.value = hostile
        await pilot.press("enter")
        await type_text(pilot, "[red]Dana[/red]")
        await pilot.pause()
        log = app.screen.query_one("#notes-log", RichLog)
        rendered = "\n".join(strip.text for strip in log.lines)
        unwrapped = " ".join(rendered.split())  # the log wraps long notes
        assert "[bold]paid[/bold] [link=http://x]y[/link] [a[0]]" in unwrapped
        assert "\x1b" not in rendered and "\\x1b]0;PWNED\\x07" in rendered
        svg_text = _export_text(app)
        assert "[bold]paid[/bold]" in svg_text
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["notes"][0]["text"] == hostile
    assert call["draft_note"] == "[red]Dana[/red]" or call["notes"][-1]["text"] == "[red]Dana[/red]"


async def test_home_screen_starts_a_call_in_a_new_case(make_app, store: Store,
                                                       data_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = _export_text(app)
        assert "Hold the Line" in text and "Press  c  to start" in text
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, StartCallDialog)
        await type_text(pilot, "Billing mix-up")
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "org-list"
        await pilot.press("enter")  # first playbook alphabetically
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        organisation = app.screen.session.call.organisation
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press("tab", "enter")  # outcome: resolved
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = _export_text(app)
        assert "Billing mix-up" in text and organisation[:12] in text
        # A second call on the same case: Enter opens the case, c calls about it.
        cases = app.screen.query_one("#cases-table")
        cases.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, StartCallDialog)
        assert app.screen.query_one("#case-input", Input).value == "Billing mix-up"
        await pilot.press("escape")
    assert store.flush()
    assert [case.title for case in store.list_cases()] == ["Billing mix-up"]
    (call,) = on_disk(data_dir)
    assert call["outcome"] == "resolved"


async def test_start_dialog_needs_a_case_name(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StartCallDialog)
        assert any("Name the case" in n.message for n in app._notifications)


async def test_other_organisation_without_playbook(make_app, store: Store,
                                                   data_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        await type_text(pilot, "Cable bill")
        await pilot.press("enter")
        await pilot.press("end", "enter")  # "Someone else"
        assert app.focused is not None and app.focused.id == "org-input"
        await type_text(pilot, "Comcast")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert "No playbook for Comcast" in _export_text(app)
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["organisation"] == "Comcast" and call["playbook_id"] == ""


async def test_call_with_only_a_case_asks_whom(make_app) -> None:
    app = make_app(ask_to_start=True, start_case="Dental bill")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartCallDialog)
        assert app.screen.query_one("#case-input", Input).value == "Dental bill"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_app_closing_while_a_call_screen_is_built_closes_cleanly(make_app) -> None:
    """Dial in a burst, then leave at once (as ctrl+q or a closed terminal would): the call
    screen is still being built as the app closes. Textual's drop-down stopped the app
    with an error here (its mount looked for a child never mounted)."""
    from tests.test_typeahead import burst, key, settle, typed

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        await burst(app, key("c") + typed("Denied") + key("ctrl+s"))
        await settle(pilot, lambda: isinstance(app.screen, CallScreen))
    assert app._exception is None
