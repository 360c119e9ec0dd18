"""Pilot tests: correcting from the case screen and from a past call (keys typed in one
burst, without pauses), the history of an item, removing and restoring."""

from __future__ import annotations

from textual.widgets import Input

from tests.test_call_flow import _export_text
from tui.domain.clock import FrozenClock
from tui.domain.model import Case
from tui.screens.call_detail import CallDetailScreen
from tui.screens.case import CaseScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.corrections import HistoryDialog, PickDialog
from tui.screens.form import FormDialog
from tui.service import CallRequest, EndCallResult, Service
from tui.store import Store


def _keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def _case_with_payment(service: Service) -> tuple[str, str]:
    case = service.cases.open_or_create("Coverage restricted")
    payment = service.cases.add_payment(case.id, {"date": "2026-10-20", "amount": "412.50",
                                                  "confirmation": "BK-77311",
                                                  "account": "checking 4821"})
    service.cases.add_identifier(case.id, {"key": "Member ID", "value": "100482736615"})
    return case.id, payment.id


async def test_correct_a_payment_from_the_case_screen(make_app, store: Store,
                                                      clock: FrozenClock) -> None:
    app = make_app()
    case_id, payment_id = _case_with_payment(app.service)
    clock.advance(3600)
    async with app.run_test(size=(110, 34)) as pilot:
        app.open_case(case_id)
        await pilot.pause()
        # One burst: the payments tab, e, three tabs to the confirmation number, clear it,
        # type the right one, the account, then why, and save.
        await pilot.press("2", "e", "tab", "tab", "tab", "ctrl+u", *_keys("BK-77313"),
                          "tab", "tab", *_keys("bank typo"), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        [payment] = store.get_case(case_id).payments  # type: ignore[union-attr]
        assert payment.confirmation == "BK-77313" and payment.account == "checking 4821"
        [revision] = payment.revisions
        assert revision.before == {"confirmation": "BK-77311"}
        assert revision.reason == "bank typo" and revision.at == "2026-11-24T15:05:00+00:00"
        text = _export_text(app)
        assert "2026-10-20 ✎" in text and "BK-77313" in text
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, HistoryDialog)
        text = _export_text(app)
        assert "As first recorded (2026-10-20)" in text and "confirmation number: BK-77311" \
            in text
        assert "Corrected 2026-11-24 — why: bank typo" in text
        assert "confirmation number: BK-77311 → BK-77313" in text
        await pilot.press("escape")
        await pilot.pause()
        # Enter on the row opens the same form, prefilled.
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog) and form.title_text == "Correct a payment"
        assert form.query_one("#field-confirmation", Input).value == "BK-77313"
        form.query_one("#field-amount", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused in the form, nothing saved
        await pilot.press("escape")
        await pilot.pause()
        assert store.get_case(case_id).payments[0].amount == "412.50"  # type: ignore[union-attr]


async def test_remove_and_restore_from_the_case_screen(make_app, store: Store) -> None:
    app = make_app()
    case_id, payment_id = _case_with_payment(app.service)
    async with app.run_test(size=(110, 34)) as pilot:
        app.open_case(case_id)
        await pilot.pause()
        await pilot.press("2", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("shift+tab", *_keys("entered twice"), "enter")
        await pilot.pause()
        case = store.get_case(case_id)
        assert case is not None and case.payments == []
        [entry] = case.removed
        assert entry.reason == "entered twice" and entry.payment is not None
        assert "Total paid: $0.00 in 0 payments" in _export_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert [p.id for p in store.get_case(case_id).payments] == [payment_id]  # type: ignore[union-attr]
        assert "Total paid: $412.50 in 1 payment" in _export_text(app)


async def test_correct_an_identifier_and_rename_the_case(make_app, store: Store) -> None:
    app = make_app()
    case_id, _ = _case_with_payment(app.service)
    async with app.run_test(size=(110, 34)) as pilot:
        app.open_case(case_id)
        await pilot.pause()
        await pilot.press("1", "e", "tab", "ctrl+u", *_keys("100482736616"), "tab",
                          *_keys("misread"), "ctrl+s")
        await pilot.pause()
        await pilot.press("r", "ctrl+u", *_keys("Coverage restricted 2026"), "ctrl+s")
        await pilot.pause()
        case = store.get_case(case_id)
        assert case is not None
        assert case.identifiers == {"Member ID": "100482736616"}
        assert case.title == "Coverage restricted 2026"
        assert [r.before for r in case.revisions] == [
            {"identifier:Member ID": "100482736615"}, {"title": "Coverage restricted"}]
        assert "Member ID ✎" in _export_text(app)
        await pilot.press("h")
        await pilot.pause()
        text = _export_text(app)
        assert "Member ID: 100482736615 → 100482736616" in text
        assert "title: Coverage restricted → Coverage restricted 2026" in text


def _past_call(service: Service, clock: FrozenClock) -> str:
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    clock.advance(60)
    session.enter_line("paid on 11/01")
    session.enter_line("ref: 88213")
    session.enter_line("promise: call back in 3 days")
    clock.advance(60)
    session.end(EndCallResult("callback promised", ""))
    return session.call.id


async def test_correct_and_remove_on_a_past_call(make_app, store: Store,
                                                 clock: FrozenClock) -> None:
    app = make_app()
    call_id = _past_call(app.service, clock)
    clock.advance(3600)
    async with app.run_test(size=(110, 34)) as pilot:
        app.open_call(app.service.calls.load(call_id), "Coverage restricted")
        await pilot.pause()
        assert isinstance(app.screen, CallDetailScreen)
        # The list: note, reference, promise, rep. One burst: the reference, fixed.
        await pilot.press("e", "down", "enter", "ctrl+u", *_keys("88231"), "tab",
                          *_keys("misheard"), "ctrl+s")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, CallDetailScreen)
        call = app.service.calls.load(call_id)
        assert call.references[0].number == "88231"
        assert call.references[0].revisions[0].before == {"number": "88213"}
        text = _export_text(app)
        assert "Reference number: 88231 ✎ corrected" in text
        assert "1 item corrected ✎" in text
        await pilot.press("v")  # one item corrected: its history at once
        await pilot.pause()
        assert isinstance(app.screen, HistoryDialog)
        text = _export_text(app)
        assert "number: 88213 → 88231" in text and "why: misheard" in text
        await pilot.press("v")
        await pilot.pause()
        # The promise's due date, in a burst, then the rep's ID.
        await pilot.press("e", "down", "down", "enter", "tab", "ctrl+u", *_keys("12/01/2026"),
                          "ctrl+s")
        await pilot.pause()
        assert app.service.calls.load(call_id).promises[0].due == "2026-12-01"
        # Remove the note, saying why; then put it back.
        await pilot.press("delete", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("shift+tab", *_keys("wrong call"), "enter")
        await pilot.pause()
        call = app.service.calls.load(call_id)
        assert call.notes == [] and call.removed[0].reason == "wrong call"
        assert "Removed after the call" in _export_text(app)
        await pilot.press("u", "enter")
        await pilot.pause()
        assert [n.text for n in app.service.calls.load(call_id).notes] == ["paid on 11/01"]
        await pilot.press("escape")
        await pilot.pause()
    assert store.flush()
    assert isinstance(store.get_case(app.service.calls.load(call_id).case_id), Case)
