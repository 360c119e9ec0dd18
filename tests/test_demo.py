"""The demo: the worked example from the spec, synthetic histories, ``run_demo``."""

from __future__ import annotations

import argparse
import html
import os
import re
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tui import demo
from tui.cli import CliError
from tui.demo import STORY_FILE, StoryError, command
from tui.demo.story import ACTION_KINDS, StoryTeller
from tui.domain.claims import claim_groups
from tui.domain.followups import broken_by_organisation, followups_from_summaries
from tui.domain.model import OUTCOMES, Call
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import Service
from tui.store import Store

START = datetime(2026, 6, 8, 13, 0, tzinfo=UTC)  # a Monday
CONNECTOR = "ma-health-connector"
INSURER = "neighborhood-health-plan"
GOVERNOR = "ma-governor-constituent-services"


def _export_text(app) -> str:  # type: ignore[no-untyped-def]
    """Everything on screen, as plain text (as in test_call_flow)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def _args(**values: object) -> argparse.Namespace:
    base: dict[str, object] = {"calls": None, "into": None, "data_dir": None, "playbooks": []}
    base.update(values)
    return argparse.Namespace(**base)


def _files(directory: Path) -> dict[str, bytes]:
    """Every data file (not the lock) by relative path."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*.json"))
    }


@pytest.fixture
def story(store: Store) -> tuple[Store, list[Call]]:
    case = demo.build_story(store, START)
    return store, list(store.iter_calls(case.id))


# -- the worked example ----------------------------------------------------------------
def test_story_case_has_the_facts_to_read_out(story: tuple[Store, list[Call]]) -> None:
    store, _calls = story
    [case] = store.list_cases()
    assert case.title == demo.STORY_TITLE
    assert case.home_state == "MA"
    assert case.status == "open"  # until the next bill shows a zero balance
    assert {"Member ID", "Billing account number", "Application ID"} <= set(case.identifiers)
    assert case.identifiers["Billing account number"].startswith("7")
    assert len(case.payments) >= 4
    assert {p.method for p in case.payments} == {"manual", "autopay"}
    assert all(p.confirmation and p.account and p.amount == "412.50" for p in case.payments)
    # Every premium paid before the 23rd of the month before coverage.
    assert all(date.fromisoformat(p.date).day < 23 for p in case.payments)
    assert store.get_profile().name == "Ana Reyes"  # who is asking heads the dossier
    names = [notice.name for notice in case.notices]
    assert any("restricted" in name.casefold() for name in names)
    termination = next(n for n in case.notices if "Termination" in n.name)
    assert termination.deadline_days == 35 and "Reinstatement" in termination.deadline_name
    assert len(case.documents) >= 2 and all(d.what and d.how for d in case.documents)


def test_story_calls_tell_the_story(story: tuple[Store, list[Call]]) -> None:
    store, calls = story
    assert 10 <= len(calls) <= 14
    assert all(call.status == "ended" and call.outcome in OUTCOMES for call in calls)
    starts = [call.started_at for call in calls]
    assert starts == sorted(starts)
    span = datetime.fromisoformat(starts[-1]) - datetime.fromisoformat(starts[0])
    assert timedelta(days=14) <= span <= timedelta(days=35)
    assert len({call.organisation for call in calls}) >= 3
    used = {use.id for call in calls for use in call.playbooks_used}
    assert {CONNECTOR, INSURER, GOVERNOR} <= used
    assert any(len(call.playbooks_used) > 1 for call in calls)  # switched mid-call

    connector = [call for call in calls if call.playbook_id == CONNECTOR]
    assert max(call.hold_seconds() for call in connector) >= 45 * 60  # long holds
    assert any(len(call.reps) > 1 for call in connector)  # transfers
    assert any(rep.role == "supervisor" for call in connector for rep in call.reps)
    assert any(rep.id_refused for call in calls for rep in call.reps)
    assert any(call.reference_refused for call in calls)
    every_note = " ".join(note.text for call in calls for note in call.notes).casefold()
    assert "retro request" in every_note and "the difference" in every_note

    by_id = {call.id: call for call in calls}
    redials = [call for call in calls if call.redial_of]
    assert redials and all(by_id[c.redial_of].outcome == "disconnected" for c in redials)

    insurer = [call for call in calls if call.playbook_id == INSURER]
    assert any("email" in p.text.casefold() and p.done for c in insurer for p in c.promises)

    governor = [call for call in calls if "Governor" in call.organisation]
    assert governor and governor[0].references
    fix = next(call for call in calls if call.started_at > governor[0].started_at)
    assert fix.playbook_id == CONNECTOR and fix.outcome == "resolved"
    assert (datetime.fromisoformat(fix.started_at).date()
            - datetime.fromisoformat(governor[0].started_at).date()).days <= 3
    assert calls[-1].outcome == "resolved"

    assert all(call.references or call.reference_refused is not None or
               call.outcome in ("disconnected", "no progress") for call in calls)
    facts = set(store.get_case(calls[0].case_id).facts())  # type: ignore[union-attr]
    read = [fact for call in calls for fact in call.read_out]
    assert read and set(read) <= facts


def test_story_promises_kept_and_broken(story: tuple[Store, list[Call]]) -> None:
    store, calls = story
    followups = followups_from_summaries(store.call_summaries())
    assert len(followups) >= 5
    assert any(f.done for f in followups)
    last_due = max(f.due for f in followups)
    broken = broken_by_organisation(followups, last_due + timedelta(days=30))
    connector_name = next(c.organisation for c in calls if c.playbook_id == CONNECTOR)
    assert broken[connector_name] >= 1
    # The broken one really was not kept by its date: it is open, and it was due
    # before the last call.
    assert any(not f.done and f.due.isoformat() < calls[-1].started_at[:10] for f in followups)


def test_story_claims_contradict_then_agree(story: tuple[Store, list[Call]]) -> None:
    store, calls = story
    case = store.get_case(calls[0].case_id)
    assert case is not None
    groups = claim_groups(case)
    assert any(group.disagree for group in groups)
    effective = next(g for g in groups if g.question == "Coverage effective date")
    parties = effective.parties
    assert len(parties) == 2
    assert not effective.disagree  # the later agreement
    says = {claim.says for claim in effective.claims}
    assert len(says) == 2  # "1 Feb" and "1 Mar"
    # Before the fix, the insurer and the exchange disagreed.
    fix_day = next(c for c in calls if c.outcome == "resolved").started_at[:10]
    earlier = case.__class__(id=case.id, title=case.title, created_at=case.created_at,
                             claims=[c for c in case.claims if c.date < fix_day])
    before = next(g for g in claim_groups(earlier) if g.question == "Coverage effective date")
    assert before.disagree


def test_story_checklist_keys_match_the_playbook_panel(
        story: tuple[Store, list[Call]]) -> None:
    from tui.widgets.playbook_panel import step_key

    _store, calls = story
    playbooks, _ = load_playbooks([(shipped_playbooks_dir(), "shipped")])
    known = {step_key(pb, i) for pb in playbooks.values() for i in range(len(pb.steps))}
    ticked = [key for call in calls for key in call.checklist]
    assert len(ticked) >= 20
    assert set(ticked) <= known


def test_story_is_on_disk(data_dir: Path) -> None:
    store = Store.open(data_dir)
    case = demo.build_story(store, START)
    store.close()
    again = Store.open(data_dir)
    try:
        assert again.get_case(case.id) == case
        assert len(list(again.iter_calls())) == len(again.call_summaries()) >= 10
    finally:
        again.close()


def test_story_weekend_start_moves_to_monday(store: Store) -> None:
    case = demo.build_story(store, datetime(2026, 6, 6, 15, 0, tzinfo=UTC))  # a Saturday
    first = store.call_summaries(case.id)[0]
    assert first.started_at.startswith("2026-06-08")


# -- the story file ------------------------------------------------------------------------
def test_story_file_loads_and_exercises_every_action_kind() -> None:
    story = demo.load_story()
    assert story.case.title == demo.STORY_TITLE
    assert len(story.calls) == 12
    actions = [action for call in story.calls for action in call.actions]
    assert {action.kind for action in actions} == set(ACTION_KINDS) == set(StoryTeller.ACTIONS)
    # ...and every option: gap, kept promises, a line that drops on hold, every step ticked.
    assert any(action.gap for action in actions)
    assert any(action.kept for action in actions)
    assert any(action.line_drops for action in actions)
    assert any(action.tick == "all" for action in actions)
    assert any(call.redials for call in story.calls) and any(c.number for c in story.calls)
    assert story.case.payments and story.case.notices and story.case.documents
    assert story.case.claims


def test_story_file_mistakes_are_refused(tmp_path: Path) -> None:
    good = STORY_FILE.read_text("utf-8")
    mistakes = {
        "unknown": good.replace("      - hold: 27\n", "      - hold: 27\n        loud: true\n"),
        "exactly one": good.replace("      - hold: 27\n", "      - hold: 27\n        say: hi\n"),
        "goes with": good.replace("      - hold: 27\n", "      - hold: 27\n        kept: true\n"),
        "last action": good.replace("    actions:\n      - hold: 6\n",
                                    "    actions:\n      - end: {outcome: resolved, summary: x}\n"
                                    "      - hold: 6\n"),
        "earlier call": good.replace("    redials: 3\n", "    redials: 4\n"),
    }
    for number, (message, text) in enumerate(mistakes.items()):
        assert text != good, message
        path = tmp_path / f"story-{number}.yaml"
        path.write_text(text, "utf-8")
        with pytest.raises(StoryError, match=message):
            demo.load_story(path)


def test_story_leaves_out_payments_not_made_yet(store: Store, data_dir: Path) -> None:
    early = demo.build_story(store, START)  # 8 June: June's AutoPay (the 22nd) is to come
    late_store = Store.open(data_dir / "late")
    try:
        late = demo.build_story(late_store, datetime(2026, 6, 24, 13, 0, tzinfo=UTC))
    finally:
        late_store.close()
    assert len(late.payments) == len(early.payments) + 1
    assert max(p.date for p in late.payments) == "2026-06-22"


def test_nothing_outside_the_store_writes_data_files() -> None:
    root = Path(__file__).resolve().parent.parent
    sources = [*(root / "tui" / "demo").glob("*.py"), *(root / "bench").glob("*.py")]
    for path in sources:
        text = path.read_text("utf-8")
        for writer in ("json.dump(", "atomic", "write_new_file", "os.open(", "TinyDB",
                       ".write_text(", ".write_bytes("):
            assert writer not in text, f"{path.name} uses {writer}"


# -- synthetic histories ------------------------------------------------------------------
def test_generate_200_calls_loads(tmp_path: Path) -> None:
    target = tmp_path / "gen"
    demo.generate(target, 200)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert stat.S_IMODE((target / "calls").stat().st_mode) == 0o700
    for path in [target / "layout.json", *list((target / "calls").iterdir())[:20]]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p for p in target.rglob("*") if p.name.endswith(".tmp")]
    store = Store.open(target)
    try:
        assert len(store.call_summaries()) == 200
        assert not store.recovered_calls
        calls = list(store.iter_calls())
        assert len(calls) == 200
        assert all(call.status == "ended" and call.outcome in OUTCOMES for call in calls)
        cases = store.list_cases()
        assert 3 <= len(cases) <= 20
        assert {call.case_id for call in calls} == {case.id for case in cases}
        assert len({call.organisation for call in calls}) >= 3
        by_id = {call.id: call for call in calls}
        redials = [call for call in calls if call.redial_of]
        assert redials and all(by_id[c.redial_of].outcome == "disconnected" for c in redials)
        assert any(call.hold_segments for call in calls)
        assert any(p.due for call in calls for p in call.promises)
        # Calls never overlap and all end before the default cut-off.
        ordered = sorted(calls, key=lambda c: c.started_at)
        for first, second in zip(ordered, ordered[1:], strict=False):
            assert first.ended_at is not None and first.ended_at <= second.started_at
        assert ordered[-1].ended_at is not None
        assert datetime.fromisoformat(ordered[-1].ended_at) < demo.DEFAULT_UNTIL
    finally:
        store.close()


def test_generate_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(ValueError, match="not empty"):
        demo.generate(target, 10)
    assert sorted(os.listdir(target)) == ["notes.txt"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x", "utf-8")
    with pytest.raises(ValueError, match="not a folder"):
        demo.generate(a_file, 10)
    with pytest.raises(ValueError, match="at least 1"):
        demo.generate(tmp_path / "new", 0)
    empty = tmp_path / "empty"
    empty.mkdir()
    demo.generate(empty, 5)  # an existing empty folder is fine
    files = _files(empty)
    assert len([name for name in files if name.startswith("calls/")]) == 5
    assert "layout.json" in files and any(name.startswith("cases/") for name in files)


def test_generate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    demo.generate(tmp_path / "a", 120, seed=3)
    demo.generate(tmp_path / "b", 120, seed=3)
    demo.generate(tmp_path / "c", 120, seed=4)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len([name for name in first if name.startswith("calls/")]) == 120
    assert first == second
    assert _files(tmp_path / "c") != first


def test_generate_ends_before_until(tmp_path: Path) -> None:
    until = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    demo.generate(tmp_path / "g", 60, until=until)
    store = Store.open(tmp_path / "g", read_only=True)
    last = store.call_summaries()[-1]
    assert datetime.fromisoformat(last.ended_at) < until
    assert datetime.fromisoformat(last.started_at) > until - timedelta(days=10)


def test_generate_2000_calls_syncs_the_disk_a_fixed_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What keeps ``demo --calls N`` quick: no fsync per call file.

    (How quick is measured by bench/, not asserted here.) The number of fsync
    and sync calls does not grow with the number of calls.
    """
    syncs = {"fsync": 0, "sync": 0}
    real_fsync, real_sync = os.fsync, os.sync

    def fsync(fd: int) -> None:
        syncs["fsync"] += 1
        real_fsync(fd)

    def sync() -> None:
        syncs["sync"] += 1
        real_sync()

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", sync)
    demo.generate(tmp_path / "small", 20)
    small = dict(syncs)
    syncs.update(fsync=0, sync=0)
    demo.generate(tmp_path / "big", 2000)
    assert syncs == small
    assert small["sync"] == 1
    assert len(list((tmp_path / "big" / "calls").glob("*.json"))) == 2000
    with Store.open(tmp_path / "big", read_only=True) as store:
        assert len(store.call_summaries()) == 2000


# -- the command ----------------------------------------------------------------------------
def test_run_demo_into_writes_calls_and_the_story(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "demo-data"
    assert demo.run_demo(_args(calls=50, into=str(target))) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    match = re.fullmatch(r"Wrote (\d+) calls in (\d+) cases to (.+)", out[0])
    assert match, out
    store = Store.open(target, read_only=True)
    assert int(match[1]) == len(store.call_summaries()) == 50 + len(
        store.call_summaries(store.find_case(demo.STORY_TITLE).id))  # type: ignore[union-attr]
    assert int(match[2]) == len(store.list_cases())
    assert match[3] == str(target)
    # The story is recent and comes after the synthetic history.
    story = store.find_case(demo.STORY_TITLE)
    assert story is not None
    rows = store.call_summaries()
    assert rows[-1].case_id == story.id
    assert not any(row.case_id == story.id for row in rows[:50])


def test_run_demo_into_without_calls_writes_the_story_only(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "story"
    assert demo.run_demo(_args(into=str(target))) == 0
    store = Store.open(target, read_only=True)
    assert [case.title for case in store.list_cases()] == [demo.STORY_TITLE]
    calls = len(store.call_summaries())
    assert capsys.readouterr().out == f"Wrote {calls} calls in 1 case to {target}\n"


def test_run_demo_errors_are_one_line(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("x", "utf-8")
    with pytest.raises(CliError, match="not empty") as error:
        demo.run_demo(_args(calls=5, into=str(full)))
    assert "\n" not in str(error.value)
    with pytest.raises(CliError, match="at least 1"):
        demo.run_demo(_args(calls=0, into=str(tmp_path / "new")))
    with pytest.raises(CliError, match="at least 1"):
        demo.run_demo(_args(calls=-3))
    assert not (tmp_path / "new").exists()
    with pytest.raises(CliError, match="no such folder"):
        demo.run_demo(_args(playbooks=[str(tmp_path / "missing")]))


def test_run_demo_opens_a_temporary_copy_and_deletes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.app import HoldTheLineApp

    seen: dict[str, object] = {}

    def fake_run(self: HoldTheLineApp) -> None:
        store = self.service.ctx.store
        seen["dir"] = store.data_dir
        seen["title"] = self.title
        seen["cases"] = [case.title for case in store.list_cases()]
        seen["calls"] = len(store.call_summaries())
        seen["playbooks"] = set(self.service.playbooks)
        seen["mode"] = stat.S_IMODE(store.data_dir.parent.stat().st_mode)

    monkeypatch.setattr(HoldTheLineApp, "run", fake_run)
    monkeypatch.setattr(command, "require_terminal", lambda: None)
    home = Path(os.environ["HOLDTHELINE_HOME"])
    assert demo.run_demo(_args()) == 0
    assert demo.STORY_TITLE in seen["cases"]  # type: ignore[operator]
    assert "DEMO" in str(seen["title"])
    assert {CONNECTOR, INSURER, GOVERNOR} <= seen["playbooks"]  # type: ignore[operator]
    assert seen["mode"] == 0o700
    assert not Path(str(seen["dir"])).exists()  # deleted afterwards
    assert not home.exists()  # the user's data was never touched

    assert demo.run_demo(_args(calls=30)) == 0
    assert seen["calls"] == 30 + 12  # the synthetic calls and the story
    assert not Path(str(seen["dir"])).exists()
    assert not home.exists()


# -- the app on the story ------------------------------------------------------------------
async def test_demo_app_opens_on_the_story(store: Store) -> None:
    from tui.app import HoldTheLineApp

    demo.build_story(store, demo.story_start())
    playbooks, problems = load_playbooks([(shipped_playbooks_dir(), "shipped")])
    app = HoldTheLineApp(Service(store, playbooks, problems))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _export_text(app)
        assert "Coverage restricted despite" in text
        assert "BROKEN" in text  # the exchange's broken promises
        assert "Massachusetts Health" in text


async def test_demo_app_says_it_is_the_demo(store: Store) -> None:
    from tui.screens.home import HomeScreen

    demo.build_story(store, demo.story_start())
    playbooks, problems = load_playbooks([(shipped_playbooks_dir(), "shipped")])
    app = demo.make_demo_app(Service(store, playbooks, problems))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 2  # the home screen was pushed once
        text = _export_text(app)
        assert "DEMO" in text
        assert "Coverage restricted despite" in text
        assert any("demo" in n.message.casefold() for n in app._notifications)


def test_story_has_a_correction_the_dossier_shows(story: tuple[Store, list[Call]]) -> None:
    store, calls = story
    [case] = store.list_cases()
    corrected = [p for p in case.payments if p.corrected]
    assert [p.confirmation for p in corrected] == ["BP7731-5520"]
    [revision] = corrected[0].revisions
    assert revision.before == {"confirmation": "BP7731-5250"}
    assert revision.reason == "typo; read again from the bank statement"
    from tui.export import render

    dossier = render("md", [case], calls, "2026-12-31T12:00:00+00:00")
    assert re.search(r"BP7731-5520 \(corrected \d{4}-\d\d-\d\d; was: BP7731-5250\)", dossier)
    masked = render("md", [case], calls, "2026-12-31T12:00:00+00:00", mask=True)
    assert "BP7731-5250" not in masked and "was: •••••••5250" in masked
