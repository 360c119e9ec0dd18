"""The dial form's pick-lists take typed letters: they find the entry or land in the
field beside it, never vanish (keys in one burst, both cores busy)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from tests.test_typeahead import burst, key, settle, typed
from tui.domain.model import Case
from tui.screens.call import CallScreen
from tui.screens.home import HomeScreen
from tui.screens.start_call import StartCallDialog
from tui.store import Store
from tui.widgets.pick_list import PickList


def _dialled(app) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    call = app.screen.session.call
    return call.organisation, call.playbook_id, app.service.cases.find(call.case_id).title


async def _dial_form(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
    await burst(app, key("c"))
    await settle(pilot, lambda: isinstance(app.screen, StartCallDialog))


async def _dial_typed(make_app, case: str, then: str) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """Open the dial form and send, in one burst, ``case``, Tab, ``then``, ctrl+s: what
    was dialled (organisation, playbook id, case title)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _dial_form(app, pilot)
        await burst(app, typed(case) + key("tab") + typed(then) + key("ctrl+s"))
        await settle(pilot, lambda: isinstance(app.screen, CallScreen))
        return _dialled(app)


@pytest.mark.parametrize(("typed_there", "organisation", "playbook"), [
    ("Neighb", "Neighborhood Health Plan", "neighborhood-health-plan"),
    ("massachusetts health c", "Massachusetts Health Connector", "ma-health-connector"),
    ("Patient", "Massachusetts Office of Patient Protection", "ma-office-of-patient-protection"),
])
async def test_letters_typed_in_the_organisations_find_one(
        make_app, typed_there: str, organisation: str, playbook: str,
        busy_cores: None) -> None:
    got = await _dial_typed(make_app, "Denied claim", typed_there)
    assert got[0].startswith(organisation) and got[1:] == (playbook, "Denied claim")


async def test_letters_matching_no_organisation_become_its_name(
        make_app, busy_cores: None) -> None:
    """Tab from the case name, then "Acme Dental Billing": a name no playbook has. Every
    letter lands in the organisation field, in order; ctrl+s dials it."""
    assert await _dial_typed(make_app, "Dentist bill", "Acme Dental Billing") == (
        "Acme Dental Billing", "", "Dentist bill")


async def test_letters_in_the_case_list_find_a_case_or_name_a_new_one(
        make_app, store: Store, busy_cores: None) -> None:
    _open_cases(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _dial_form(app, pilot)
        dialog = app.screen
        await burst(app, key("tab") + typed("bill") + key("enter"))
        await settle(pilot, lambda: app.focused is not None and app.focused.id == "org-list")
        assert dialog.query_one("#case-input").value == "Billing mix-up"
        # No case named yet, letters no open case's words start with: a new case's name.
        dialog.query_one("#case-input").value = ""
        await burst(app, key("shift+tab") + typed("Tax refund"))
        await settle(pilot, lambda: dialog.query_one("#case-input").value == "Tax refund")
        assert app.focused is dialog.query_one("#case-input")


async def test_with_a_case_named_letters_in_the_case_list_go_to_whom_to_call(
        make_app, store: Store, busy_cores: None) -> None:
    """With open cases, Tab from the case name lands in their list: "Acme Dental" typed
    there is whom to call, not a new case name (the name typed stays)."""
    _open_cases(store)
    assert await _dial_typed(make_app, "Denied claim", "Acme Dental") == (
        "Acme Dental", "", "Denied claim")
    assert (await _dial_typed(make_app, "Denied claim", "neighb"))[1:] == (
        "neighborhood-health-plan", "Denied claim")


def _open_cases(store: Store) -> None:
    for title in ("Coverage restricted", "Billing mix-up"):
        store.save_case(Case.create(title, "2026-11-20T10:00:00+00:00"))


@asynccontextmanager
async def _org_list(make_app, monkeypatch):  # type: ignore[no-untyped-def]
    """The dial form's organisation list, focused, on a clock moved by hand: (pilot,
    the list, the clock's reading to move)."""
    now = [100.0]
    monkeypatch.setattr("tui.widgets.pick_list.monotonic", lambda: now[0])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _dial_form(app, pilot)
        orgs = app.screen.query_one("#org-list", PickList)
        orgs.focus()
        yield pilot, orgs, now


async def test_backspace_and_a_pause_start_the_search_again(make_app,
                                                            monkeypatch) -> None:
    async with _org_list(make_app, monkeypatch) as (pilot, orgs, now):
        await pilot.press("m", "a", "s", "s", "a", "c", "h", "u", "s", "e", "t", "t", "s",
                          "space", "g")
        assert "Governor" in str(orgs.highlighted_option.prompt)
        await pilot.press("backspace", "h")
        assert "Health Connector" in str(orgs.highlighted_option.prompt)
        now[0] += 5  # a pause: a new search
        await pilot.press("c", "a", "b")
        assert str(orgs.highlighted_option.prompt).startswith("Cable")


async def test_a_space_after_a_pause_never_moves_the_choice(make_app, monkeypatch) -> None:
    """Every entry holds "name  number": a space alone would match the first of them."""
    async with _org_list(make_app, monkeypatch) as (pilot, orgs, now):
        await pilot.press(*"neigh")
        chosen = orgs.highlighted
        assert "Neighborhood" in str(orgs.highlighted_option.prompt)
        now[0] += 5
        await pilot.press("space")
        assert orgs.highlighted == chosen and orgs.typed == ""
        await pilot.press(*"someone")  # "Someone else" is never found by typing
        app = pilot.app
        assert app.focused is app.screen.query_one("#org-input")
        assert app.screen.query_one("#org-input").value == "someone"
