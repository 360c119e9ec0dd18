"""The application layer, driven without Textual: every change a screen can ask for."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import CallRequest, EndCallResult, RecordingChoice, Service, ServiceError
from tui.store import Store

REQUEST = CallRequest("Coverage restricted", "Massachusetts Health Connector",
                      "ma-health-connector", "1-877-623-6765")


@pytest.fixture
def service(store: Store, clock: FrozenClock) -> Service:
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    return Service(store, playbooks, problems, clock)


def on_disk(data_dir: Path, call_id: str) -> dict:  # type: ignore[type-arg]
    path = data_dir / "calls" / f"{call_id}.json"
    return json.loads(path.read_text("utf-8"))["call"]["1"]  # type: ignore[no-any-return]


def test_the_layer_never_imports_textual() -> None:
    import subprocess

    code = "import sys, tui.service, tui.launch; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_a_whole_call_through_the_service(service: Service, store: Store, data_dir: Path,
                                          clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    assert service.cases.find("coverage restricted") is not None
    session.set_rep_field("first_name", "Dana")
    session.set_rep_field("rep_id", "4471")
    session.set_rep_field("role", "supervisor")
    clock.advance(60)
    assert session.toggle_hold().end is None
    clock.advance(240)
    held = session.toggle_hold()
    assert (held.start_elapsed, held.end_elapsed) == (60, 300)
    assert session.set_draft("half")
    assert not session.set_draft("half")
    result = session.enter_line("ref: 88213")
    assert result is not None and result.kind == "reference"
    assert session.call.draft_note == ""
    previous, rep = session.next_rep()
    assert previous.startswith("Dana #4471") and rep.first_name == ""
    session.set_rep_field("first_name", "Lee")
    session.set_step("ma-health-connector#1: x", True)
    session.set_fact_read("Member ID: 1", True)
    session.set_recording(RecordingChoice(True, True, "ny"))
    call = session.end(EndCallResult("callback promised", "They will call",
                                     promises=["will call back in 3 days"]))
    assert call.status == "ended" and not call.is_live
    assert store.flush()
    saved = on_disk(data_dir, call.id)
    assert [r["first_name"] for r in saved["reps"]] == ["Dana", "Lee"]
    assert saved["reps"][0]["role"] == "supervisor"
    assert saved["references"][0]["number"] == "88213"
    assert saved["promises"][0]["due"] == "2026-11-27"
    assert saved["their_state"] == "NY" and saved["recorded"] is True
    assert saved["checklist"] == {"ma-health-connector#1: x": True}
    (followup,) = service.followups.all()
    assert followup.text == "will call back in 3 days"


def test_bad_requests_get_one_line_messages(service: Service) -> None:
    with pytest.raises(ServiceError, match="name the case"):
        service.calls.start(CallRequest("  ", "Someone"))
    session = service.calls.start(REQUEST)
    with pytest.raises(ServiceError, match="unknown rep field"):
        session.set_rep_field("evil", "x")
    with pytest.raises(ServiceError, match="unknown outcome"):
        session.end(EndCallResult("exploded", ""))
    assert session.call.is_live
    with pytest.raises(ServiceError, match="no playbook"):
        service.calls.request_for_playbook("x", "nope")


def test_interrupt_and_redial(service: Service, store: Store, clock: FrozenClock) -> None:
    first = service.calls.start(REQUEST)
    clock.advance(30)
    request = first.drop_for_redial()
    assert first.call.outcome == "disconnected"
    assert request.organisation == REQUEST.organisation and request.case_title == REQUEST.case_title
    second = service.calls.start(request, redial_of=first.call.id)
    second.set_draft("typed, not entered")
    assert service.calls.interrupt_live() == 1
    assert second.call.outcome == "interrupted"
    assert second.call.notes[-1].text == "typed, not entered"
    again, redial_of = service.calls.again(first.call.id)
    assert redial_of == first.call.id and again.playbook_id == "ma-health-connector"
    again, redial_of = service.calls.again(second.call.id)
    assert redial_of == ""


def test_case_records_are_changed_on_copies(service: Service, store: Store) -> None:
    case = service.cases.open_or_create("Billing mix-up")
    held = store.get_case(case.id)
    service.cases.add_identifier(case.id, {"key": "Member ID", "value": "123"})
    assert held is not None and held.identifiers == {}  # the old object was not touched
    payment = service.cases.add_payment(case.id, {"date": "2026-10-20", "amount": "412.50",
                                                  "method": "autopay"})
    notice = service.cases.add_notice(case.id, {"date": "2026-11-24", "name": "Termination",
                                                "deadline_name": "Reinstatement"})
    assert notice.deadline_days == 35  # from the Connector playbook's deadline
    claim = service.cases.add_claim(case.id, {"question": "Effective date", "says": "1 Feb",
                                              "party": "Insurer", "date": "2026-11-24"})
    document = service.cases.add_document(case.id, {"date": "2026-11-25", "what": "Letter",
                                                    "how": "fax"})
    current = service.cases.get(case.id)
    assert [p.id for p in current.payments] == [payment.id]
    assert [c.id for c in current.claims] == [claim.id]
    assert [d.id for d in current.documents] == [document.id]
    service.cases.remove(case.id, "payments", payment.id)
    service.cases.remove(case.id, "identifiers", "Member ID")
    assert service.cases.get(case.id).payments == []
    assert service.cases.get(case.id).identifiers == {}
    resolved = service.cases.toggle_status(case.id)
    assert resolved.status == "resolved"
    assert [c.id for c in service.cases.list("open")] == []
    renamed = service.cases.rename(case.id, {"title": "Billing mix-up (2026)",
                                             "home_state": "ma"})
    assert (renamed.title, renamed.home_state) == ("Billing mix-up (2026)", "MA")


@pytest.mark.parametrize(("method", "values", "message"), [
    ("add_payment", {"date": "sometime soon", "amount": "1"}, "Date paid"),
    ("add_payment", {"date": "2026-10-20", "amount": "lots"}, "Amount"),
    ("add_payment", {"date": "2026-10-20", "amount": "1", "method": "cash"}, "Method"),
    ("add_notice", {"date": "2026-10-20", "name": "x", "deadline_days": "0"}, "Days"),
    ("add_claim", {"question": "q", "says": "", "party": "p", "date": "2026-10-20"},
     "They say"),
    ("add_document", {"date": "2026-10-20", "what": "w"}, "How"),
    ("add_identifier", {"key": "Member ID"}, "Value"),
    ("rename", {"title": "x", "home_state": "Massachusetts"}, "state"),
])
def test_bad_values_are_refused_and_nothing_changes(service: Service, method: str,
                                                    values: dict[str, str],
                                                    message: str) -> None:
    case = service.cases.open_or_create("Refusals")
    before = service.cases.get(case.id).to_dict()
    with pytest.raises(ServiceError, match=message):
        getattr(service.cases, method)(case.id, values)
    assert service.cases.get(case.id).to_dict() == before


def test_follow_up_done_and_home_view(service: Service, clock: FrozenClock) -> None:
    session = service.calls.start(REQUEST)
    session.enter_line("promise: call back tomorrow")
    session.end(EndCallResult("callback promised", ""))
    home = service.home()
    assert [f.text for f in home.followups] == ["call back tomorrow"]
    assert home.cases[0].calls == 1 and not home.empty
    clock.advance(3 * 86400)
    home = service.home()
    assert home.broken_by_organisation["Massachusetts Health Connector"] == 1
    (followup,) = home.followups
    assert service.followups.set_done(followup.call_id, followup.index) == "call back tomorrow"
    (done,) = service.home().followups  # listed for a week after, marked done, so it can be undone
    assert done.promise.done and done.promise.done_at == clock.now().isoformat()
    with pytest.raises(ServiceError):
        service.followups.set_done(followup.call_id, 7)


def test_export_selection_and_writing(service: Service, tmp_path: Path) -> None:
    session = service.calls.start(REQUEST)
    session.set_rep_field("rep_id", "ID-99887766")
    session.end(EndCallResult("resolved", "fixed"))
    other = service.calls.start(CallRequest("Another case", "Comcast"))
    other.end(EndCallResult("no progress", ""))
    cases, calls = service.exports.select("coverage restricted")
    assert [c.title for c in cases] == ["Coverage restricted"] and len(calls) == 1
    with pytest.raises(ServiceError, match="no case called"):
        service.exports.select("nope")
    target = tmp_path / "dossier.md"
    result = service.exports.write("md", target, None, mask=True)
    assert (result.cases, result.calls) == (2, 2)
    text = target.read_text("utf-8")
    assert "ID-99887766" not in text and "7766" in text
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(ServiceError, match="does not exist"):
        service.exports.write("md", tmp_path / "missing" / "x.md")
    with pytest.raises(ServiceError, match="is a folder"):
        service.exports.write("md", tmp_path)
