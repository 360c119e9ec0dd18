"""Cases: Pilot tests of every case workflow, follow-ups, and the JSON round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from textual.widgets import DataTable, Input, RichLog, SelectionList

from tests.store_files import index_tables
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case, Claim, DocumentSent, Notice, Payment
from tui.screens.call import CallScreen
from tui.screens.case import CaseScreen
from tui.screens.confirm import ConfirmDialog, ConfirmKeyDialog
from tui.screens.end_call import EndCallDialog
from tui.screens.form import FormDialog
from tui.screens.home import HomeScreen
from tui.screens.recording import RecordingDialog
from tui.service import CallRequest
from tui.store import Store

from .test_call_flow import _export_text, on_disk

REQUEST = CallRequest(
    "Coverage restricted", "Massachusetts Health Connector", "ma-health-connector",
    "1-877-623-6765",
)


async def fill(pilot, *values: str) -> None:  # type: ignore[no-untyped-def]
    """Type each value into the form's fields in turn, then save."""
    for value in values:
        if value:
            await pilot.press(*_keys(value))
        await pilot.press("tab")
    await pilot.press("ctrl+s")
    await pilot.pause()


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def typed(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*_keys(text))


async def test_create_rename_resolve_reopen(make_app, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await typed(pilot, "Dental bill [x]")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert "Dental bill [x]" in _export_text(app)
        await pilot.press("r")
        await pilot.pause()
        field = app.screen.query_one("#field-title", Input)
        field.value = "Dental bill, overcharged"
        await pilot.press("tab")
        await typed(pilot, "ma")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert "resolved" in _export_text(app)
        (case,) = store.list_cases()
        assert (case.title, case.status, case.home_state) == (
            "Dental bill, overcharged", "resolved", "MA")
        await pilot.press("s")
        await pilot.pause()
        assert store.list_cases()[0].status == "open"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Dental bill, overcharged" in _export_text(app)
    assert store.flush()


async def open_case(app, pilot, store: Store) -> Case:  # type: ignore[no-untyped-def]
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    app.open_case(case.id)
    await pilot.pause()
    return case


async def test_identifiers_payments_notices_documents(make_app, store: Store,
                                                      data_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        case = await open_case(app, pilot, store)
        await pilot.press("a")  # overview tab: an identifier
        await pilot.pause()
        await typed(pilot, "Member ID")
        await pilot.press("tab")
        await typed(pilot, "123456789012")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("2", "a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-date", Input).value = "10/20/2026"  # any form, shown as read
        await pilot.pause()
        assert "Tue 2026-10-20" in str(form.query_one("#hint-date").render())
        form.query_one("#field-amount", Input).value = "twelve"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)  # bad amount: stays open
        form.query_one("#field-amount", Input).value = "$412.50"
        form.query_one("#field-confirmation", Input).value = "BK-88-1234"
        form.query_one("#field-account", Input).value = "checking …4821"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert "Total paid: $412.50 in 1 payment" in _export_text(app)
        await pilot.press("3", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-date", Input).value = "2026-11-24"
        form.query_one("#field-name", Input).value = "Termination notice"
        form.query_one("#field-notice_id", Input).value = "TN-77"
        # The deadline's days come from the playbooks when left blank.
        form.query_one("#field-deadline_name", Input).value = "Reinstatement window"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("5", "a")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-what", Input).value = "Bank statements"
        form.query_one("#field-how", Input).value = "certified mail"
        form.query_one("#field-tracking", Input).value = "9400 1000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        text = _export_text(app)
        assert "Reinstatement window: due 2026-12-29 (35 days left)" in text
        assert "Check the date on your notice" in text
        assert "123456789012" in text
        # Removing asks first; "n" keeps it.
        await pilot.press("5")
        app.screen.query_one("#documents-table", DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert len(store.get_case(case.id).documents) == 1
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.get_case(case.id).documents == []
    assert store.flush()
    saved = index_tables(data_dir)["cases"]["1"]
    assert saved["identifiers"] == {"Member ID": "123456789012"}
    (payment,) = saved["payments"]
    assert (payment["date"], payment["amount"], payment["method"], payment["confirmation"],
            payment["account"]) == ("2026-10-20", "412.50", "manual", "BK-88-1234",
                                    "checking …4821")
    (notice,) = saved["notices"]
    assert (notice["notice_id"], notice["deadline_days"]) == ("TN-77", 35)


async def test_claims_disagreement_is_highlighted(make_app, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        case = await open_case(app, pilot, store)
        await pilot.press("4", "a")
        await pilot.pause()
        await fill(pilot, "Coverage effective date", "1 Feb", "Insurer", "Dana #4471",
                   "")
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, "Coverage effective date", "1 Mar", "Health Connector", "Lee", "")
        text = " ".join(_export_text(app).split())
        assert "≠ Coverage effective date" in text
        assert "Insurer says 1 Feb" in text and "Health Connector says 1 Mar" in text
        assert len(store.get_case(case.id).claims) == 2


async def test_claim_from_a_call_in_two_keys(make_app, store: Store, clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await typed(pilot, "Dana")
        await pilot.press("tab", *"4471")
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await typed(pilot, "Coverage effective date")
        await pilot.press("tab")
        await typed(pilot, "1 Feb")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        call_id = app.screen.session.call.id
        await pilot.press("ctrl+q", "ctrl+q")
    (claim,) = store.list_cases()[0].claims
    assert (claim.question, claim.says, claim.party, claim.who, claim.call_id, claim.date) == (
        "Coverage effective date", "1 Feb", "Massachusetts Health Connector",
        "Dana #4471 (agent)", call_id, "2026-11-24")


async def test_case_facts_are_read_out_and_ticked(make_app, store: Store,
                                                  data_dir: Path) -> None:
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    case.identifiers = {"Member ID": "123456789012"}
    case.payments = [Payment(id="p1", date="2026-10-20", amount="412.50",
                             confirmation="BK-1", account="checking")]
    store.save_case(case)
    app = make_app(start=REQUEST)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        facts = app.screen.query_one("#panel-facts", SelectionList)
        assert [str(facts.get_option_at_index(i).prompt) for i in range(2)] == [
            "Member ID: 123456789012",
            "Paid 2026-10-20  $412.50  manual  conf. BK-1  from checking",
        ]
        await pilot.press("ctrl+l", "tab")  # the steps, then the facts to read out
        await pilot.pause()
        assert app.focused is facts
        assert "Member ID: 123456789012" in _export_text(app)
        facts.highlighted = 1
        await pilot.press("space")
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["read_out"] == ["Paid 2026-10-20  $412.50  manual  conf. BK-1  from checking"]


async def test_read_back_and_refused_reference(make_app, store: Store, data_dir: Path) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EndCallDialog)
        dialog.query_one("#promises", Input).value = "will email billing tomorrow"
        dialog.query_one("#next-step", Input).value = "call the Governor's office Friday"
        await pilot.pause()
        text = _export_text(app)
        assert "No reference number yet: ask for one." in text
        assert "They will: will email billing tomorrow (by 2026-11-25)" in text
        assert "Next step: call the Governor's office Friday" in text
        dialog.query_one("#ref-refused").value = True
        await pilot.press("ctrl+s")  # no outcome chosen: asked, not saved
        await pilot.pause()
        assert app.screen is dialog and app.focused is not None
        assert app.focused.id == "outcome"
        assert "Outcome: not chosen yet" in _export_text(app)
        await pilot.press("ctrl+s")  # again: saved with the outcome not set
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert call["outcome"] is None and call["status"] == "ended"
    assert call["reference_refused"] is True and call["references"] == []
    assert call["next_step"] == "call the Governor's office Friday"


async def test_recording_is_off_by_default_and_warns(make_app, store: Store,
                                                     data_dir: Path) -> None:
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    case.home_state = "NY"
    store.save_case(case)
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RecordingDialog)
        assert "needs everyone's consent" not in _export_text(app)
        await pilot.press("tab", "tab")
        await typed(pilot, "ma")
        await pilot.pause()
        assert "MA needs everyone's consent to record" in _export_text(app)
        dialog.query_one("#recorded").value = True
        dialog.query_one("#consent").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "● REC" in _export_text(app)
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert (call["recorded"], call["consent_asked"], call["their_state"]) == (True, True, "MA")


async def test_dropped_call_redials_after_the_same_key_again(make_app, store: Store,
                                                             data_dir: Path,
                                                             clock: FrozenClock) -> None:
    app = make_app(start=REQUEST)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        first = app.screen.session.call.id
        clock.advance(600)
        await pilot.press("f5")  # asks first; esc is a slip caught
        await pilot.pause()
        assert isinstance(app.screen, ConfirmKeyDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen) and app.screen.session.call.is_live
        assert app.screen.session.call.id == first
        await pilot.press("f5", "f5")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        second = app.screen.session.call
        assert second.id != first and second.redial_of == first
        log = app.screen.query_one("#notes-log", RichLog)
        logged = " ".join(" ".join(strip.text for strip in log.lines).split())
        assert "Redialled after a dropped call" in logged
        await pilot.press("ctrl+q", "ctrl+q")
    assert store.flush()
    calls = {c["id"]: c for c in on_disk(data_dir)}
    assert calls[first]["outcome"] == "disconnected"
    assert calls[second.id]["redial_of"] == first
    assert calls[second.id]["case_id"] == calls[first]["case_id"]
    assert calls[second.id]["playbook_id"] == "ma-health-connector"


async def test_follow_up_marked_done_on_home(make_app, store: Store, data_dir: Path,
                                             clock: FrozenClock) -> None:
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    live = LiveCall.start(clock, case.id, "Insurer")
    live.add_promise("email the exchange by 2026-11-20")
    live.add_promise("call back tomorrow")
    live.end("callback promised")
    store.save_call(live.call, index=True)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = _export_text(app)
        assert "BROKEN" in text and "Broken promises: Insurer 1" in text
        table = app.screen.query_one("#followups-table", DataTable)
        table.focus()
        await pilot.press("space")  # done today, after its date: kept late, still broken
        await pilot.pause()
        text = _export_text(app)
        assert "Broken promises: Insurer 1" in text and "✓ late" in text
        assert store.flush()
        (call,) = on_disk(data_dir)
        assert [p["done"] for p in call["promises"]] == [True, False]
        assert call["promises"][0]["done_at"] == "2026-11-24T14:05:00+00:00"
        table = app.screen.query_one("#followups-table", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(f"{call['id']}#1"))
        await pilot.press("space")  # a slip: undone
        await pilot.pause()
        assert "BROKEN" in _export_text(app)
    assert store.flush()
    (call,) = on_disk(data_dir)
    assert [p["done"] for p in call["promises"]] == [False, False]
    assert call["promises"][0]["done_at"] is None


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                          text=True, timeout=60)


def test_export_import_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "a"
    clock = FrozenClock()
    with Store.open(source) as store:
        case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
        case.identifiers = {"Member ID": "123456789012", "Billing account": "700000001"}
        case.payments = [Payment(id="p1", date="2026-10-20", amount="412.50",
                                 method="autopay", confirmation="BK-1", account="checking")]
        case.notices = [Notice(id="n1", date="2026-11-24", name="Termination", notice_id="T-1",
                               says="coverage ends", deadline_name="Reinstatement window",
                               deadline_days=35)]
        case.claims = [Claim(id="c1", question="Effective date", party="Insurer",
                             says="1 Feb", date="2026-11-20", who="Dana")]
        case.documents = [DocumentSent(id="d1", what="Statements", how="fax",
                                       date="2026-11-21", tracking="F-9")]
        case.home_state = "MA"
        store.save_case(case)
        live = LiveCall.start(clock, case.id, "Massachusetts Health Connector")
        live.enter_line("[bold]literal[/bold] ☂")
        live.enter_line("promise: call back in 3 days")
        live.call.read_out = ["Member ID: 123456789012"]
        live.call.checklist = {"ma-health-connector#1: Get through to Billing": True}
        live.call.recorded = True
        live.end("callback promised", "ok", next_step="wait", reference_refused=True)
        store.save_call(live.call, index=True)
    exported = tmp_path / "export.json"
    assert _run("--data-dir", str(source), "export", "--format", "json", "-o",
                str(exported)).returncode == 0
    target = tmp_path / "b"
    first = _run("--data-dir", str(target), "import", str(exported))
    assert first.returncode == 0, first.stderr
    assert "added 1 case and 1 call" in first.stdout
    again = _run("--data-dir", str(target), "import", str(exported))
    assert "added 0 cases and 0 calls; 2 already here" in again.stdout
    round_trip = json.loads(_run("--data-dir", str(target), "export", "--format",
                                 "json").stdout)
    original = json.loads(exported.read_text("utf-8"))
    for document in (round_trip, original):
        document.pop("exported_at")
    assert round_trip == original


def test_import_reports_conflicts_and_bad_files(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with Store.open(data) as store:
        case = Case.create("Mine", "2026-11-01T12:00:00+00:00")
        store.save_case(case)
    exported = json.loads(_run("--data-dir", str(data), "export", "--format", "json").stdout)
    exported["cases"][0]["title"] = "Theirs"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(exported))
    result = _run("--data-dir", str(data), "import", str(changed))
    assert result.returncode == 0
    assert "conflict: case 'Theirs'" in result.stderr and "1 conflict," in result.stdout
    with Store.open(data, read_only=True) as store:
        assert store.list_cases()[0].title == "Mine"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    result = _run("--data-dir", str(data), "import", str(bad))
    assert result.returncode == 1 and "not a Hold the Line JSON export" in result.stderr
    bad.write_text("{not json")
    result = _run("--data-dir", str(data), "import", str(bad))
    assert result.returncode == 1 and "is not valid JSON" in result.stderr
    result = _run("--data-dir", str(data), "import", str(tmp_path / "missing.json"))
    assert result.returncode == 1 and "no such file" in result.stderr


async def test_broken_promises_of_many_organisations_fit_in_two_lines(
        make_app, store: Store, clock: FrozenClock) -> None:
    """Thirteen organisations with broken promises, names up to 95 characters: at 60×20
    the line names the worst and counts the rest (the lists stay on screen); wide, every
    one is named; a resize fits it again."""
    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    long_name = ("Neighborhood Health Plan (later AllWays Health Partners, now Mass General "
                 "Brigham Health Plan)")
    names = [long_name] + [f"Office {letter}" for letter in "ABCDEFGHIJKL"]
    total = 0
    for rank, name in enumerate(names):
        live = LiveCall.start(clock, case.id, name)
        for _ in range(20 - rank):
            live.add_promise("email the exchange by 2026-11-20")
            total += 1
        live.end("callback promised")
        store.save_call(live.call, index=True)
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#followups-title")
        assert title.size.height <= 3  # "Follow-ups" and two lines
        text = " ".join(_export_text(app).split())
        assert f"Broken promises: {long_name[:35]}… 20" in text
        assert f"more ({total:,} in all: History, then Stats)" in text
        assert "Office L" not in text
        assert "Recent calls" in text  # not pushed off the screen
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        text = " ".join(_export_text(app).split())
        assert "Office L 8" in text and "in all" not in text
        for width, height in ((80, 24), (63, 20), (40, 12)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            heading = 1 if width >= 60 else 2  # "Follow-ups  (space marks done, …)"
            assert app.screen.query_one("#followups-title").size.height <= heading + 2
            shown = " ".join(_export_text(app).split())
            assert ("in all: History, then Stats)" in shown if width >= 60
                    else f"Broken promises: {total} across 13 organisations" in shown)


def test_the_broken_promises_line_is_two_lines_at_most_whatever_the_names() -> None:
    """Every width from 30 to 200 cells, with names long, wide (CJK), hostile, and a
    thousand organisations: two lines, the worst first, the rest counted, never cut."""
    from rich.console import Console

    from tui.screens.home import broken_promises

    console = Console(width=300)
    kinds = {
        "long": {f"Organisation with a very long official name number {n}": 40 - n % 30
                 for n in range(25)},
        "wide": {f"{'保険会社' * 12}{n}": 30 - n for n in range(12)},
        "hostile": {"[bold]x[/] \x1b[31m\u202e evil": 3, "\n\t": 2, "ok": 1},
        "many": {f"Office {n:04}": 1 + n % 7 for n in range(1000)},
    }
    where = "History, then Stats"
    two = {"Massachusetts Health Connector": 3,
           "Massachusetts Governor's Office of Constituent Services": 1}
    assert broken_promises(two, 96, console, where).plain == (  # in full when they fit
        "Broken promises: Massachusetts Health Connector 3, Massachusetts Governor's Office "
        "of Constituent Services 1")
    for name, counts in kinds.items():
        total = sum(counts.values())
        for width in range(30, 201):
            text = broken_promises(counts, width, console, where)
            lines = text.wrap(console, width)
            assert len(lines) <= 2, (name, width, [line.plain for line in lines])
            plain = text.plain
            if f"{total:,} " in plain:  # some counted: the total and how many more
                assert f"in all: {where})" in plain or f"{len(counts)} organisations" in plain
            else:
                assert len(counts) == plain.count(",") + 1, (name, width)  # all of them
