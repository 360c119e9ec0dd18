"""Keys sent in one burst, with no pauses and both cores busy, land where they were typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual import events

from tui.screens.call import CallScreen
from tui.screens.end_call import EndCallDialog
from tui.screens.home import HomeScreen
from tui.service import CallRequest
from tui.store import Store

REQUEST = CallRequest("Coverage restricted", "Massachusetts Health Connector",
                      "ma-health-connector", "1-877-623-6765")
ROUNDS = 3


def typed(text: str) -> list[tuple[str, str | None]]:
    return [("space", " ") if ch == " " else (ch, ch) for ch in text]


def key(name: str) -> list[tuple[str, str | None]]:
    return [(name, None)]


def round_keys(n: int) -> list[tuple[str, str | None]]:
    """A whole call typed at once: two reps, notes, a reference, the end-call dialog."""
    return (
        typed(f"Tanya{n}") + key("tab") + typed(f"8812-{n}") + key("ctrl+n")
        + typed(f"first note {n}") + key("enter") + typed(f"ref: REF-{n}") + key("enter")
        + key("ctrl+r") + typed(f"Bob{n}") + key("tab") + typed(f"77-{n}") + key("ctrl+n")
        + typed(f"second note {n}") + key("enter") + typed(f"half typed {n}")
        + key("ctrl+t") + typed(f"summary {n}") + key("tab") + key("down") + key("enter")
        + typed(f"TK-{n}") + key("ctrl+s")
    )


async def burst(app, keys: list[tuple[str, str | None]]) -> None:  # type: ignore[no-untyped-def]
    """Post every key to the app at once, as a fast typist or a busy machine delivers them."""
    for name, char in keys:
        app.post_message(events.Key(name, char))


async def settle(pilot, until) -> None:  # type: ignore[no-untyped-def]
    for _ in range(400):
        await pilot.pause(0.02)
        if until():
            return
    raise AssertionError("the app did not get there")


def _calls(data_dir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    found = {}
    for path in (data_dir / "calls").glob("*.json"):
        call = json.loads(path.read_text("utf-8"))["call"]["1"]
        found[call["id"]] = call
    return found


@pytest.mark.slow
async def test_whole_calls_typed_in_one_burst_with_both_cores_busy(
        make_app, store: Store, data_dir: Path, busy_cores: None) -> None:
    app = make_app()
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for n in range(ROUNDS):
            app.begin_call(REQUEST)
            await settle(pilot, lambda: isinstance(app.screen, CallScreen)
                         and app.focused is not None and app.focused.id == "rep-name")
            seen.append(app.screen.session.call.id)
            await burst(app, round_keys(n))
            await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
    assert store.flush()
    calls = _calls(data_dir)
    misplaced = []
    for n, call_id in enumerate(seen):
        call = calls[call_id]
        got = {
            "reps": [(r["first_name"], r["rep_id"]) for r in call["reps"]],
            "notes": [note["text"] for note in call["notes"]],
            "refs": [r["number"] for r in call["references"]],
            "summary": call["summary"], "outcome": call["outcome"],
        }
        want = {
            "reps": [(f"Tanya{n}", f"8812-{n}"), (f"Bob{n}", f"77-{n}")],
            "notes": [f"first note {n}", f"second note {n}", f"half typed {n}"],
            "refs": [f"REF-{n}", f"TK-{n}"],
            "summary": f"summary {n}", "outcome": "escalated",
        }
        if got != want:
            misplaced.append((n, got))
    assert misplaced == []


async def test_keys_after_a_dialog_opens_go_into_it(make_app, store: Store) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await burst(app, key("ctrl+t") + typed("typed straight away"))
        await settle(pilot, lambda: isinstance(app.screen, EndCallDialog)
                     and app.screen.query_one("#summary").value == "typed straight away")
        assert app.screen.session.call.is_live


async def test_a_widget_waiting_for_messages_is_seen_as_quiet(make_app) -> None:
    """The gate asks only busy widgets to confirm they handled the last key: an idle
    widget is recognised as such (if Textual's queue changes, this fails rather than
    the gate silently asking all sixty widgets of a call on every key), and one with a
    message queued or a callback waiting is not."""
    from tui.typeahead import _quiet

    app = make_app(start=REQUEST)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CallScreen)
        pumps = [screen, *screen.walk_children()]
        # (a timer's tick may be on its way to the clock at this very moment)
        assert len(pumps) > 40 and sum(_quiet(pump) for pump in pumps) >= len(pumps) - 3
        note = screen.query_one("#note-input")
        note.post_message(events.Focus())
        assert not _quiet(note)
        await pilot.pause()
        assert _quiet(note)
        note.call_later(lambda: None)
        assert not _quiet(note)
