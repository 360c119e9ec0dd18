"""Exports (md dossier, csv, json, ics), masking, and the history command.

Golden files live in tests/golden/; run with ``UPDATE_GOLDEN=1`` to rewrite them
after an intended change, then read the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from tui import __version__
from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.corrections import remove_item, revise, revise_case
from tui.domain.live import LiveCall
from tui.domain.model import Call, Case, Claim, DocumentSent, Notice, Payment
from tui.domain.search import call_search_text, match_spans, matches, search_terms
from tui.export import BINARY, FORMATS, render
from tui.export.csv_export import BOM, COLUMNS, safe_cell
from tui.export.mask import mask, mask_records
from tui.store import Store

GOLDEN = Path(__file__).parent / "golden"
EXPORTED_AT = "2026-11-24T14:05:00+00:00"
GOLDEN_FILES = {"md": "dossier.md", "csv": "calls.csv", "json": "export.json",
                "ics": "followups.ics"}
CASE_TITLE = "Coverage restricted despite on-time payments"


# -- the sample ------------------------------------------------------------------
def _call(case: Case, call_id: str, when: datetime, organisation: str, *, number: str = "",
          playbook: str = "") -> tuple[LiveCall, FrozenClock]:
    clock = FrozenClock(when)
    live = LiveCall.start(clock, case.id, organisation, playbook_id=playbook,
                          playbook_name=organisation if playbook else "", number=number)
    live.call.id = call_id
    return live, clock


def _rep(live: LiveCall, name: str, rep_id: str = "", *, refused: bool = False,
         role: str = "agent", department: str = "") -> None:
    rep = live.current_rep
    rep.first_name, rep.rep_id, rep.id_refused = name, rep_id, refused
    rep.role, rep.department = role, department


def _hold(live: LiveCall, clock: FrozenClock, minutes: float) -> None:
    live.toggle_hold()
    clock.advance(minutes * 60)
    live.toggle_hold()


def build_sample() -> tuple[list[Case], list[Call]]:
    """The story in SPEC.md, in small: two cases, seven calls, every kind of record."""
    case = Case(
        id="case-5a1e00000001", title=CASE_TITLE, created_at="2026-10-30T15:00:00+00:00",
        home_state="MA",
        identifiers={"Member ID": "NHP123456789", "Health Connector account": "HC-0042-7781-93",
                     "Application ID": "APP-2026-556677"},
        payments=[
            Payment(id="pay-000000000002", date="2026-10-27", amount="412.50", method="manual",
                    confirmation="BANK-77301942", account="checking …4821",
                    note="paid by phone | read back twice"),
            Payment(id="pay-000000000001", date="2026-09-28", amount="412.50",
                    method="autopay", confirmation="88-1234-5678", account="checking …4821"),
        ],
        notices=[
            Notice(id="notice-00000001", date="2026-10-20", name="Coverage restricted notice",
                   notice_id="NTC-2026-10-884213", says="Coverage restricted for non-payment"),
            Notice(id="notice-00000002", date="2026-11-03", name="Termination warning",
                   notice_id="TW-55190022",
                   says="Coverage ends 2026-11-30 unless the *balance* of $412.50 is paid",
                   deadline_name="Reinstatement request window", deadline_days=35),
        ],
        claims=[
            Claim(id="claim-1", question="Coverage effective date",
                  party="Neighborhood Health Plan", says="2026-02-01", date="2026-11-05",
                  who="Maria", call_id="call-000000000001"),
            Claim(id="claim-2", question="Coverage effective date", party="Health Connector",
                  says="2026-03-01", date="2026-11-06", who="Kevin",
                  call_id="call-000000000002"),
            Claim(id="claim-3", question="Was the October premium received?",
                  party="Neighborhood Health Plan", says="Yes, posted 2026-10-28",
                  date="2026-11-05"),
            Claim(id="claim-4", question="was the October premium received? ",
                  party="Health Connector", says="yes,  posted 2026-10-28", date="2026-11-21"),
        ],
        documents=[
            DocumentSent(id="doc-1", what="Bank statement showing both payments", how="fax",
                         date="2026-11-07", to="Health Connector billing",
                         tracking="FAX-CONF-2231987"),
        ],
    )
    other = Case(id="case-5a1e00000002", title="Hospital bill sent to collections",
                 created_at="2026-11-15T10:00:00+00:00", identifiers={"Account": "MH-99"})
    calls: list[Call] = []

    live, clock = _call(case, "call-000000000001", datetime(2026, 11, 5, 14, 0, tzinfo=UTC),
                        "Neighborhood Health Plan", number="1-800-433-5556",
                        playbook="neighborhood-health-plan")
    clock.advance(30)
    _hold(live, clock, 12)
    _rep(live, "Maria", "NHP-2231", department="Member Services")
    live.call.read_out = case.facts()[:1] + [f"Paid {case.payments[0].label()}"]
    clock.advance(90)
    live.enter_line("Verified enrolment: effective 2026-02-01, premiums received through Nov")
    live.enter_line("ref: NHP-CASE-7781204")
    clock.advance(60)
    live.enter_line("promise: will send confirmation letter within 5 days")
    clock.advance(120)
    live.end("escalated", "Insurer confirms coverage from 2026-02-01 and every premium received",
             next_step="Call the Health Connector with the insurer's dates")
    live.call.promises[0].done = True
    live.call.promises[0].done_at = "2026-11-09T15:00:00+00:00"
    calls.append(live.call)

    live, clock = _call(case, "call-000000000002", datetime(2026, 11, 6, 15, 30, tzinfo=UTC),
                        "Massachusetts Health Connector", number="1-877-623-6765",
                        playbook="ma-health-connector")
    clock.advance(20)
    _hold(live, clock, 47)
    _rep(live, "Kevin", refused=True, department="Billing")
    clock.advance(120)
    live.enter_line("Says coverage started 2026-03-01 and I owe 'the difference'")
    live.enter_line("Asked for a supervisor; told the wait is 45 minutes")
    _hold(live, clock, 38.5)
    live.next_rep()
    _rep(live, "Angela", "S-90817", role="supervisor", department="Billing")
    clock.advance(300)
    live.enter_line("*Refused* a retro request and refused to pay the difference")
    live.enter_line("# [bold]Not[/bold] markup: <b>x</b> | pipes & &amp; stay literal")
    live.enter_line("ref: HC-TKT-3321907")
    live.enter_line("promise: billing will review and call back in 3 days")
    clock.advance(240)
    live.end("callback promised", "-$412.50 shown as past due again; sent to billing for review",
             next_step="If no callback by 2026-11-09, call back")
    calls.append(live.call)

    live, clock = _call(case, "call-000000000003", datetime(2026, 11, 12, 13, 10, tzinfo=UTC),
                        "Massachusetts Health Connector", number="1-877-623-6765",
                        playbook="ma-health-connector")
    _rep(live, "Jo", refused=True)
    clock.advance(200)
    live.enter_line("Jo would not give a reference number")
    _hold(live, clock, 65)
    live.end("disconnected", "Cut off after 65 minutes on hold", reference_refused=True)
    calls.append(live.call)

    live, clock = _call(case, "call-000000000004", datetime(2026, 11, 12, 14, 30, tzinfo=UTC),
                        "Massachusetts Health Connector", number="1-877-623-6765",
                        playbook="ma-health-connector")
    live.call.redial_of = "call-000000000003"
    _hold(live, clock, 22)
    _rep(live, "Priya", "77120")
    clock.advance(420)
    live.enter_line("Billing review still open; no callback was ever scheduled")
    live.enter_line("promise: supervisor will call by next Tuesday")
    live.end("no progress", "Review still open; no callback scheduled",
             references=["HC-TKT-3321907"])
    calls.append(live.call)

    live, clock = _call(case, "call-000000000005", datetime(2026, 11, 20, 16, 0, tzinfo=UTC),
                        "Governor's Office of Constituent Services", number="617-725-4005",
                        playbook="ma-governor-constituent-services")
    _rep(live, "Tom", department="Constituent Services")
    clock.advance(600)
    live.enter_line("Caseworker will contact the Health Connector's executive office today")
    live.enter_line("ref: GOV-2026-04417")
    live.enter_line("promise: caseworker will call back by 2026-11-25")
    live.enter_line("promise: will email a case number")
    clock.advance(300)
    live.end("escalated", "Governor's office opened a case and contacted the Connector")
    calls.append(live.call)

    live, clock = _call(case, "call-000000000006", datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
                        "Massachusetts Health Connector", number="1-877-623-6765",
                        playbook="ma-health-connector")
    _hold(live, clock, 3)
    _rep(live, "Renée", "HC-EXEC-5512", department="Executive Office")
    clock.advance(480)
    live.enter_line("Coverage restored back to 2026-02-01; balance now $0.00")
    live.enter_line("ref: HC-FIX-0009921")
    live.enter_line("promise: will mail a corrected 1095-A in 3 days")
    live.end("resolved", "Coverage restored; no balance owed")
    calls.append(live.call)

    live, clock = _call(other, "call-000000000007", datetime(2026, 11, 16, 17, 45, tzinfo=UTC),
                        "Mercy Hospital Billing")
    clock.advance(95)
    live.enter_line("Menu loop: \x1b[31mpress 0\x1b[0m went nowhere")
    live.next_rep()
    _rep(live, "José", "MH-4410")
    clock.advance(200)
    live.end("no progress", "@collections: they say the bill was sent on 2026-10-01")
    calls.append(live.call)
    _corrections(case, calls)
    return [case, other], calls


def _corrections(case: Case, calls: list[Call]) -> None:
    """Typos corrected afterwards (the originals kept) and a note removed."""
    payment = case.payments[0]
    payment.confirmation = "BANK-77301924"  # as first typed
    revise(payment, {"confirmation": "BANK-77301942"}, "2026-11-22T18:00:00+00:00",
           "bank typo: read from the statement")
    case.identifiers["Member ID"] = "NHP123456780"
    revise_case(case, {"identifier:Member ID": "NHP123456789"}, "2026-11-22T18:05:00+00:00")
    reference = calls[0].references[0]
    reference.number = "NHP-CASE-7781240"
    revise(reference, {"number": "NHP-CASE-7781204"}, "2026-11-23T09:00:00+00:00")
    second = calls[1]
    second.removed.append(remove_item(second.notes, "note-2", "note",
                                      "2026-11-23T09:10:00+00:00", "it was the next call"))


@pytest.fixture
def sample() -> tuple[list[Case], list[Call]]:
    return build_sample()


def _golden_text(fmt: str, sample: tuple[list[Case], list[Call]]) -> str:
    cases, calls = sample
    text = render(fmt, cases, calls, EXPORTED_AT)
    if fmt == "json":  # the app version changes with releases, not with the format
        text = text.replace(f'"app_version": "{__version__}"', '"app_version": "<version>"')
    return text


# -- golden files ----------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt: str, sample: tuple[list[Case], list[Call]]) -> None:
    data = _golden_text(fmt, sample).encode("utf-8")
    path = GOLDEN / GOLDEN_FILES[fmt]
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), (
        f"{path.name} differs: if intended, run with UPDATE_GOLDEN=1 and read the diff")


def test_exports_are_deterministic_and_do_not_touch_records(
    sample: tuple[list[Case], list[Call]],
) -> None:
    cases, calls = sample
    before = [c.to_dict() for c in cases] + [c.to_dict() for c in calls]
    for fmt in FORMATS:
        assert render(fmt, cases, calls, EXPORTED_AT, mask=True) == render(
            fmt, *build_sample(), EXPORTED_AT, mask=True)
    assert [c.to_dict() for c in cases] + [c.to_dict() for c in calls] == before
    with pytest.raises(ValueError, match="unknown export format"):
        render("pdf", cases, calls, EXPORTED_AT)


# -- markdown ----------------------------------------------------------------------
def test_dossier_content(sample: tuple[list[Case], list[Call]]) -> None:
    text = render("md", *sample, EXPORTED_AT)
    lines = text.splitlines()
    brief = lines[lines.index("### The dispute in brief") + 2]
    assert brief.startswith(f"The dispute “{CASE_TITLE}” is open; it began on 2026-10-20, ")
    assert "6 calls have been made about it: 4 to Massachusetts Health Connector, " in brief
    assert "Altogether 3h 07m has been spent on hold; 2 promises" in brief
    assert "the parties’ accounts conflict on 1 question." in brief
    for expected in (
        "| 2026-09-28 | $412.50 | autopay | 88-1234-5678 | checking …4821 | — |",
        "| 2026-10-27 | $412.50 | manual | BANK-77301942 (corrected 2026-11-22; was: "
        "BANK-77301924) | checking …4821 | paid by phone \\| read back twice |",
        "- Member ID: NHP123456789 (corrected 2026-11-22; was: NHP123456780)",
        "- Removed 2026-11-23: note: 00:49:20 Asked for a supervisor; told the wait is 45 "
        "minutes (call of 2026-11-06 15:30) — why: it was the next call",
        "- Reinstatement request window: due 2026-12-08 (14 days left) — counted from "
        "Termination warning (TW-55190022) dated 2026-11-03",
        "Check the date on your notice: the clock runs from it.",
        "- Different reference numbers given: 4 (1 call where the rep refused to give one)",
        "- Length: 15m 00s, ended 16:15; not put on hold; talking 15m 00s",
        "  1. name not noted — ID not noted, agent (on the line from 00:00:00)",
        "**Coverage effective date** — **the accounts disagree**",
        "**Was the October premium received?** — the accounts agree",
        "  2. Angela — ID S-90817, supervisor, Billing (on the line from 01:27:50)",
        "  1. Kevin — **refused to give ID**, agent, Billing (on the line from 00:00:00)",
        "- Reference numbers: none — **the rep refused to give a reference**",
        "  - billing will review and call back in 3 days — due 2026-11-09: "
        "**BROKEN** (not done by 2026-11-09)",
        "  - will send confirmation letter within 5 days — due 2026-11-10: kept (done "
        "2026-11-09)",
        "  - will mail a corrected 1095-A in 3 days — due 2026-11-24: due today",
        "  - will email a case number — no date given: pending",
        "- Redial of the dropped call of 2026-11-12 13:10",
        "- Promises: 6 made — 1 kept, 2 broken, 3 pending",
        "- Distinct representatives: 7 (2 refused to give an ID)",
    ):
        assert expected in lines, expected
    # User text literal: specials escaped, nothing dropped, controls made visible.
    note = next(line for line in lines if "markup:" in line)
    assert note.endswith("` # \\[bold\\]Not\\[/bold\\] markup: \\<b\\>x\\</b\\> \\| pipes & "
                         "\\&amp; stay literal")
    assert "Menu loop: \\\\x1b\\[31mpress 0\\\\x1b\\[0m went nowhere" in text
    assert "\x1b" not in text
    # Chronological: call headings in time order within each case.
    headings = [line for line in lines if line.startswith("#### ")]
    assert [h.split(" — ")[0][5:] for h in headings][:6] == [
        "1. 2026-11-05 14:00 +00:00", "2. 2026-11-06 15:30 +00:00", "3. 2026-11-12 13:10 +00:00",
        "4. 2026-11-12 14:30 +00:00", "5. 2026-11-20 16:00 +00:00", "6. 2026-11-21 15:00 +00:00"]


def test_dossier_today_changes_promise_status(sample: tuple[list[Case], list[Call]]) -> None:
    early = render("md", *sample, EXPORTED_AT, today=date(2026, 11, 8))
    assert "  - billing will review and call back in 3 days — due 2026-11-09: pending" in (
        early.splitlines())
    assert "no promise made on these calls has been broken" in early


def test_empty_dossier() -> None:
    text = render("md", [], [], EXPORTED_AT)
    assert "No cases yet." in text
    lone = Case(id="case-00000000000a", title="Nothing yet", created_at=EXPORTED_AT)
    text = render("md", [lone], [], EXPORTED_AT)
    assert "and no call about it has been recorded yet." in text
    assert "No payments recorded." in text and "No calls recorded." in text


# -- csv -----------------------------------------------------------------------------
def test_csv_reads_back(sample: tuple[list[Case], list[Call]]) -> None:
    cases, calls = sample
    text = render("csv", cases, calls, EXPORTED_AT)
    assert text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 1 + len(calls)
    by_column = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    second = by_column[1]
    assert second["date"] == "2026-11-06" and second["time"] == "15:30"
    assert second["reps"] == "Kevin (refused to give ID); Angela #S-90817"
    assert second["summary"] == "'-$412.50 shown as past due again; sent to billing for review"
    assert second["duration_min"] == "96.8" and second["hold_min"] == "85.5"
    assert second["talk_min"] == "11.3" and second["notes_count"] == "3"  # one removed
    assert second["promises"] == "billing will review and call back in 3 days (due 2026-11-09, "\
        "broken)"
    hospital = next(row for row in by_column if row["organisation"] == "Mercy Hospital Billing")
    assert hospital["summary"].startswith("'@collections")
    assert hospital["reps"] == "José #MH-4410" and hospital["case"] == "Hospital bill sent to "\
        "collections"


def test_csv_neutralises_formulas() -> None:
    case = Case(id="case-00000000000f", title="=cmd|' /C calc'!A0", created_at=EXPORTED_AT)
    clock = FrozenClock()
    live = LiveCall.start(clock, case.id, "+Org", number="+1 617 555 0100")
    live.current_rep.first_name = "=1+1"
    live.end("resolved", '=HYPERLINK("http://example.com","paid")')
    text = render("csv", [case], [live.call], EXPORTED_AT)
    (row,) = list(csv.reader(io.StringIO(text[1:], newline="")))[1:]
    cells = dict(zip(COLUMNS, row, strict=True))
    assert cells["case"] == "'=cmd|' /C calc'!A0"
    assert cells["organisation"] == "'+Org" and cells["number"] == "'+1 617 555 0100"
    assert cells["reps"] == "'=1+1" and cells["summary"].startswith("'=HYPERLINK(")
    for value in ("-1", "@x", "\tx", "\rx"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("12.5") == "12.5" and safe_cell("a=b") == "a=b"


# -- ics -----------------------------------------------------------------------------
def test_ics_parses_back(sample: tuple[list[Case], list[Call]]) -> None:
    text = render("ics", *sample, EXPORTED_AT)
    assert "\r\n" in text
    calendar = Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    got = {str(e["uid"]): (e.decoded("dtstart"), str(e["summary"])) for e in events}
    assert got == {
        "followup-call-000000000002-0@holdtheline": (
            date(2026, 11, 9), "Follow-up: Massachusetts Health Connector promised: billing will "
            "review and call back in 3 days"),
        "followup-call-000000000004-0@holdtheline": (
            date(2026, 11, 17), "Follow-up: Massachusetts Health Connector promised: supervisor "
            "will call by next Tuesday"),
        "followup-call-000000000005-0@holdtheline": (
            date(2026, 11, 25), "Follow-up: Governor's Office of Constituent Services promised: "
            "caseworker will call back by 2026-11-25"),
        "followup-call-000000000006-0@holdtheline": (
            date(2026, 11, 24), "Follow-up: Massachusetts Health Connector promised: will mail a "
            "corrected 1095-A in 3 days"),
        "deadline-notice-00000002@holdtheline": (
            date(2026, 12, 8), f"Deadline: Reinstatement request window ({CASE_TITLE})"),
    }
    for event in events:
        start = event["dtstart"]
        assert start.params["VALUE"] == "DATE" and type(start.dt) is date
        assert event.decoded("dtend") == start.dt.fromordinal(start.dt.toordinal() + 1)
        assert event.decoded("dtstamp") == datetime(2026, 11, 24, 14, 5, tzinfo=UTC)
    deadline = next(e for e in events if str(e["uid"]).startswith("deadline-"))
    description = str(deadline["description"])
    assert "check the date on your notice" in description.lower()
    assert "Termination warning (TW-55190022), dated 2026-11-03, + 35 days." in description
    followup = next(e for e in events if "000000000002" in str(e["uid"]))
    assert "Reference numbers: HC-TKT-3321907" in str(followup["description"])


def test_ics_uids_are_stable(sample: tuple[list[Case], list[Call]]) -> None:
    cases, calls = sample
    first = render("ics", cases, calls, EXPORTED_AT)
    calls[1].promises[0].done = True
    later = render("ics", cases, calls, "2026-11-30T09:00:00+00:00")
    uids = {str(e["uid"]) for e in Calendar.from_ical(later).walk("VEVENT")}
    before = {str(e["uid"]) for e in Calendar.from_ical(first).walk("VEVENT")}
    assert uids == before - {"followup-call-000000000002-0@holdtheline"}


# -- masking -----------------------------------------------------------------------
def test_mask_rule() -> None:
    """At most the last 4 characters shown, never fewer than 2 hidden."""
    assert mask("123456789012") == "••••••••9012"
    assert mask("123456") == "••3456"
    assert mask("12345") == "••345"
    assert mask("1234") == "••34" and mask("123") == "••3"
    assert mask("ab") == "••" and mask("a") == "•" and mask("") == ""
    assert mask("  88-1234  ") == "•••1234"
    for length in range(1, 30):
        value = "x" * length
        masked = mask(value)
        assert len(masked) == length
        assert masked.count("•") >= min(2, length) and len(masked.lstrip("•")) <= 4


SECRETS = ["NHP123456789", "HC-0042-7781-93", "APP-2026-556677", "BANK-77301942",
           "88-1234-5678", "checking …4821", "NTC-2026-10-884213", "TW-55190022",
           "FAX-CONF-2231987", "NHP-CASE-7781204", "HC-TKT-3321907", "GOV-2026-04417",
           "HC-FIX-0009921", "NHP-2231", "S-90817", "77120", "HC-EXEC-5512", "MH-4410"]


def _unfolded(text: str) -> str:
    """iCalendar folds long lines (CRLF + space): join them before searching."""
    return text.replace("\r\n ", "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_mask_hides_every_identifier(fmt: str, sample: tuple[list[Case], list[Call]]) -> None:
    plain = _unfolded(render(fmt, *sample, EXPORTED_AT))
    masked = _unfolded(render(fmt, *sample, EXPORTED_AT, mask=True))
    shown = [secret for secret in SECRETS if secret in plain]
    assert shown, "the sample should show identifiers in every format"
    if fmt != "ics":
        assert len(shown) == len(SECRETS) - (fmt == "csv") * 9  # csv: calls only
    for secret in SECRETS:
        assert secret not in masked, secret
    for secret in shown:
        assert mask(secret) in masked, secret
    assert "•" in masked


def test_mask_scrubs_free_text_and_keeps_the_rest(sample: tuple[list[Case], list[Call]]) -> None:
    cases, calls = sample
    masked_cases, masked_calls, _facts = mask_records(cases, calls)
    assert masked_calls[0].read_out[0] == "Member ID: ••••••••6789"
    assert "conf. •••••••••1942  from ••••••••••4821" in masked_calls[0].read_out[1]
    assert masked_cases[1].identifiers == {"Account": "••-99"}
    assert masked_calls[1].reps[0].rep_id == "" and masked_calls[1].reps[0].id_refused
    # Structure and ordinary text untouched.
    assert masked_calls[1].notes[0].text == calls[1].notes[0].text
    assert [c.id for c in masked_calls] == [c.id for c in calls]
    assert masked_cases[0].payments[0].amount == "412.50"
    document = json.loads(render("json", cases, calls, EXPORTED_AT, mask=True))
    assert document["cases"][0]["identifiers"]["Member ID"] == "••••••••6789"
    assert document["calls"][1]["references"][0]["number"] == "••••••••••1907"


# -- history search --------------------------------------------------------------------
def test_history_search(sample: tuple[list[Case], list[Call]]) -> None:
    _, calls = sample
    second = calls[1]
    haystack = call_search_text(second, "My Case")
    assert haystack == haystack.casefold() and "my case" in haystack
    for query in ("ANGELA", "s-90817", "hc-tkt", "retro request", "past due", "connector",
                  "refused  to GIVE id", "callback promised", "my case", "kevin angela",
                  '"past  due" billing', '"refused to give'):
        assert matches(second, query, "My Case"), query
    assert not matches(second, "angela governor")
    assert not matches(second, '"kevin angela"')  # a quoted phrase must occur as typed
    assert matches(second, "   ")
    assert match_spans("Angela said ANGELA", "angela") == [(0, 6), (12, 18)]
    assert match_spans("Cut  off after", '"cut off"') == [(0, 8)]
    assert match_spans("abcdef", "abc cde") == [(0, 5)]
    assert search_terms('"cut off" Dropped "') == ["cut off", "dropped"]
    assert search_terms('  "" ') == []
    assert match_spans("x", "") == []


# -- the command line --------------------------------------------------------------------
@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    cases, calls = build_sample()
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        for case in cases:
            store.save_case(case)
        for call in calls:
            store.save_call(call, index=True)
    return data_dir


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_history_table(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "history")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["DATE", "CASE", "ORGANISATION", "DURATION", "HOLD", "REPS",
                                "OUTCOME"]
    assert len(lines) == 8
    assert [line[:16] for line in lines[1:]] == sorted(line[:16] for line in lines[1:])
    reps_at = lines[0].index("REPS")
    assert all(line[reps_at - 2:reps_at] == "  " for line in lines[1:])
    assert lines[2].startswith("2026-11-06 15:30  " + CASE_TITLE)
    assert "1h 36m" in lines[2] and "1h 25m" in lines[2]
    assert "Kevin (refused to give ID); Angela #S-90817" in lines[2]
    assert lines[2].rstrip().endswith("callback promised")
    assert "\\x1b" not in out  # control characters in notes never reach the table
    code, out, _ = _cli(capsys, "--data-dir", str(seeded), "history", "--case",
                        "hospital bill SENT to collections")
    assert code == 0 and len(out.splitlines()) == 2 and "José #MH-4410" in out


@pytest.mark.parametrize(("query", "expected"), [
    ("angela", ["call-000000000002"]),
    ("S-90817", ["call-000000000002"]),
    ("hc-tkt-3321907", ["call-000000000002", "call-000000000004"]),
    ('"cut off"', ["call-000000000003"]),
    ("cut off", ["call-000000000003", "call-000000000005", "call-000000000006"]),
    ("angela  S-90817", ["call-000000000002"]),
    ("governor", ["call-000000000005"]),
    ("verified ENROLMENT", ["call-000000000001"]),
    ("press 0", ["call-000000000007"]),
])
def test_history_grep_json(seeded: Path, capsys: pytest.CaptureFixture[str], query: str,
                           expected: list[str]) -> None:
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "history", "--grep", query,
                          "--json")
    assert code == 0, err
    assert [call["id"] for call in json.loads(out)] == expected
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "history", "--grep", query)
    assert len(out.splitlines()) == 1 + len(expected)


def test_history_json_is_full_calls(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "--data-dir", str(seeded), "history", "--json")
    assert code == 0
    _, calls = build_sample()
    documents = [call.to_dict() for call in sorted(calls, key=lambda c: c.started_at)]
    assert json.loads(out) == documents
    # Written a call at a time, the same text as the whole list dumped at once.
    from tui.export.history import terminal_safe
    assert out == terminal_safe(json.dumps(documents, ensure_ascii=False, indent=2)) + "\n"
    code, out, err = _cli(capsys, "--data-dir", str(seeded), "history", "--grep", "zebra")
    assert code == 0 and out == "" and err == "no calls match\n"
    code, out, _ = _cli(capsys, "--data-dir", str(seeded), "history", "--grep", "zebra", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(("args", "message"), [
    (["history", "--case", "nope"], "no case called 'nope'"),
    (["history", "--case", "  "], "--case needs a case title or id"),
    (["history", "--grep", " "], "--grep needs some text"),
    (["export", "--format", "md", "--case", "nope"], "no case called 'nope'"),
])
def test_bad_input_is_one_line(seeded: Path, capsys: pytest.CaptureFixture[str],
                               args: list[str], message: str) -> None:
    code, out, err = _cli(capsys, "--data-dir", str(seeded), *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("holdtheline: ")


@pytest.mark.parametrize("args", [
    ["history", "--bogus"], ["history", "--grep"], ["demo", "--calls", "0"],
    ["demo", "--calls", "many"], ["export", "--format", "xlsx"], ["export", "--mask"],
])
def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              args: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(tmp_path / "d"), *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ": error:" in err


def test_demo_is_dispatched_lazily(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[object] = []
    fake = types.ModuleType("tui.demo")
    fake.run_demo = lambda args: seen.append((args.calls, args.into)) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.demo", fake)
    assert main(["demo", "--calls", "12", "--into", str(tmp_path / "x")]) == 0
    assert main(["demo"]) == 0
    assert seen == [(12, str(tmp_path / "x")), (None, None)]


def test_export_cli_all_formats(seeded: Path, tmp_path: Path,
                                capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    for fmt in FORMATS:
        code = main(["--data-dir", str(seeded), "export", "--format", fmt, "--mask"])
        out = capsysbinary.readouterr().out
        assert code == 0 and out
        text = out.decode("utf-8")
        assert "NHP123456789" not in text and "HC-TKT-3321907" not in text
        if fmt == "csv":
            assert out.startswith(b"\xef\xbb\xbf")
    target = tmp_path / "out.ics"
    code = main(["--data-dir", str(seeded), "export", "--format", "ics", "--case",
                 CASE_TITLE, "-o", str(target)])
    assert code == 0
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert len(events) == 5
    assert main(["--data-dir", str(seeded), "export", "--format", "csv", "-o",
                 str(tmp_path)]) == 1


def test_history_subprocess(seeded: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--data-dir", str(seeded), "history", "--grep", "josé"],
        capture_output=True, timeout=60, env={**os.environ, "LC_ALL": "C", "LANG": "C"},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 2 and "José #MH-4410" in lines[1]


def test_closed_pipe_is_quiet(seeded: Path) -> None:
    """``holdtheline history | head``: the reader leaving is not a traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui", "--data-dir", str(seeded), "history"],
            stdout=write_end, stderr=subprocess.PIPE, timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 141 and result.stderr == b""


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt not in BINARY])
def test_masked_exports_mask_the_values_corrections_replaced(
        fmt: str, sample: tuple[list[Case], list[Call]]) -> None:
    cases, calls = sample
    plain = render(fmt, cases, calls, EXPORTED_AT)
    masked = render(fmt, cases, calls, EXPORTED_AT, mask=True)
    old = ["BANK-77301924", "NHP123456780", "NHP-CASE-7781240"]
    if fmt in ("md", "json"):
        assert all(value in plain for value in old)
    assert not [value for value in old if value in masked]
    if fmt == "md":
        assert "(corrected 2026-11-22; was: •••••••••1924)" in masked
