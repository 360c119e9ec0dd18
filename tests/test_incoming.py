"""Incoming calls: the organisation called the user; it can keep a promised call back."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.screens.call import CallScreen
from tui.screens.start_call import StartCallDialog
from tui.service import CallRequest, EndCallResult, Service
from tui.store import Store


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


def _promised(service: Service, clock: FrozenClock) -> str:
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.enter_line("promise: Billing will call me back tomorrow")
    session.end(EndCallResult("callback promised", ""))
    clock.advance(2 * 86400)
    (item,) = service.followups.all()
    return item.key


def test_an_incoming_call_keeps_the_promised_call_back(store: Store, clock: FrozenClock) -> None:
    service = Service(store, {}, [], clock)
    key = _promised(service, clock)
    request = CallRequest("Coverage restricted", "Connector", number="617-555-0100",
                          direction="incoming", fulfils=[key])
    session = service.calls.start(request)
    session.end(EndCallResult("resolved", "They called back"))
    (item,) = service.followups.all()
    assert item.done and item.status(service.today()) == "kept late"  # a day late
    call = session.call
    assert (call.direction, call.number_dialled, call.fulfils) == (
        "incoming", "617-555-0100", [key])
    dossier, _c, _k = service.exports.render("md")
    assert "— Connector called" in dossier
    assert "- Incoming: they called from 617-555-0100" in dossier
    assert "Kept the promise" in dossier and "1 of them made to you" in dossier
    csv_text, _c, _k = service.exports.render("csv")
    assert ",incoming,617-555-0100," in csv_text and ",outgoing," in csv_text


async def test_home_logs_an_incoming_call_in_one_key(make_app, store: Store,  # type: ignore[no-untyped-def]
                                                     clock: FrozenClock) -> None:
    service = Service(store, {}, [], clock)
    key = _promised(service, clock)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StartCallDialog) and dialog.incoming
        await pilot.press(*"Coverage restricted")
        await pilot.pause()
        assert "Billing will call me back tomorrow" in screen_text(app)
        dialog.query_one("#fulfils").select(key)
        dialog.query_one("#org-input").value = "Connector urgent line"
        dialog.query_one("#caller-number").value = "844-558-3454"
        dialog.query_one("#org-input").focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        call = app.screen.session.call
        assert call.incoming and call.fulfils == [key]
        text = screen_text(app)
        assert "They called: Connector urgent line" in text
        assert "PROMISE This is the call" in text and "they promised" in text
    (item,) = Service(store, {}, [], clock).followups.all()
    assert item.done


def test_call_incoming_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    import tui.cli
    from tui.app import HoldTheLineApp

    seen: dict[str, object] = {}

    def fake_run(self: HoldTheLineApp) -> None:
        seen["start"] = self._start

    monkeypatch.setattr(HoldTheLineApp, "run", fake_run)
    monkeypatch.setattr(tui.cli, "require_terminal", lambda: None)
    assert main(["--data-dir", str(tmp_path / "d"), "call", "--incoming", "--from",
                 "617-555-0199", "--case", "X", "--playbook", "ma-health-connector"]) == 0
    start = seen["start"]
    assert isinstance(start, CallRequest)
    assert (start.direction, start.number) == ("incoming", "617-555-0199")
