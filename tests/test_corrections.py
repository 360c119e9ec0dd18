"""Corrections with history, removal and restore: the domain rules and the application
layer (no Textual), for every kind of recorded item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.domain.corrections import (
    as_recorded,
    history,
    item_values,
    remove_identifier,
    remove_item,
    removed_entry,
    restore_identifier,
    restore_item,
    revise,
    revise_case,
)
from tui.domain.followups import promise_status
from tui.domain.live import LiveCall
from tui.domain.migrate import migrate
from tui.domain.model import (
    SCHEMA_VERSION,
    Call,
    Case,
    Claim,
    DocumentSent,
    Note,
    Notice,
    Payment,
    Promise,
    Reference,
    Rep,
    Revisable,
)
from tui.domain.stats import compute
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import CallRequest, EndCallResult, Service, ServiceError
from tui.store import Store

AT = "2026-11-27T15:00:00+00:00"
ITEMS: list[tuple[Revisable, dict[str, object]]] = [
    (Note(text="paid on 11/01", elapsed=10, at=AT, id="note-1"), {"text": "paid on 10/01"}),
    (Reference(number="88213", elapsed=10, at=AT, id="ref-1"), {"number": "88231"}),
    (Promise(text="call back", due="2026-12-01", elapsed=5, at=AT, id="promise-1"),
     {"text": "call back in 3 days", "due": "2026-11-30"}),
    (Rep(first_name="Dana", rep_id="4471", id="rep-1"), {"rep_id": "4417", "role": "supervisor"}),
    (Payment(id="pay-1", date="2026-10-20", amount="412.50", confirmation="BK-77311"),
     {"confirmation": "BK-77313"}),
    (Notice(id="n-1", date="2026-10-01", name="Termination", notice_id="HC-1"),
     {"date": "2026-10-02", "deadline_days": 35}),
    (Claim(id="c-1", question="Effective date", party="Insurer", says="1 Feb",
           date="2026-11-03"), {"says": "1 Mar"}),
    (DocumentSent(id="d-1", what="Letter", how="fax", date="2026-10-02"),
     {"how": "certified mail", "tracking": "9400 1000"}),
]


@pytest.mark.parametrize(("item", "changes"), ITEMS, ids=lambda v: type(v).__name__)
def test_every_kind_keeps_its_original(item: Revisable, changes: dict[str, object]) -> None:
    original = item.copy()
    revision = revise(item, changes, AT, "typo")  # type: ignore[arg-type]
    assert revision is not None and revision.reason == "typo" and item.corrected
    assert {name: getattr(item, name) for name in changes} == changes
    assert as_recorded(item).to_dict() == original.to_dict()
    again = type(item).from_dict(item.to_dict())  # what is stored reads back the same
    assert again.to_dict() == item.to_dict() and again.revisions == item.revisions
    assert revise(item, changes, AT) is None  # nothing changes: no revision
    with pytest.raises(ValueError, match="no field 'nope'"):
        revise(item, {"nope": "x"}, AT)


def test_history_lists_the_original_then_each_correction() -> None:
    payment = Payment(id="pay-1", date="2026-10-20", amount="412.50", confirmation="BK-77311")
    revise(payment, {"confirmation": "BK-77313"}, "2026-11-27T15:00:00+00:00", "typo")
    revise(payment, {"confirmation": "BK-77318", "amount": "412.00"},
           "2026-11-28T09:00:00+00:00")
    steps = history(item_values(payment), payment.revisions, "2026-10-20")
    assert [s.values for s in steps] == [
        {"confirmation": "BK-77311", "amount": "412.50"},
        {"confirmation": "BK-77313"},
        {"confirmation": "BK-77318", "amount": "412.00"},
    ]
    assert steps[1].before == {"confirmation": "BK-77311"} and steps[1].reason == "typo"
    assert [s.at[:10] for s in steps] == ["2026-10-20", "2026-11-27", "2026-11-28"]


def test_case_title_state_and_identifiers_keep_what_they_were() -> None:
    case = Case(id="case-000000000001", title="Coverage", created_at=AT, home_state="MA",
                identifiers={"Member ID": "1004", "Account": "7124"})
    revise_case(case, {"title": "Coverage restricted", "home_state": "RI"}, AT, "typo")
    revise_case(case, {"identifier:Member ID": None, "identifier:Member number": "1005"}, AT)
    assert case.identifiers == {"Account": "7124", "Member number": "1005"}
    assert case.original_values() == {"title": "Coverage", "home_state": "MA",
                                       "identifier:Member ID": "1004",
                                       "identifier:Member number": None}
    assert revise_case(case, {"title": "Coverage restricted"}, AT) is None
    with pytest.raises(ValueError):
        revise_case(case, {"status": "resolved"}, AT)


def test_removed_items_are_kept_and_restored_in_place() -> None:
    notes = [Note(text=t, elapsed=0, at=AT, id=f"note-{n}") for n, t in enumerate("abc", 1)]
    entry = remove_item(notes, "note-2", "note", AT, "wrong call")
    assert [n.text for n in notes] == ["a", "c"]
    assert entry.note is not None and entry.note.text == "b" and entry.reason == "wrong call"
    assert entry.item_id == "note-2" and entry.position == 1 and not entry.restored
    assert removed_entry([entry], "note", "note-2") is entry
    restore_item(notes, entry, "2026-11-28T00:00:00+00:00")
    assert [n.text for n in notes] == ["a", "b", "c"] and entry.restored
    with pytest.raises(ValueError):
        removed_entry([entry], "note", "note-2")  # already restored
    case = Case(id="case-000000000001", title="t", created_at=AT,
                identifiers={"A": "1", "B": "2"})
    gone = remove_identifier(case, "A", AT)
    assert case.identifiers == {"B": "2"} and (gone.key, gone.value) == ("A", "1")
    restore_identifier(case, gone, AT)
    assert list(case.identifiers) == ["A", "B"]


def test_items_get_ids_from_their_place_and_never_reuse_one() -> None:
    clock = FrozenClock()
    live = LiveCall.start(clock, "case-000000000001", "Connector")
    for text in ("one", "two", "three"):
        live.add_note(text)
    live.add_promise("call back tomorrow")
    assert [n.id for n in live.call.notes] == ["note-1", "note-2", "note-3"]
    assert live.call.promises[0].id == "promise-1" and live.call.reps[0].id == "rep-1"
    live.call.removed.append(remove_item(live.call.notes, "note-3", "note", AT))
    live.add_note("four")
    assert live.call.notes[-1].id == "note-4"  # not note-3 again


def test_documents_of_schema_3_read_with_ids_by_place() -> None:
    doc = {"id": "call-000000000001", "case_id": "case-000000000001", "organisation": "X",
           "started_at": AT, "schema_version": 3, "type": "call",
           "notes": [{"text": "a", "elapsed": 1, "at": AT}, {"text": "b", "elapsed": 2,
                                                             "at": AT}],
           "promises": [{"text": "p", "due": None, "elapsed": 1, "at": AT}]}
    migrated = migrate(doc)
    assert migrated["schema_version"] == SCHEMA_VERSION == 4
    call = Call.from_dict(migrated)
    assert [n.id for n in call.notes] == ["note-1", "note-2"] and call.removed == []
    assert call.promises[0].id == "promise-1" and call.notes[0].revisions == []
    case = Case.from_dict(migrate({"id": "case-000000000001", "title": "t", "created_at": AT,
                                   "schema_version": 3, "type": "case"}))
    assert case.revisions == [] and case.removed == []


def test_a_broken_promise_stays_broken_when_its_date_is_corrected_later() -> None:
    promise = Promise(text="call back", due="2026-11-20", elapsed=0, at=AT, id="promise-1")
    today = date(2026, 11, 27)
    assert promise_status(promise, today) == "broken"
    # Corrected on 2026-11-27, a week after the date passed unkept: still broken.
    revise(promise, {"due": "2026-12-01"}, "2026-11-27T15:00:00+00:00", "they said Dec 1")
    assert promise.missed_due() == "2026-11-20"
    assert promise_status(promise, today) == "broken"
    promise.done, promise.done_at = True, "2026-11-30T12:00:00+00:00"
    assert promise_status(promise, today) == "kept late"  # still counted broken
    # A typo corrected before the date passed simply replaces it.
    typo = Promise(text="call back", due="2026-11-20", elapsed=0, at=AT, id="promise-2")
    revise(typo, {"due": "2026-12-20"}, "2026-11-19T15:00:00+00:00", "typo")
    assert typo.missed_due() is None and promise_status(typo, today) == "upcoming"


# -- through the application layer --------------------------------------------------------

@pytest.fixture
def service(store: Store, clock: FrozenClock) -> Service:
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    return Service(store, playbooks, problems, clock)


def _case(service: Service) -> str:
    case = service.cases.open_or_create("Coverage restricted")
    service.cases.add_identifier(case.id, {"key": "Member ID", "value": "100482736615"})
    return case.id


def test_service_corrects_a_payment_and_refuses_bad_values(service: Service,
                                                           clock: FrozenClock) -> None:
    case_id = _case(service)
    payment = service.cases.add_payment(case_id, {"date": "2026-10-20", "amount": "412.50",
                                                  "confirmation": "BK-77311"})
    clock.advance(3600)
    values = {"date": "10/20/2026", "amount": "$412.50", "method": "manual",
              "confirmation": "BK-77313", "account": ""}
    revision = service.cases.correct(case_id, "payments", payment.id, values, "typo")
    assert revision is not None and revision.before == {"confirmation": "BK-77311"}
    assert revision.at == "2026-11-24T15:05:00+00:00"
    before = service.cases.get(case_id).to_dict()
    for bad, message in (({"amount": "lots"}, "Amount: use an amount"),
                         ({"date": "someday"}, "Date paid: not a date"),
                         ({"method": "cash"}, "Method: use one of"),
                         ({"date": ""}, "Date paid is needed.")):
        with pytest.raises(ServiceError, match=message) as error:
            service.cases.correct(case_id, "payments", payment.id, {**values, **bad})
        assert "\n" not in str(error.value)
    assert service.cases.get(case_id).to_dict() == before  # nothing changed
    assert service.cases.correct(case_id, "payments", payment.id, values) is None
    with pytest.raises(ServiceError, match="no payment"):
        service.cases.correct(case_id, "payments", "pay-nope", values)


def test_service_corrects_identifiers_and_the_title(service: Service) -> None:
    case_id = _case(service)
    service.cases.correct(case_id, "identifiers", "Member ID",
                          {"key": "Member ID", "value": "100482736616"}, "misread")
    service.cases.correct(case_id, "identifiers", "Member ID",
                          {"key": "Member number", "value": "100482736616"})
    case = service.cases.get(case_id)
    assert case.identifiers == {"Member number": "100482736616"}
    assert [r.before for r in case.revisions] == [
        {"identifier:Member ID": "100482736615"},
        {"identifier:Member number": None, "identifier:Member ID": "100482736616"}]
    service.cases.rename(case_id, {"title": "Coverage restricted (2026)", "home_state": "ma",
                                   "reason": "clearer"})
    case = service.cases.get(case_id)
    # The state given for the first time is not a correction; the title is.
    assert case.revisions[-1].before == {"title": "Coverage restricted"}
    assert case.revisions[-1].reason == "clearer" and case.home_state == "MA"
    with pytest.raises(ServiceError, match="Value is needed"):
        service.cases.correct(case_id, "identifiers", "Member number",
                              {"key": "Member number", "value": " "})


@pytest.mark.parametrize("kind", ["payments", "notices", "claims", "documents",
                                  "identifiers"])
def test_removed_case_records_count_nowhere_and_come_back(service: Service, kind: str) -> None:
    case_id = _case(service)
    cases = service.cases
    added = {
        "payments": lambda: cases.add_payment(case_id, {"date": "2026-10-20",
                                                        "amount": "412.50"}).id,
        "notices": lambda: cases.add_notice(case_id, {"date": "2026-10-01", "name": "N",
                                                      "deadline_days": "35"}).id,
        "claims": lambda: cases.add_claim(case_id, {"question": "Q", "party": "P",
                                                    "says": "S", "date": "2026-10-01"}).id,
        "documents": lambda: cases.add_document(case_id, {"date": "2026-10-01", "what": "W",
                                                          "how": "fax"}).id,
        "identifiers": lambda: "Member ID",
    }[kind]()
    cases.remove(case_id, kind, added, "added twice")
    view = cases.view(case_id)
    assert view.paid == 0 and not view.deadlines and not view.claim_groups
    [entry] = cases.removed(case_id)
    assert entry.reason == "added twice" and entry.item_id == added
    with pytest.raises(ServiceError):
        cases.remove(case_id, kind, added)
    cases.restore(case_id, kind, added)
    assert cases.removed(case_id) == []
    assert cases.get(case_id).removed[0].restored_at  # the removal stays on record
    with pytest.raises(ServiceError, match="no removed"):
        cases.restore(case_id, kind, added)


def _past_call(service: Service, clock: FrozenClock) -> str:
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    clock.advance(60)
    session.enter_line("paid on 11/01")
    session.enter_line("ref: 88213")
    session.enter_line("promise: call back in 3 days")
    clock.advance(60)
    session.end(EndCallResult("callback promised", "they will call"))
    return session.call.id


def test_service_corrects_call_items_after_the_call(service: Service,
                                                    clock: FrozenClock) -> None:
    call_id = _past_call(service, clock)
    calls = service.calls
    calls.correct_item(call_id, "note", "note-1", {"text": "paid on 10/01"}, "typo")
    calls.correct_item(call_id, "reference", "ref-1", {"number": "88231"})
    calls.correct_item(call_id, "promise", "promise-1",
                       {"text": "call back in 3 days", "due": "12/01/2026"})
    calls.correct_item(call_id, "rep", "rep-1",
                       {"first_name": "Dana", "rep_id": "4417", "role": "supervisor",
                        "department": "Billing", "id_refused": "no"})
    call = calls.load(call_id)
    assert call.notes[0].text == "paid on 10/01" and call.notes[0].revisions[0].reason == "typo"
    assert call.references[0].revisions[0].before == {"number": "88213"}
    assert call.promises[0].due == "2026-12-01"
    assert call.reps[0].revisions[0].before == {"rep_id": "4471", "role": "agent",
                                                "department": ""}
    [row] = calls.summaries()
    assert row.references == ["88231"] and row.promises[0].due == "2026-12-01"
    before = calls.load(call_id).to_dict()
    for kind, item, values, message in (
            ("note", "note-1", {"text": " "}, "The note is needed."),
            ("promise", "promise-1", {"text": "x", "due": "someday"}, "Due: not a date"),
            ("rep", "rep-1", {"role": "boss"}, "Role: use one of"),
            ("reference", "ref-9", {"number": "1"}, "no reference ref-9"),
            ("hold", "hold-1", {}, "a call has no hold")):
        with pytest.raises(ServiceError, match=message):
            calls.correct_item(call_id, kind, item, values)
    assert calls.load(call_id).to_dict() == before


def test_removed_promise_counts_nowhere_and_keys_stay(service: Service,
                                                      clock: FrozenClock) -> None:
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.enter_line("promise: call back tomorrow")
    session.enter_line("promise: send the letter in 5 days")
    session.end(EndCallResult("callback promised", ""))
    call_id = session.call.id
    keys = [f.key for f in service.followups.all()]
    assert keys == [f"{call_id}#1", f"{call_id}#2"]
    service.calls.remove_item(call_id, "promise", "promise-1", "it was the other call")
    assert [f.key for f in service.followups.all()] == [f"{call_id}#2"]
    assert compute([service.calls.load(call_id)], date(2026, 12, 31)).promises_made == 1
    service.followups.set_done(*service.followups.by_key(f"{call_id}#2"))
    assert service.calls.load(call_id).promises[0].done
    service.calls.restore_item(call_id, "promise", "promise-1")
    assert [p.id for p in service.calls.load(call_id).promises] == ["promise-1", "promise-2"]


def test_a_live_call_is_not_corrected(service: Service) -> None:
    session = service.calls.start(CallRequest("Coverage restricted", "Connector"))
    session.enter_line("a note")
    with pytest.raises(ServiceError, match="Finish the call first"):
        service.calls.correct_item(session.call.id, "note", "note-1", {"text": "b"})


def test_json_export_round_trips_the_history(service: Service, clock: FrozenClock,
                                             tmp_path: Path) -> None:
    case_id = _case(service)
    payment = service.cases.add_payment(case_id, {"date": "2026-10-20", "amount": "412.50",
                                                  "confirmation": "BK-77311"})
    service.cases.correct(case_id, "payments", payment.id,
                          {"date": "2026-10-20", "amount": "412.50",
                           "confirmation": "BK-77313"}, "typo")
    service.cases.remove(case_id, "identifiers", "Member ID", "wrong case")
    call_id = _past_call(service, clock)
    service.calls.correct_item(call_id, "reference", "ref-1", {"number": "88231"}, "misheard")
    service.calls.remove_item(call_id, "note", "note-1", "not said")
    exported = service.exports.write("json", tmp_path / "backup.json")
    with Store.open(tmp_path / "other") as other:
        fresh = Service(other, clock=clock)
        report = fresh.import_file(exported.path)
        assert (report.added_cases, report.added_calls) == (1, 1)
        assert fresh.cases.get(case_id).to_dict() == service.cases.get(case_id).to_dict()
        assert fresh.calls.load(call_id).to_dict() == service.calls.load(call_id).to_dict()
        again = fresh.import_file(exported.path)
        assert again.unchanged == 2 and not again.conflicts
    case = service.cases.get(case_id)
    assert case.payments[0].revisions[0].before == {"confirmation": "BK-77311"}
    assert case.removed[0].value == "100482736615"
