"""Snapshots of the main screens with a frozen clock."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tui.domain.clock import FrozenClock
from tui.service import CallRequest
from tui.store import Store

REQUEST = CallRequest(
    "Coverage restricted", "Massachusetts Health Connector", "ma-health-connector",
    "1-877-623-6765",
)


async def _no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()  # let pending edits reach the store first
    assert pilot.app.service.flush()
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "_show_save_state"):
            screen._show_save_state()
    await pilot.pause()
    # Let the indicator's style change land: wait for it, not for a fixed time.
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_home_screen_empty(snap_compare, make_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_live_call_on_hold(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"Dana", "tab", *"4471")
        clock.advance(754)
        await pilot.press("ctrl+n", *"Asked for a supervisor", "enter")
        await pilot.press("ctrl+o")
        clock.advance(95)
        await pilot.press(*"ref: 88213", "enter")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(80, 24))


def test_end_call_dialog(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        clock.advance(600)
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(*"Billing will review", "tab", "down", "down", "enter", "tab")
        await pilot.press(*"will call back in 3 days")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(80, 24))


def test_home_screen_with_calls(snap_compare, make_app, store: Store,  # type: ignore[no-untyped-def]
                                clock: FrozenClock) -> None:
    from tui.domain.live import LiveCall
    from tui.domain.model import Case

    case = Case.create("Coverage restricted", "2026-11-01T15:00:00+00:00")
    store.save_case(case)
    for minutes, outcome in ((14, "no progress"), (52, "escalated"), (8, "resolved")):
        live = LiveCall.start(clock, case.id, "Massachusetts Health Connector")
        clock.advance(120)
        live.toggle_hold()
        clock.advance(minutes * 60)
        live.toggle_hold()
        live.add_promise(f"Call back about {outcome} tomorrow")
        live.end(outcome)
        store.save_call(live.call, index=True)
        clock.advance(86400)
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_playbooks_screen(snap_compare, make_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("down", "down", "down")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_live_call_panel_wide(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"Priya", "tab", *"A-118")
        clock.advance(312)
        await pilot.press("ctrl+l", "space", "down", "space", "down")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(120, 40))


def _paid_case(store: Store) -> None:
    """The case of REQUEST with identifiers and payments to read out."""
    from tui.domain.model import Case, Payment

    case = Case.create("Coverage restricted", "2026-11-01T15:00:00+00:00")
    case.identifiers = {"Member ID": "100482736615", "Insurer member ID": "NHP 30418872-01"}
    case.payments = [
        Payment(id="p1", date="2026-09-20", amount="412.50", method="manual",
                confirmation="BP7731-5520", account="savings …0937"),
        Payment(id="p2", date="2026-10-29", amount="412.50", method="manual",
                confirmation="BP7731-6684", account="checking …4821"),
    ]
    store.save_case(case)


def test_live_call_facts_at_100x32(snap_compare, make_app, store: Store,  # type: ignore[no-untyped-def]
                                   clock: FrozenClock) -> None:
    """The facts to read out, each in full (wrapped), beside the call."""
    _paid_case(store)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"Dana", "tab", *"4471")
        clock.advance(312)
        await pilot.press("ctrl+l", "tab", "down", "down", "down")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(100, 32))


def _typed_call(clock: FrozenClock):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"Dana", "tab", *"4471")
        clock.advance(754)
        await pilot.press("ctrl+n", *"Asked for a supervisor", "enter", "ctrl+o")
        await pilot.press(*"Billing will")
        await _no_blink(pilot)

    return run_before


def test_live_call_narrow_60x20(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """Below 80 columns: the playbook under the call, every field on screen."""
    assert snap_compare(make_app(start=REQUEST), run_before=_typed_call(clock),
                        terminal_size=(60, 20))


def test_live_call_smallest_40x12(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """The smallest window drawn: name, ID, refused, timer, hold, note line, NEVER."""
    assert snap_compare(make_app(start=REQUEST), run_before=_typed_call(clock),
                        terminal_size=(40, 12))


def test_live_call_too_small(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(start=REQUEST), run_before=_typed_call(clock),
                        terminal_size=(36, 10))


def test_live_call_panel_full_screen(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """f7: the whole playbook, every NEVER item in full, the timer still running."""
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*"Dana")
        clock.advance(95)
        await pilot.press("f7")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(80, 24))


def test_live_call_light_theme(snap_compare, make_app, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    """Focus and ticks in the light theme: the note line focused, a ticked box."""
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.theme = "textual-light"
        await pilot.pause()
        await pilot.press(*"Dana", "tab", "tab", "space")
        await pilot.press("ctrl+n", *"Refused to give an ID")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(80, 24))


def test_help_scrolls(snap_compare, make_app) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("pagedown")
        await _no_blink(pilot)

    assert snap_compare(make_app(start=REQUEST), run_before=run_before, terminal_size=(100, 32))


def _rich_case(store: Store) -> str:
    from tui.domain.model import Case, Claim, Notice, Payment

    case = Case.create("Coverage restricted despite on-time payments",
                       "2026-11-01T15:00:00+00:00")
    case.identifiers = {"Member ID": "123456789012", "Billing account number": "700000001"}
    case.payments = [
        Payment(id="p1", date="2026-09-20", amount="412.50", method="autopay",
                confirmation="BK-0920-4471", account="checking …4821"),
        Payment(id="p2", date="2026-10-20", amount="412.50", method="autopay",
                confirmation="BK-1020-8812", account="checking …4821"),
    ]
    case.notices = [
        Notice(id="n1", date="2026-11-10", name="Termination notice", notice_id="TN-77",
               deadline_name="Reinstatement window", deadline_days=35),
        Notice(id="n2", date="2026-10-01", name="Restriction notice", notice_id="RN-12",
               deadline_name="Appeal", deadline_days=30),
    ]
    case.claims = [
        Claim(id="c1", question="Coverage effective date", party="Neighborhood Health Plan",
              says="1 Feb", date="2026-11-12", who="Dana #4471"),
        Claim(id="c2", question="Coverage effective date", party="Health Connector",
              says="1 Mar", date="2026-11-13", who="Lee"),
    ]
    store.save_case(case)
    return case.id


def test_case_overview(snap_compare, make_app, store: Store) -> None:  # type: ignore[no-untyped-def]
    case_id = _rich_case(store)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.open_case(case_id)
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_case_claims(snap_compare, make_app, store: Store) -> None:  # type: ignore[no-untyped-def]
    case_id = _rich_case(store)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.open_case(case_id)
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 30))


def test_history_screen(snap_compare, make_app, store: Store,  # type: ignore[no-untyped-def]
                        clock: FrozenClock) -> None:
    from .test_history import seed

    seed(store, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("h")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"supervisor")
        await _no_blink(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(100, 24))


def test_item_history(snap_compare, make_app, store: Store,  # type: ignore[no-untyped-def]
                      clock: FrozenClock) -> None:
    case_id = _rich_case(store)
    app = make_app()
    cases = app.service.cases
    payment = store.get_case(case_id).payments[0]  # type: ignore[union-attr]
    values = {"date": payment.date, "amount": payment.amount, "method": payment.method,
              "confirmation": "BK-77313", "account": payment.account}
    clock.advance(3600)
    cases.correct(case_id, "payments", payment.id, values, "bank typo: read from the statement")
    clock.advance(86400)
    cases.correct(case_id, "payments", payment.id, {**values, "amount": "412.00"},
                  "the statement says $412.00")

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.open_case(case_id)
        await pilot.pause()
        await pilot.press("2", "v")
        await _no_blink(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


def _damaged_call(store: Store) -> None:
    """Twelve calls, a backup, then one call file damaged and found so by a read."""
    from tui.demo import synthetic

    cases, calls = synthetic.history(12, seed=5)
    store.write_many(cases, calls)
    store.backup_now("manual")
    (store.calls_dir / f"{calls[4].id}.json").write_bytes(b"garbage{")
    list(store.iter_calls())
    assert store.restorable()


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
def test_restore_dialog(snap_compare, make_app, store: Store,  # type: ignore[no-untyped-def]
                        size: tuple[int, int]) -> None:
    """A damaged call file: the dialog names it and offers the backup, whole at 40x12."""
    _damaged_call(store)
    assert snap_compare(make_app(), terminal_size=size)
