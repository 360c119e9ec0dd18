"""Pilot tests: the playbook panel, its checklist, switching and escalating mid-call."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import OptionList, SelectionList, Static

from tests.store_files import index_tables
from tui.app import HoldTheLineApp
from tui.domain.clock import FrozenClock
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.screens.call import CallScreen
from tui.screens.home import HomeScreen
from tui.screens.playbooks import PlaybooksScreen
from tui.service import CallRequest, Service
from tui.store import Store

from .pilot_helpers import wait_for_command
from .test_call_flow import _export_text, on_disk

REQUEST = CallRequest(
    "Coverage restricted", "Massachusetts Health Connector", "ma-health-connector",
    "1-877-623-6765",
)


def panel_text(app) -> str:  # type: ignore[no-untyped-def]
    panel = app.screen.query_one("PlaybookPanel")
    parts = [str(w.render()) for w in panel.query(Static) if w.display]
    return "\n".join(parts)


async def test_panel_shows_numbers_never_steps_and_flags(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = panel_text(app)
        assert "1-877-623-6765" in text and "Menu:" in text
        assert "NEVER" in text and "Pay 'the difference'" in text
        assert "Agree to a 'retro request'" in text
        assert "Step 1: Get through to Billing" in text and "Say:" in text
        assert "Have ready" in text and "Member ID" in text
        assert "Escalate to" in text and "Governor" in text
        assert "35 days" in text and "Check the date on your notice" in text
        assert "reported by a user, unverified" in text
        assert "⚠" in text  # sources flagged weak / stale / conflict
        steps = app.screen.query_one("#panel-steps", SelectionList)
        assert steps.option_count == len(app.service.playbooks["ma-health-connector"].steps)


async def test_panel_shows_trust_at_each_fact(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = panel_text(app)
        flat = " ".join(text.split())
        # NEVER items, deadlines and steps carry their labels when not plain ok.
        assert "Give a card number: the Connector takes no credit or debit cards" in flat
        assert "without a read-back advice, not an official rule" in flat
        assert "⚠ sources disagree: 30, 35 or 60 days" in flat
        assert "⚠ may be out of date" in flat
        # The playbook-wide line, links and what the office cannot take.
        assert "About these facts" in text and "Facts last checked 2026-11" in flat
        assert "Links" in text and "https://betterhealthconnector.com/appeal-form" in flat
        assert "Cannot help with" in text and "Payment plans: the Connector offers none" in flat
        assert "Sources:" not in text  # the old count of sources is gone
        steps = app.screen.query_one("#panel-steps", SelectionList)
        prompts = [str(steps.get_option_at_index(i).prompt) for i in range(steps.option_count)]
        assert any("retro request" in p and "advice, not an official rule" in p
                   for p in prompts)


async def test_trust_is_judged_on_the_apps_date(make_app, clock: FrozenClock) -> None:
    clock.advance(400 * 86400)  # more than a year after the facts were checked
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        flat = " ".join(panel_text(app).split())
        assert "⚠ due for re-check (last checked 2026-11)" in flat
        assert re.search(r"Facts last checked 2026-11; \d+ due for re-check", flat)


async def test_ticking_steps_is_saved_with_the_call(make_app, store: Store,
                                                    data_dir: Path) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space")          # tick step 1
        await pilot.press("down", "down")   # highlight step 3
        await pilot.press("space")
        await pilot.pause()
        assert "Step 3:" in panel_text(app)
        await pilot.press("up", "up", "space")  # untick step 1
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    (call,) = on_disk(data_dir)
    checklist = call["checklist"]
    assert checklist["ma-health-connector#1: Get through to Billing"] is False
    ticked = [key for key, done in checklist.items() if done]
    assert len(ticked) == 1 and ticked[0].startswith("ma-health-connector#3: ")


async def test_ticks_come_back_when_switching_back(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l", "space")
        screen = app.screen
        assert isinstance(screen, CallScreen)
        screen.switch_playbook(app.service.playbooks["health-insurer"])
        await pilot.pause()
        screen.switch_playbook(app.service.playbooks["ma-health-connector"])
        await pilot.pause()
        steps = app.screen.query_one("#panel-steps", SelectionList)
        assert steps.selected == [0]


async def test_switch_playbook_mid_call_by_key(make_app, store: Store, data_dir: Path,
                                               clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"Dana")
        clock.advance(300)
        await pilot.press("ctrl+b")
        await pilot.pause()
        await pilot.press(*"neighborhood")
        await wait_for_command(pilot, "Neighborhood Health Plan")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.screen.session.playbook is not None
        assert app.screen.session.playbook.id == "neighborhood-health-plan"
        text = panel_text(app)
        assert "ID card" in text
        # Nothing typed so far was lost.
        assert app.screen.session.current_rep.first_name == "Dana"
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    (call,) = on_disk(data_dir)
    used = [(u["id"], u["elapsed"]) for u in call["playbooks_used"]]
    assert used == [("ma-health-connector", 0.0), ("neighborhood-health-plan", 300.0)]
    assert call["playbook_id"] == "neighborhood-health-plan"
    assert call["reps"][0]["first_name"] == "Dana"
    index = index_tables(data_dir)
    (row,) = index["calls"].values()
    assert row["playbook_id"] == "neighborhood-health-plan"


async def test_switch_from_the_command_palette(make_app) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Playbook: cable")
        await wait_for_command(pilot, "Playbook: Cable")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        assert app.screen.session.playbook is not None
        assert app.screen.session.playbook.id == "utility-billing-dispute"


async def test_escalation_target_in_one_key(make_app) -> None:
    request = CallRequest("Claim denied", "Office of Patient Protection",
                          "ma-office-of-patient-protection")
    app = make_app(start=request)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # OPP names exactly one target: one key switches to it.
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen.session.playbook.id == "ma-division-of-insurance"
        assert "Division of Insurance" in _export_text(app)


async def test_bad_playbook_gives_one_notice_and_is_listed(tmp_path: Path, store: Store,
                                                           clock: FrozenClock) -> None:
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: broken\nname: Broken\nkind: nope\nphone: []\n")
    (extra / "alias.yaml").write_text("id: a\nname: &n A\nkind: other\nnever: [*n]\n")
    playbooks, problems = load_playbooks([shipped_playbooks_dir(), (extra, "--playbooks")])
    app = HoldTheLineApp(Service(store, playbooks, problems, clock=clock))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications]
        assert len(notes) == 1
        assert "alias.yaml" in notes[0].message and "broken.yaml" in notes[0].message
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlaybooksScreen)
        text = _export_text(app)
        assert "2 files could not be loaded" in text
        assert "broken.yaml:4:1: unknown key 'phone'" in text
        assert "alias.yaml:2:7: anchors" in text
        options = app.screen.query_one("#playbook-list", OptionList)
        assert options.option_count == 8
        await pilot.press("down")
        await pilot.pause()
        assert "(health-insurer, insurer)" in _export_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_playbook_escape_sequences_never_reach_the_terminal(tmp_path: Path,
                                                                 store: Store,
                                                                 clock: FrozenClock) -> None:
    extra = tmp_path / "hostile"
    extra.mkdir()
    (extra / "evil.yaml").write_text(
        'id: evil\nname: "Evil \\e]0;PWNED\\a [bold]Corp[/bold]"\nkind: other\n'
        'never: ["\\e[2J clear [red]x[/red]"]\n'
        'steps: [{title: "\\e]52;c;aGk=\\a copy", say: "[link=http://x]hi[/link]"}]\n'
    )
    playbooks, problems = load_playbooks([shipped_playbooks_dir(), (extra, "--playbooks")])
    assert not problems
    request = CallRequest("X", playbooks["evil"].name, "evil")
    app = HoldTheLineApp(Service(store, playbooks, problems, clock=clock), start=request)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _export_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "[bold]Corp[/bold]" in text and "\\x1b]0;PWNED\\x07" in text
        assert "[red]x[/red]" in text and "[link=http://x]hi[/link]" in text
