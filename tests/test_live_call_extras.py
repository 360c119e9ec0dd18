"""Live call: pastes, the command palette, keys and settings, claims in the record."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual import events
from textual.command import CommandList, CommandPalette

from tui.app import HoldTheLineApp
from tui.cli import main
from tui.config import Config, ConfigError, load_config
from tui.keys import keymap_for
from tui.screens.call import CallScreen
from tui.screens.call_detail import CallDetailScreen
from tui.service import CallRequest, Service
from tui.store import Store

REQUEST = CallRequest("Coverage restricted", "Massachusetts Health Connector",
                      "ma-health-connector", "1-877-623-6765")


def screen_text(app: HoldTheLineApp) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_a_multi_line_paste_is_one_note_with_its_line_breaks(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n", *"Email says:", "space")
        app.post_message(events.Paste("Dear member,\nyour reference is 4471-22\nThanks"))
        await pilot.pause()
        call = app.screen.session.call
        assert [n.text for n in call.notes] == [
            "Email says: Dear member,\nyour reference is 4471-22\nThanks"]
        assert app.screen.query_one("#note-input").value == ""
        assert any("Pasted 3 lines as one note" in n.message for n in app._notifications)
        await pilot.press(*"next")
        assert app.screen.query_one("#note-input").value == "next"


async def test_a_paste_from_a_terminal_keeps_its_line_breaks(make_app) -> None:  # type: ignore[no-untyped-def]
    """Terminals send a carriage return for each line break of a paste (tmux, xterm),
    Windows copies carriage return + line feed: both are stored as line breaks."""
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        app.post_message(events.Paste("Reference:\rTK-4471\r\nBP7731"))
        await pilot.pause()
        assert [n.text for n in app.screen.session.call.notes] == [
            "Reference:\nTK-4471\nBP7731"]


async def test_pastes_into_one_line_fields_keep_every_line_or_are_refused(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        app.post_message(events.Paste("Tanya\nagent 8812"))
        await pilot.pause()
        assert app.screen.session.current_rep.first_name == "Tanya agent 8812"
        assert any("line breaks became spaces" in n.message for n in app._notifications)
        await pilot.press("ctrl+n")
        huge = "x" * (1024 * 1024)
        app.post_message(events.Paste(huge))
        await pilot.pause()
        assert app.screen.query_one("#note-input").value == ""
        assert any("too long" in n.message for n in app._notifications)
        await pilot.press(*"still typing")  # the screen answers straight away
        assert app.screen.query_one("#note-input").value == "still typing"
        # A paste carrying what looks like keys is text: it never quits the app.
        app.post_message(events.Paste("harmless\x1b[201~\x11"))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CallScreen)


async def _palette(app: HoldTheLineApp, pilot, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*["space" if ch == " " else ch for ch in query])
    for _ in range(20):
        await pilot.pause(0.05)
    results = app.screen.query_one(CommandList)
    return [str(results.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(results.option_count)]


async def test_the_palette_offers_the_call_actions_by_name(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hits = await _palette(app, pilot, "hold")
        assert hits and hits[0].startswith("Hold on / off")
        assert not any(hit.startswith("Playbook:") for hit in hits)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.session.call.on_hold
        hits = await _palette(app, pilot, "playbook cable")
        assert [h for h in hits if h.startswith("Playbook:")] == [
            "Playbook: Cable, internet or phone billing dispute"]
        await pilot.press("escape")
        hits = await _palette(app, pilot, "end call")
        assert hits[0].startswith("End call")


def test_config_remaps_keys_by_id_and_refuses_unknown_ids(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\ntheme = "nord"\nhold_alert_minutes = 20\n[keys]\nhold = "f9"\n',
                    "utf-8")
    config = load_config(path)
    assert (config.theme, config.hold_alert_minutes, config.keys) == ("nord", 20, {"hold": "f9"})
    assert keymap_for(config, {})["hold"] == "f9"
    path.write_text('[keys]\nhodl = "f9"\n', "utf-8")
    with pytest.raises(ConfigError, match="keys.hodl: no binding has this id"):
        keymap_for(load_config(path), {})
    for bad, message in (('theme = 3\n', "theme must be"), ('[keys]\nhold = "f9!"\n', "keys.hold"),
                         ('hold_alert_minutes = 0\n', "hold_alert_minutes"),
                         ('colour = "red"\n', "unknown setting 'colour'"),
                         ('theme = "a\n', "not valid TOML")):
        path.write_text(bad, "utf-8")
        with pytest.raises(ConfigError, match=message) as error:
            load_config(path)
        assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_inside_tmux_the_prefix_key_is_never_the_only_key_shown() -> None:
    keymap = keymap_for(Config(Path("x")), {"TMUX": "/tmp/tmux-0/default,1,0"})
    assert keymap["switch-playbook"].split(",")[0] == "f6"
    assert keymap_for(Config(Path("x")), {}).get("switch-playbook") is None
    screen_keymap = keymap_for(Config(Path("x")), {"STY": "1.pts-0"})
    assert all(not keys.startswith("ctrl+a") for keys in screen_keymap.values())


def test_holdtheline_keys_prints_the_bindings_in_force(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nhold = "f9"\n', "utf-8")
    assert main(["--config", str(path), "keys"]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if " hold " in row)
    assert line.split()[:3] == ["live", "call", "f9"]
    assert "switch-playbook" in out and "quit" in out
    assert main(["--config", str(tmp_path / "missing.toml"), "keys"]) == 1
    assert "no such file" in capsys.readouterr().err


async def test_remapped_keys_work_and_the_theme_is_remembered(store: Store, clock,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    from tui.paths import shipped_playbooks_dir
    from tui.playbooks import load_playbooks

    path = tmp_path / "config.toml"
    path.write_text('# keep this comment\n[keys]\nhold = "f9"\n', "utf-8")
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    app = HoldTheLineApp(Service(store, playbooks, problems, clock), start=REQUEST,
                         config=load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen.session.call.on_hold
        app.theme = "nord"
        await pilot.pause()
    text = path.read_text("utf-8")
    assert "# keep this comment" in text and 'theme = "nord"' in text
    assert load_config(path).theme == "nord"


async def test_f3_and_f4_reach_the_rep_from_anywhere(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n", *"a note")
        await pilot.press("f4", *"4471")
        await pilot.press("f3", *"Dana")
        rep = app.screen.session.current_rep
        assert (rep.first_name, rep.rep_id) == ("Dana", "4471")
        assert app.screen.query_one("#note-input").value == "a note"


async def test_a_claim_is_a_claim_in_the_log_and_the_call_timeline(make_app, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clock.advance(125)
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"Coverage effective date", "enter", *"1 Mar", "ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "CLAIM" in text and "PROMISE" not in text
        call = app.screen.session.call
        (claim,) = app.service.calls.claims_on(call)
        assert claim.recorded_elapsed == 125
        app.open_call(call, "Coverage restricted")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen)
        text = screen_text(app)
        assert "00:02:05" in text
        assert "Claim: Coverage effective date: Massachusetts Health Connector says 1 Mar" in text
