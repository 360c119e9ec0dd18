"""``holdtheline demo``: the worked example from the spec, and synthetic histories.

Three things live here:

* :func:`build_story` records the motivating case (coverage "restricted" and
  then threatened with termination by the exchange's billing department,
  although every premium was paid on time) as real data, call by call,
  through the same domain code the app uses (``LiveCall`` on a
  ``FrozenClock``), into an open :class:`~tui.store.Store`.
* :func:`generate` writes a large, realistic synthetic history of N calls
  straight into an empty data directory, in the store's own TinyDB layout
  (as ``bench/datagen.py`` does), then opens it with ``Store.open`` to check
  that it loads. Going through ``Store.save_call(index=True)`` would rewrite
  ``index.json`` once per call, which is quadratic.
* :func:`run_demo` is the ``demo`` subcommand: open the app on a temporary
  copy (deleted afterwards), or write the data into ``--into DIR``.

No Textual import at module level: the app is imported inside ``run_demo``.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.domain.clock import FrozenClock
from tui.domain.dates import add_business_days
from tui.domain.live import LiveCall
from tui.domain.model import (
    Call,
    Case,
    Claim,
    DocumentSent,
    Notice,
    Payment,
    as_role,
    new_id,
)
from tui.domain.timefmt import to_iso
from tui.launch import LaunchError, load_all_playbooks, playbook_sources, require_terminal
from tui.service import Service
from tui.store import Store

if TYPE_CHECKING:
    import argparse

STORY_TITLE = "Coverage restricted despite on-time payments"
DEMO_TITLE = "Hold the Line: DEMO"
DEMO_SUBTITLE = "a temporary copy of a worked example; deleted when you quit"
STORY_DAYS_AGO = 30
"""``holdtheline demo`` starts the story this many days before today."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- time helpers -----------------------------------------------------------------
@lru_cache(maxsize=1)
def _eastern() -> tzinfo:
    """Massachusetts time (the story's offices); a fixed -05:00 if no tz data."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/New_York")
    except Exception:  # pragma: no cover - no tz database on this system
        from datetime import timezone

        return timezone(timedelta(hours=-5), "EST")


def _at(day: date, hhmm: str) -> datetime:
    """``day`` at ``hhmm`` Massachusetts time, as a UTC datetime."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_eastern())
    return local.astimezone(UTC)


def _business_day(day0: date, n: int) -> date:
    """The ``n``-th business day after ``day0`` (``n`` = 0 is ``day0`` itself)."""
    day = day0
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return add_business_days(day, n)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _short(day: date) -> str:
    """``20 Jan`` (locale-independent)."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


def _long(day: date) -> str:
    """``1 Feb 2026``."""
    return f"{_short(day)} {day.year}"


# -- playbooks --------------------------------------------------------------------
@dataclass(frozen=True)
class _PlaybookInfo:
    id: str
    name: str
    number: str
    steps: tuple[str, ...]


_FALLBACK_PLAYBOOKS = {
    "ma-health-connector": ("Massachusetts Health Connector", "1-877-623-6765"),
    "health-insurer": ("Health insurer (general)", ""),
    "neighborhood-health-plan": (
        "Neighborhood Health Plan (later AllWays Health Partners, now Mass General "
        "Brigham Health Plan)", "1-800-462-5449"),
    "ma-governor-constituent-services": (
        "Massachusetts Governor's Office of Constituent Services", "617-725-4005"),
    "ma-division-of-insurance": (
        "Massachusetts Division of Insurance (Consumer Services)", "617-521-7794"),
    "ma-office-of-patient-protection": (
        "Massachusetts Office of Patient Protection (Health Policy Commission)",
        "1-800-436-7757"),
    "medical-billing-dispute": (
        "Medical billing dispute (provider billing office or collector)", ""),
    "utility-billing-dispute": ("Cable, internet or phone billing dispute", ""),
}


@lru_cache(maxsize=1)
def _playbooks() -> dict[str, _PlaybookInfo]:
    """Names, main numbers and step titles of the shipped playbooks."""
    found: dict[str, _PlaybookInfo] = {
        pid: _PlaybookInfo(pid, name, number, ())
        for pid, (name, number) in _FALLBACK_PLAYBOOKS.items()
    }
    try:
        from tui.paths import shipped_playbooks_dir
        from tui.playbooks import load_playbooks
        
        loaded, _problems = load_playbooks([(shipped_playbooks_dir(), "shipped")])
    except Exception:  # pragma: no cover - a broken install still gets a demo
        return found
    for pid, playbook in loaded.items():
        fallback = found[pid].number if pid in found else ""
        found[pid] = _PlaybookInfo(pid, playbook.name, playbook.main_number or fallback,
                                   tuple(step.title for step in playbook.steps))
    return found


def _step_keys(playbook_id: str, *words: str) -> list[str]:
    """Checklist keys (as the call screen stores them) of steps whose title has a word.

    With no words: every step. The key format is the playbook panel's
    ``step_key``: ``"<playbook id>#<n>: <title>"``.
    """
    info = _playbooks().get(playbook_id)
    if info is None:
        return []
    wanted = [word.casefold() for word in words]
    return [
        f"{playbook_id}#{number}: {title}"
        for number, title in enumerate(info.steps, start=1)
        if not wanted or any(word in title.casefold() for word in wanted)
    ]


# -- the worked example ----------------------------------------------------------
class _Scene:
    """One story call, made through ``LiveCall`` on its own frozen clock."""

    def __init__(self, store: Store, case: Case, when: datetime, playbook_id: str,
                 number: str = "", redial_of: str = "") -> None:
        info = _playbooks()[playbook_id]
        self.store = store
        self.case = case
        self.clock = FrozenClock(when)
        self.live = LiveCall.start(self.clock, case.id, info.name, playbook_id=playbook_id,
                                   playbook_name=info.name, number=number or info.number)
        self.live.call.redial_of = redial_of
        self._first_rep = True

    @property
    def call(self) -> Call:
        return self.live.call

    def wait(self, minutes: float) -> None:
        self.clock.advance(minutes * 60)

    def rep(self, first_name: str, rep_id: str = "", role: str = "agent",
            department: str = "", refused: bool = False) -> None:
        """The first rep answers, or (later) a transfer brings the next one."""
        if not self._first_rep:
            self.live.next_rep()
        self._first_rep = False
        rep = self.live.current_rep
        rep.first_name, rep.rep_id, rep.role = first_name, rep_id, as_role(role)
        rep.department, rep.id_refused = department, refused

    def hold(self, minutes: float) -> None:
        self.live.toggle_hold()
        self.wait(minutes)
        self.live.toggle_hold()

    def say(self, *lines: str, gap: float = 1.5) -> None:
        """Lines typed on the note line (``ref:`` and ``promise:`` included)."""
        for line in lines:
            self.wait(gap)
            self.live.enter_line(line)

    def promise(self, text: str, gap: float = 1.0) -> int:
        """A promise; returns its index in the call (to mark it kept later)."""
        self.say(f"promise: {text}", gap=gap)
        return len(self.call.promises) - 1

    def tick(self, *words: str) -> None:
        for key in _step_keys(self.call.playbook_id, *words):
            self.call.checklist[key] = True

    def read(self, *starts: str) -> None:
        """Tick case facts as read out: every fact starting with one of ``starts``."""
        for fact in self.case.facts():
            if any(fact.startswith(start) for start in starts) and fact not in self.call.read_out:
                self.call.read_out.append(fact)

    def switch(self, playbook_id: str) -> None:
        info = _playbooks()[playbook_id]
        self.live.use_playbook(playbook_id, info.name)

    def claim(self, question: str, says: str, who: str = "") -> None:
        self.case.claims.append(Claim(
            id=new_id("claim"), question=question, party=self.call.organisation, says=says,
            date=self.clock.now().astimezone(_eastern()).date().isoformat(), who=who,
            call_id=self.call.id,
        ))

    def end(self, outcome: str, summary: str, next_step: str = "",
            reference_refused: bool | None = None) -> Call:
        self.wait(1)
        call = self.live.end(outcome, summary, next_step=next_step,
                             reference_refused=reference_refused)
        self.store.save_call(call, index=True)
        return call


def build_story(store: Store, start: datetime) -> Case:
    """Record the worked example from the spec into ``store``; returns its case.

    ``start`` gives the day of the first call (its date in Massachusetts; a
    weekend moves to the Monday after). The twelve calls fall on business
    days over about three weeks, in office hours, Massachusetts time.
    """
    day0 = _business_day(start.astimezone(_eastern()).date(), 0)

    def day(n: int) -> date:
        return _business_day(day0, n)

    effective = _add_months(day0, -4)  # the coverage start the insurer has: "1 Feb"
    wrong_start = _add_months(effective, 1)  # the exchange's record: "1 Mar"
    first_payment = effective.replace(day=1) - timedelta(days=1)
    eff, wrong = _long(effective), _long(wrong_start)
    premium = "$412.50"

    case = Case.create(STORY_TITLE, to_iso(_at(day0, "08:40")))
    case.home_state = "MA"
    case.identifiers = {
        "Member ID": "100482736615",
        "Billing account number": "712408395",
        "Application ID": "4471-22903",
        "Insurer member ID": "NHP 30418872-01",
    }
    # Every premium paid before the 23rd of the month before coverage.
    payments: list[Payment] = [
        Payment(new_id("pay"), first_payment.replace(day=20).isoformat(), premium, "manual",
                "BP7731-5520", "savings …0937",
                f"first premium, for {_MONTHS[effective.month - 1]} coverage"),
        Payment(new_id("pay"), effective.replace(day=19).isoformat(), premium, "manual",
                "BP7731-6093", "savings …0937", "paid by phone"),
    ]
    confirmations = ["ACH 55120943", "ACH 55188210", "ACH 55241877", "ACH 55309164"]
    month = _add_months(effective, 1)
    while month.replace(day=22) < day0 and confirmations:
        payments.append(Payment(new_id("pay"), month.replace(day=22).isoformat(), premium,
                                "autopay", confirmations.pop(0), "checking …4821",
                                "AutoPay from the Connector"))
        month = _add_months(month, 1)
    case.payments = payments
    first_paid = _short(first_payment.replace(day=20))
    feb = _MONTHS[effective.month - 1]
    case.notices.append(Notice(
        new_id("notice"), (day0 - timedelta(days=4)).isoformat(),
        "Notice of restricted coverage (past due)", "HC-N-0613-2291",
        f"Says the {feb} premium of {premium} is past due and coverage is restricted; "
        "claims may be held until it is paid.",
    ))
    store.save_case(case)
    kept: list[tuple[str, int]] = []

    # 1. The exchange: long queue, a transfer to Billing, a callback promised.
    s = _Scene(store, case, _at(day(0), "09:05"), "ma-health-connector")
    s.say("Menu: 3 for existing coverage; no option for Billing, pressed 0 for an agent.",
          gap=0.5)
    s.hold(27)
    s.rep("Kevin", "HC2207", department="Customer Service")
    s.say(f"Kevin says my account shows the {feb} premium unpaid and coverage "
          "'restricted'.")
    s.say(f"He says their coverage start date on file is {wrong}; my insurance card says "
          f"{eff}.")
    s.read("Member ID", "Billing account number", f"Paid {payments[0].date}")
    s.say(f"Read out the {first_paid} payment and its confirmation number; "
          "he cannot see it and is transferring me to Billing.")
    s.claim("Coverage effective date", wrong, "Kevin #HC2207")
    s.claim(f"Was the {feb} premium paid?", f"No: {premium} past due", "Kevin #HC2207")
    s.hold(18)
    s.rep("Marisol", "B3310", department="Billing")
    s.say("Marisol sees a payment 'not applied' but cannot move it herself.",
          "ref: SR-4418207")
    s.promise("Billing will call me back within 3 business days")
    s.tick("Billing", "name and ID", "one breath", "payment", "reference")
    s.end("callback promised",
                  f"Billing sees an unapplied payment; says the {feb} premium is past due.",
                  "Wait for the Billing callback; meanwhile get the insurer on side.")

    # 2. The insurer first: verify the dates, get them to email the exchange.
    s = _Scene(store, case, _at(day(1), "10:30"), "neighborhood-health-plan")
    s.hold(6)
    s.rep("Renee", "N5512", department="Member Services")
    s.say("Said it's a Health Connector plan and the Connector has the wrong start date.",
          f"Renee verifies the enrollment on file: effective {eff}, active, no lapse.",
          f"She sees a claim paid for an office visit in {feb}, so coverage was in force.")
    s.claim("Coverage effective date", eff, "Renee #N5512")
    s.say("Asked for a supervisor who can contact the Connector.")
    s.hold(4)
    s.rep("Tom", "S1180", "supervisor", "Enrollment")
    s.say(f"Tom confirms {eff} from the Connector's original enrollment file.",
          "Direct extension for Tom: 4402.", "ref: NHP-CS-448120")
    kept.append((s.call.id, s.promise(
        f"Tom will email the Connector's billing department with the {eff} start date "
        "within 2 business days")))
    s.tick("name and ID", "Verify", "supervisor", "email", "on your side", "Repeat")
    s.end("escalated", f"Insurer confirms {eff}; supervisor Tom will email the Connector's "
          "Billing.", "Call the Connector again and ask for a supervisor.")

    # 3. The exchange again: a rep who will not give an ID, then the line drops.
    s = _Scene(store, case, _at(day(3), "09:00"), "ma-health-connector")
    s.hold(31)
    s.rep("Jasmine", role="agent", department="Customer Service", refused=True)
    s.say("Jasmine would not give an ID ('we don't give those out'). Noted the time: "
          "9:32.", "She sees no callback request from Billing on the account.",
          "Asked for a supervisor; she put me on hold.")
    s.tick("Billing", "name and ID", "supervisor")
    s.live.toggle_hold()
    s.wait(14)
    dropped = s.end("disconnected", "Dropped while on hold for a supervisor.",
                    "Call back and ask for a supervisor again.")

    # 4. Redial: supervisor, refuse the retro request and "the difference".
    s = _Scene(store, case, _at(day(3), "09:52"), "ma-health-connector",
               redial_of=dropped.id)
    s.say("Redialled after the drop; asked for a supervisor straight away.", gap=0.5)
    s.hold(22)
    s.rep("Paul", "HC4471", department="Customer Service")
    s.say("Paul read the notes from the dropped call. Asked again for a supervisor.")
    s.hold(38)
    s.rep("Denise", "SUP208", "supervisor", "Billing")
    s.say(f"Denise: their record starts {wrong}, so the {first_paid} payment sits "
          f"unapplied and the {feb} premium shows as owed.")
    s.claim("Coverage effective date", wrong, "Denise #SUP208 (supervisor)")
    s.say(f"She offers a 'retro request' to move the start to {eff}, and says I would "
          f"then pay 'the difference' of {premium}.")
    s.claim("Amount owed to lift the restriction",
            f"{premium} ('the difference', after a retro request)", "Denise #SUP208")
    s.say("Refused the retro request: I am not asking to be re-enrolled, I am disputing "
          "a billing error.",
          f"Refused to pay the difference: the {feb} premium was paid on {first_paid}.")
    s.read("Paid")
    s.say("Read out every payment: date, amount, bank confirmation number and account.",
          "Asked her to send everything to Billing for a review, with the payment list.")
    s.say("ref: BR-2291847")
    s.promise("Billing review decision within 10 business days")
    kept.append((s.call.id, s.promise(
        "Denise will note on the account today that I dispute the termination")))
    s.say("Asked her to re-read what she will send: 'Member disputes past-due status; "
          "all premiums paid on time; apply the unapplied payment; review start date.'")
    s.tick("supervisor", "payment", "retro", "difference", "review", "re-read", "Repeat")
    s.end("escalated", "Refused the retro request and the difference; billing review "
          "BR-2291847 opened by supervisor Denise.", "Fax the payment proof to Billing.")
    case.documents.append(DocumentSent(
        new_id("doc"), date=day(3).isoformat(),
        what="Payment history (every premium, with bank confirmation numbers) and bank "
        "statements", how="fax", to="Health Connector Billing, review BR-2291847",
        tracking="fax confirmation 0412, 6 pages"))

    # 5. The insurer: Tom confirms the email was sent.
    s = _Scene(store, case, _at(day(5), "14:10"), "neighborhood-health-plan")
    s.say("Called Tom's direct extension 4402.", gap=0.5)
    s.hold(3)
    s.rep("Tom", "S1180", "supervisor", "Enrollment")
    s.say("Tom emailed the Connector's billing department on "
          f"{_short(day(2))} with the enrollment file and the {eff} start date.",
          "He says the Connector's file changed the start to "
          f"{_short(wrong_start)} in a later update; the insurer never did.",
          "ref: NHP-EM-20931")
    s.claim("Who changed the start date", f"The Connector's enrollment file changed it to "
            f"{_short(wrong_start)}; the insurer kept {_short(effective)}", "Tom #S1180")
    s.tick("name and ID", "email", "Repeat")
    s.end("callback promised", "Insurer's supervisor emailed the Connector's Billing; "
          "waiting for their review.", "Ask the Connector about review BR-2291847.")
    case.notices.append(Notice(
        new_id("notice"), day(5).isoformat(), "Termination Warning Notice", "HC-N-0620-3307",
        "Says coverage will end for non-payment at the end of the month; reinstatement "
        "possible if you call within 35 days of this notice.",
        "Reinstatement window", 35))

    # 6. The exchange: no record of the callback; a supervisor after a long hold.
    s = _Scene(store, case, _at(day(7), "08:35"), "ma-health-connector")
    s.hold(19)
    s.rep("Alicia", "HC5120", department="Customer Service")
    s.say("Alicia sees Denise's dispute note, but no callback was ever logged from "
          "Billing.", "The Termination Warning Notice arrived; asked for a supervisor.")
    s.hold(52)
    s.rep("Greg", "SUP233", "supervisor", "Billing")
    s.say("Greg says review BR-2291847 is 'in the queue'.",
          f"He says the insurer reported a {_short(wrong_start)} start.")
    s.claim("Who changed the start date", f"The insurer reported a {_short(wrong_start)} "
            "start", "Greg #SUP233 (supervisor)")
    s.say("Asked him to note the account: member disputes the termination; "
          "reinstatement window running.", "ref: SR-4452160")
    s.promise("Greg will call me back tomorrow with the review status")
    s.tick("name and ID", "supervisor", "review", "reinstatement")
    s.end("no progress", "Review still queued; supervisor Greg blames the insurer's file.",
          "Send the dispute in writing by certified mail.")
    case.documents.append(DocumentSent(
        new_id("doc"), date=day(8).isoformat(),
        what="Dispute letter: billing error, not a retro request; copies of both notices "
        "and the payment history", how="USPS certified mail",
        to="Health Connector Customer Service", tracking="9407 1118 9876 5432 1012 34"))

    # 7. The exchange's urgent line: no reference number, "pay the difference".
    s = _Scene(store, case, _at(day(9), "13:15"), "ma-health-connector", number="844-558-3454")
    s.say("Tried the Urgent Care Services line (reported by another member; unverified).",
          gap=0.5)
    s.hold(9)
    s.rep("Sean", "HC6037", department="Urgent Care Services")
    s.say(f"Sean says to be reinstated I must pay {premium} now.")
    s.claim("Amount owed to lift the restriction", f"{premium} to reinstate", "Sean #HC6037")
    s.say("Refused again: the premium was paid; asked for a reference number for this "
          "call.", "He would not give a reference number ('the notes are on the account').")
    s.hold(12)
    s.say("Came back only to repeat it. Ended politely.")
    s.tick("name and ID", "difference", "reinstatement")
    s.end("no progress", "Urgent line insists on payment of the difference; refused; no "
          "reference given.", "Ask the insurer for a written verification of the dates.",
          reference_refused=True)

    # 8. The insurer: a written verification of the dates.
    s = _Scene(store, case, _at(day(10), "11:00"), "neighborhood-health-plan")
    s.hold(5)
    s.rep("Renee", "N5512", department="Member Services")
    s.say("Asked for Renee by name. Claims from this month are held because the "
          "Connector flagged the account.", f"She will email and mail a letter confirming "
          f"coverage from {eff} with no lapse.", "ref: NHP-CS-451877")
    kept.append((s.call.id, s.promise(
        "Renee will mail an enrollment verification letter within 5 business days")))
    s.tick("name and ID", "Verify", "writing", "Repeat")
    s.end("callback promised", "Insurer sending a letter verifying coverage from "
          f"{eff}.", "Give the letter to the Connector and, if needed, the Governor's office.")
    case.notices.append(Notice(
        new_id("notice"), day(11).isoformat(), "Enrollment verification letter (insurer)",
        "NHP-L-30418872", f"Coverage effective {eff}, active, no lapse; premiums are "
        "billed by the Health Connector."))

    # 9. The exchange: the review promise is about to pass; look up the escalation.
    s = _Scene(store, case, _at(day(12), "09:20"), "ma-health-connector")
    s.hold(26)
    s.rep("Marisol", "B3310", department="Billing")
    s.say("Marisol again. Review BR-2291847 still has no decision.",
          "Asked for the Ombudsman; she says it takes a written request by mail.")
    s.tick("name and ID", "Ombudsman")
    s.switch("ma-governor-constituent-services")
    s.say("Opened the Governor's office playbook: call, don't use the web form.")
    s.end("no progress", "No decision on the billing review; escalating to the Governor's "
          "office.", "Call the Governor's Office of Constituent Services.")

    # 10. The Governor's constituent services: a call, not the web form.
    s = _Scene(store, case, _at(day(13), "10:05"), "ma-governor-constituent-services")
    s.hold(2)
    s.rep("Maureen", department="Constituent Services")
    s.say("Maureen took the facts: every premium paid on time, insurer confirms "
          f"{eff}, Connector threatening termination.",
          "Offered the payment history, both notices and the insurer's letter; she gave "
          "an email address for them.", "ref: CS-118305")
    s.read("Member ID", "Billing account number")
    kept.append((s.call.id, s.promise(
        "Maureen will contact the Connector's executive office today")))
    s.say("She suggested calling the Connector tomorrow morning and asking for the "
          "executive escalations team.")
    s.tick()
    s.end("escalated", "Constituent Services opened case CS-118305 and will contact "
                "the Connector today.", "Call the Connector tomorrow morning.")
    case.documents.append(DocumentSent(
        new_id("doc"), date=day(13).isoformat(),
        what="Payment history, both Connector notices, the insurer's verification letter, "
        "the call log", how="email",
        to="Governor's Office of Constituent Services, case CS-118305"))

    # 11. The next day: the exchange fixes it.
    s = _Scene(store, case, _at(day(14), "09:30"), "ma-health-connector")
    s.hold(4)
    s.rep("Nadia", "ESC061", "supervisor", "Executive Office escalations")
    s.say("Nadia has the Governor's office case CS-118305 open.",
          f"Start date corrected to {eff}; the {first_paid} payment applied to {feb}; "
          "balance $0.00.",
          "Restriction lifted and the termination rescinded. No retro request, nothing to "
          "pay.")
    s.claim("Coverage effective date", eff, "Nadia #ESC061 (supervisor)")
    s.claim(f"Was the {feb} premium paid?", f"Yes: paid {first_paid}", "Nadia #ESC061")
    s.claim("Amount owed to lift the restriction", "$0.00", "Nadia #ESC061")
    s.say("Asked her to re-read the letter she will send: 'your account was corrected; "
          "coverage continuous; no balance due'.", "ref: ESC-77310")
    kept.append((s.call.id, s.promise(
        "Written confirmation of the correction by mail within 7 days")))
    s.tick("name and ID", "review", "re-read", "Repeat")
    s.end("resolved", "Fixed: start date corrected, payment applied, restriction lifted, "
          "termination rescinded.", "Ask the insurer to release the held claims.")

    # 12. The insurer: held claims released; both sides agree.
    s = _Scene(store, case, _at(day(15), "15:40"), "neighborhood-health-plan")
    s.hold(7)
    s.rep("Luis", "N6120", department="Claims")
    s.say("Luis sees the Connector's corrected file this morning: start "
          f"{_short(effective)}, no lapse.", "ref: NHP-CL-88214")
    s.claim("Coverage effective date", eff, "Luis #N6120")
    kept.append((s.call.id, s.promise(
        "The held claims will be released within 5 business days")))
    s.tick("name and ID", "Verify", "Repeat")
    s.end("resolved", "Insurer and Connector agree on the start date; held claims being "
          "released.", "Check that the next bill shows a zero balance, then close the case.")

    case.claims.insert(1, Claim(
        new_id("claim"), f"Was the {feb} premium paid?", "My bank (statement)",
        f"Yes: paid {first_paid}", first_payment.replace(day=20).isoformat(),
        "confirmation BP7731-5520"))
    case.notices.append(Notice(
        new_id("notice"), day(17).isoformat(), "Account correction letter", "HC-N-0705-4410",
        f"Coverage continuous from {eff}; payment of {first_paid} applied; no balance due."))
    # Still open: kept on the home screen until the next bill shows a zero balance.
    store.save_case(case)
    for call_id, index in kept:
        done = store.load_call(call_id)
        done.promises[index].done = True
        store.save_call(done, index=True)
    store.flush()
    return case


# -- synthetic histories -----------------------------------------------------------
_FIRST_NAMES = (
    "Dana", "Marcus", "Priya", "Leo", "Tanya", "Sam", "Ines", "Olu", "Grace", "Ken", "Rosa",
    "Andre", "Megan", "Victor", "Aisha", "Brian", "Carmen", "Derek", "Elena", "Frank", "Gina",
    "Hector", "Ivy", "Jamal", "Keisha", "Luis", "Maya", "Nate", "Oscar", "Paula", "Quinn",
    "Rita", "Steve", "Tara", "Uma", "Wes", "Yolanda", "Zach",
)

# (playbook id, organisation or None for the playbook's name, number, departments,
#  hold minutes (low, high))
_ORGS: dict[str, tuple[str, str | None, str, tuple[str, ...], tuple[int, int]]] = {
    "connector": ("ma-health-connector", None, "1-877-623-6765",
                  ("Customer Service", "Billing", "Eligibility", "Billing"), (8, 55)),
    "nhp": ("neighborhood-health-plan", None, "1-800-462-5449",
            ("Member Services", "Enrollment", "Claims"), (2, 18)),
    "governor": ("ma-governor-constituent-services", None, "617-725-4005",
                 ("Constituent Services",), (0, 4)),
    "doi": ("ma-division-of-insurance", None, "617-521-7794",
            ("Consumer Services",), (2, 14)),
    "opp": ("ma-office-of-patient-protection", None, "1-800-436-7757",
            ("External Review",), (1, 10)),
    "insurer-a": ("health-insurer", "Bay Path Health Plan", "1-800-555-0134",
                  ("Member Services", "Claims", "Appeals and Grievances", "Pharmacy"), (3, 25)),
    "insurer-b": ("health-insurer", "Harborview Health", "1-800-555-0178",
                  ("Member Services", "Claims", "Utilization Management"), (3, 25)),
    "hospital": ("medical-billing-dispute", "Riverside Medical Center billing office",
                 "617-555-0142", ("Patient Financial Services", "Billing"), (3, 20)),
    "physicians": ("medical-billing-dispute", "North Shore Physicians Group billing",
                   "978-555-0117", ("Billing", "Customer Service"), (2, 15)),
    "collector": ("medical-billing-dispute", "Granite Recovery Services (collector)",
                  "1-888-555-0161", ("Accounts",), (1, 8)),
    "cable": ("utility-billing-dispute", "Northeast Cable & Internet", "1-800-555-0199",
              ("Billing", "Retention", "Technical Support", "Escalations"), (5, 40)),
    "electric": ("utility-billing-dispute", "Harbor Electric", "1-800-555-0168",
                 ("Customer Care", "Billing", "Metering"), (4, 30)),
}


@dataclass(frozen=True)
class _Template:
    kind: str
    titles: tuple[str, ...]
    orgs: tuple[tuple[str, int], ...]
    """Org keys with weights; one insurer, hospital or company per case."""


_TEMPLATES = (
    _Template("coverage", ("Coverage restricted despite on-time payments",
                           "Termination notice sent in error", "Connector says a premium "
                           "is unpaid", "Wrong coverage start date on file"),
              (("connector", 6), ("nhp", 3), ("governor", 1))),
    _Template("denied", ("Denied claim for MRI", "Prior authorization denied for physical "
                         "therapy", "Out-of-network denial for ER visit",
                         "Prescription refill denied"),
              (("insurer", 6), ("doi", 1), ("opp", 1), ("hospital", 1))),
    _Template("bill", ("Surprise bill after ER visit", "Double-billed for anesthesia",
                       "Bill sent to collections while claim pending"),
              (("hospital", 4), ("insurer", 2), ("collector", 1), ("physicians", 1))),
    _Template("utility", ("Internet bill went up after promo ended",
                          "Charged for a returned cable box",
                          "Electric bill based on estimated readings"),
              (("utility", 1),)),
)

_NOTES: dict[str, tuple[str, ...]] = {
    "coverage": (
        "Rep says the account shows the {month} premium as unpaid.",
        "Read out the payment dates and bank confirmation numbers.",
        "They see a payment 'not applied' but cannot move it.",
        "Rep says the coverage start date on file is {wrong}; insurer says {right}.",
        "Asked for a supervisor; told the wait is about 20 minutes.",
        "Refused a retro request: this is a billing error, not a re-enrollment.",
        "Refused to pay 'the difference'; every premium was paid on time.",
        "Asked them to send everything to Billing for review.",
        "Asked them to re-read what they will send to Billing.",
        "Insurer verifies enrollment effective {right}, no lapse.",
        "Insurer agrees to email the exchange's billing department.",
        "Asked them to note the account: member disputes the termination.",
        "Second rep had no record of the earlier call.",
        "Reinstatement window: 35 days from the termination notice.",
        "Constituent Services took the case and will contact the Connector.",
    ),
    "denied": (
        "Claim {claim} denied as 'not medically necessary'.",
        "Rep says no prior authorization is on file; the office says it was faxed.",
        "Asked for the claim file and the exact policy language.",
        "Said the word 'grievance' and asked for it in writing.",
        "Appeal deadline is 180 days from the denial letter.",
        "Asked whether an expedited review applies; doctor will certify urgency.",
        "Transferred to Utilization Management, music on hold.",
        "Rep confirmed the appeal was received on {when}.",
        "Asked for the reviewer's credentials and the criteria used.",
        "External review needs the final denial letter; fee may be waived.",
        "Division of Insurance opened a complaint; will contact the insurer.",
        "Rep read back my address; it is correct.",
    ),
    "bill": (
        "Asked for an itemized bill with CPT codes.",
        "Billing says the insurer paid nothing; EOB says patient owes $0.",
        "Asked them to put the account on hold while the claim is reviewed.",
        "Collector agreed to pause collection for 30 days.",
        "Insurer says the claim was billed with the wrong member ID.",
        "Billing will resubmit the claim with the corrected ID.",
        "Asked for written confirmation that the balance is disputed.",
        "Anesthesia billed twice on the same date; they see it now.",
        "Asked about the No Surprises Act protections for the ER visit.",
        "Rep says a payment plan is possible; declined until the claim is fixed.",
    ),
    "utility": (
        "Promo price was $49.99 for 24 months; bill shows $89.99.",
        "Read out the order confirmation number and date.",
        "Retention offers $10 off; declined, asked for the promised price.",
        "Box was returned at the store on {when}; receipt number read out.",
        "Bill uses estimated readings for three months; asked for an actual read.",
        "Asked them to note the account: billing dispute, do not disconnect.",
        "Transferred to Escalations after the second request.",
        "Credit of the difference promised on the next bill.",
        "Asked for the credit in writing by email.",
    ),
}
_GENERAL_NOTES = (
    "Asked for the rep's first name and ID at the start.",
    "Call was transferred; gave my details again.",
    "Asked for a direct extension; got {ext}.",
    "Repeated back what was agreed and who does what.",
    "Asked for a reference number for this call.",
    "Rep says the system is slow today.",
    "Asked when I should expect to hear back.",
)
_PROMISES: dict[str, tuple[str, ...]] = {
    "coverage": ("Billing will call back within 3 business days",
                 "billing review decision within 10 business days",
                 "supervisor will call back tomorrow",
                 "insurer will email the exchange within 2 business days",
                 "written confirmation by mail within 7 days",
                 "Constituent Services will contact the Connector today"),
    "denied": ("appeal decision within 30 days", "grievance acknowledgement within 15 days",
               "claim will be reprocessed in 10 business days",
               "written copy of the grievance within 2 days",
               "Division of Insurance will contact the insurer within 2 weeks"),
    "bill": ("account on hold for 30 days", "corrected bill within 2 weeks",
             "claim resubmitted in 5 business days",
             "collector will confirm the pause in writing within 5 days"),
    "utility": ("credit on the next bill in 30 days", "supervisor will call back tomorrow",
                "email confirmation within 2 days", "meter read within 10 business days"),
}
_SUMMARIES = {
    "resolved": ("Fixed and confirmed; written confirmation on the way.",
                 "They corrected the account; nothing owed.",
                 "Credit applied; balance corrected."),
    "escalated": ("Supervisor took it and opened a review.",
                  "Escalated to a review team with a reference number.",
                  "Complaint opened with the regulator."),
    "callback promised": ("Waiting for their callback.",
                          "They will look into it and call back.",
                          "Ticket opened; callback promised."),
    "no progress": ("No progress: same answer as last time.",
                    "Rep could not see the earlier notes; nothing changed.",
                    "Told to wait for the review; nothing new."),
    "disconnected": ("Dropped during a transfer.", "Line went dead while on hold."),
}
_NEXT_STEPS = (
    "Call back after the promised date if nothing arrives.",
    "Send the payment proof in writing.",
    "Ask for a supervisor next time.",
    "Check the mail for the written confirmation.",
    "Escalate if the deadline gets close.",
    "",
)
_OUTCOMES = (("callback promised", 30), ("no progress", 24), ("escalated", 18),
             ("resolved", 10), ("disconnected", 8))


def _hex(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rng.getrandbits(48):012x}"


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([key for key, _ in pairs], weights=[w for _, w in pairs])[0]


def _org_for(key: str, rng: random.Random) -> str:
    """A concrete organisation key for a template slot (one insurer per case, etc.)."""
    if key == "insurer":
        return rng.choice(("insurer-a", "insurer-b", "nhp"))
    if key == "utility":
        return rng.choice(("cable", "electric"))
    return key


@dataclass
class _SynthCase:
    case: Case
    template: _Template
    orgs: tuple[tuple[str, int], ...]
    budget: int
    words: dict[str, str]


def _make_case(rng: random.Random, created: datetime,
               titles_used: set[str]) -> _SynthCase:
    template = rng.choices(_TEMPLATES, weights=(5, 3, 2, 2))[0]
    local = created.astimezone(_eastern()).date()
    base = f"{rng.choice(template.titles)} ({_MONTHS[local.month - 1]} {local.year})"
    title, extra = base, 2
    while title.casefold() in titles_used:
        title, extra = f"{base} #{extra}", extra + 1
    titles_used.add(title.casefold())
    orgs = tuple((_org_for(key, rng), weight) for key, weight in template.orgs)
    case = Case(id=_hex(rng, "case"), title=title, created_at=to_iso(created),
                home_state="MA")
    right = _add_months(local, -rng.randint(2, 5))
    wrong = _add_months(right, 1)
    words = {"month": _MONTHS[right.month - 1], "right": _long(right), "wrong": _long(wrong),
             "claim": f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}",
             "when": _short(local - timedelta(days=rng.randint(3, 20)))}
    ids: dict[str, str] = {}
    if template.kind == "coverage":
        ids = {"Member ID": f"{rng.randint(10**11, 10**12 - 1)}",
               "Billing account number": f"7{rng.randint(10**7, 10**8 - 1)}",
               "Application ID": f"{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}"}
        amount = f"${rng.choice((112, 238, 386, 412, 519))}.{rng.choice(('00', '50'))}"
        month = right
        for index in range(rng.randint(3, 6)):
            paid = _add_months(month, -1).replace(day=rng.choice((18, 19, 20, 22)))
            autopay = index >= 2
            case.payments.append(Payment(
                _hex(rng, "pay"), paid.isoformat(), amount, "autopay" if autopay else "manual",
                f"{'ACH' if autopay else 'BP'}{rng.randint(10**6, 10**7 - 1)}",
                "checking …4821" if autopay else "savings …0937"))
            month = _add_months(month, 1)
        case.claims = [
            Claim(_hex(rng, "claim"), "Coverage effective date", "Health Connector",
                  words["wrong"], local.isoformat()),
            Claim(_hex(rng, "claim"), "Coverage effective date", "Insurer", words["right"],
                  local.isoformat()),
        ]
        case.notices.append(Notice(_hex(rng, "notice"), local.isoformat(),
                                   "Termination Warning Notice",
                                   f"HC-N-{rng.randint(1000, 9999)}",
                                   "Coverage will end for non-payment.",
                                   "Reinstatement window", 35))
    elif template.kind == "denied":
        ids = {"Member ID": f"{rng.choice('ABHMW')}{rng.randint(10**7, 10**8 - 1)}",
               "Claim number": words["claim"], "Group number": f"G{rng.randint(1000, 9999)}"}
        case.claims = [
            Claim(_hex(rng, "claim"), "Is the service covered?", "Insurer",
                  "No: not medically necessary", local.isoformat()),
            Claim(_hex(rng, "claim"), "Is the service covered?", "Doctor's office",
                  "Yes: prior authorization was faxed", local.isoformat()),
        ]
        case.notices.append(Notice(_hex(rng, "notice"), local.isoformat(), "Denial letter",
                                   f"DN-{rng.randint(10000, 99999)}",
                                   "Claim denied; you may appeal.", "Internal appeal", 180))
    elif template.kind == "bill":
        ids = {"Patient account number": f"PA{rng.randint(10**6, 10**7 - 1)}",
               "Claim number": words["claim"]}
        owed = f"${rng.randint(300, 4800)}.00"
        case.claims = [
            Claim(_hex(rng, "claim"), "Amount I owe", "Billing office", owed,
                  local.isoformat()),
            Claim(_hex(rng, "claim"), "Amount I owe", "Insurer (EOB)",
                  "$0.00 patient responsibility", local.isoformat()),
        ]
        case.notices.append(Notice(_hex(rng, "notice"), local.isoformat(),
                                   "Final notice before collections", "",
                                   f"Balance {owed} due.", "Pay or dispute by", 30))
    else:
        ids = {"Account number": f"{rng.randint(10**9, 10**10 - 1)}",
               "Order number": f"ORD-{rng.randint(10**5, 10**6 - 1)}"}
        for _ in range(rng.randint(2, 4)):
            paid = local - timedelta(days=rng.randint(5, 120))
            case.payments.append(Payment(_hex(rng, "pay"), paid.isoformat(), "$89.99",
                                         rng.choice(("manual", "autopay")),
                                         f"CNF{rng.randint(10**5, 10**6 - 1)}",
                                         "card …1177"))
        case.claims = [
            Claim(_hex(rng, "claim"), "Monthly price", "Company", "$89.99",
                  local.isoformat()),
            Claim(_hex(rng, "claim"), "Monthly price", "Order confirmation",
                  "$49.99 for 24 months", local.isoformat()),
        ]
    case.identifiers = ids
    if rng.random() < 0.6:
        case.documents.append(DocumentSent(
            _hex(rng, "doc"),
            date=(local + timedelta(days=rng.randint(1, 10))).isoformat(),
            what=rng.choice(("Payment history and bank statements", "Dispute letter",
                             "Copy of the notice and my notes", "Appeal letter with records")),
            how=rng.choice(("certified mail", "fax", "email", "portal upload")),
            tracking=f"{rng.randint(10**5, 10**6 - 1)}"))
    return _SynthCase(case, template, orgs, 0, words)


def _synthetic_call(rng: random.Random, when: datetime, sc: _SynthCase, org_key: str,
                    outcome: str, redial_of: str = "") -> Call:
    """One finished call, made with ``LiveCall`` on a frozen clock at ``when``."""
    playbook_id, organisation, number, departments, (low, high) = _ORGS[org_key]
    info = _playbooks().get(playbook_id)
    pb_name = info.name if info else playbook_id
    clock = FrozenClock(when)
    live = LiveCall.start(clock, sc.case.id, organisation or pb_name, playbook_id=playbook_id,
                          playbook_name=pb_name, number=number)
    call = live.call
    call.id = _hex(rng, "call")
    call.redial_of = redial_of
    words = dict(sc.words, ext=str(rng.randint(1000, 9999)))
    notes = _NOTES[sc.template.kind]

    def fill(role: str = "agent") -> None:
        rep = live.current_rep
        rep.first_name = rng.choice(_FIRST_NAMES)
        rep.role = as_role(role)
        rep.department = rng.choice(departments)
        if rng.random() < 0.08:
            rep.id_refused = True
        elif org_key != "governor":
            rep.rep_id = f"{rng.choice(('', 'A', 'B', 'S'))}{rng.randint(1000, 9999)}"

    queue = [*notes, *rng.sample(_GENERAL_NOTES, 3)]

    def note() -> None:
        clock.advance(rng.uniform(30, 200))
        text = queue.pop(rng.randrange(len(queue))) if queue else rng.choice(notes)
        live.add_note(text.format(**words))

    if rng.random() < 0.75:  # the queue
        clock.advance(rng.uniform(15, 90))
        live.toggle_hold()
        clock.advance(rng.uniform(low, high) * 60)
        live.toggle_hold()
    fill()
    for _ in range(rng.randint(2, 5)):
        note()
    transfers = rng.choice((0, 0, 1, 1, 2))
    for index in range(transfers):
        live.toggle_hold()
        clock.advance(rng.uniform(1, max(2, high * 0.6)) * 60)
        live.toggle_hold()
        live.next_rep()
        fill("supervisor" if index == transfers - 1 and rng.random() < 0.45 else "agent")
        for _ in range(rng.randint(1, 4)):
            note()
    facts = sc.case.facts()
    if facts and rng.random() < 0.45:
        call.read_out = rng.sample(facts, k=min(len(facts), rng.randint(1, 3)))
    if info is not None and info.steps:
        upto = rng.randint(1, len(info.steps))
        call.checklist = {key: True for key in _step_keys(playbook_id)[:upto]
                          if rng.random() < 0.7}
    if rng.random() < 0.06:
        other = rng.choice([k for k, _ in sc.orgs]) if sc.orgs else org_key
        other_id = _ORGS[other][0]
        other_info = _playbooks().get(other_id)
        live.use_playbook(other_id, other_info.name if other_info else other_id)
    references: list[str] = []
    promises: list[str] = []
    if outcome == "disconnected":
        live.toggle_hold()
        clock.advance(rng.uniform(2, 20) * 60)
    else:
        if rng.random() < 0.7:
            references.append(f"{rng.choice(('SR', 'REF', 'TKT', 'CS'))}-"
                              f"{rng.randint(100000, 9999999)}")
        if (outcome != "resolved" and rng.random() < 0.75) or rng.random() < 0.2:
            promises.append(rng.choice(_PROMISES[sc.template.kind]))
        clock.advance(rng.uniform(20, 120))
    refused = None if references or outcome == "disconnected" else rng.random() < 0.3
    live.end(outcome, rng.choice(_SUMMARIES[outcome]), references, promises,
             rng.choice(_NEXT_STEPS) if outcome != "resolved" else "",
             reference_refused=refused)
    for promise in call.promises:
        promise.done = bool(promise.due) and rng.random() < 0.65
    return call


DEFAULT_UNTIL = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)
"""Synthetic histories end before this moment unless told otherwise (reproducible)."""


def _check_empty(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory} is a file, not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty; give a new or empty folder")


def generate(directory: Path, calls: int, seed: int = 7, *,
             until: datetime | None = None) -> None:
    """Write a realistic synthetic history of ``calls`` calls into an empty ``directory``.

    Cases about coverage, denied claims, medical bills and utility bills, each
    worked on by a handful of calls to the organisations that fit it
    (shipped playbooks), on business days in office hours; about one call in
    twelve drops and is redialled. The same ``seed`` (and ``until``) gives
    byte-identical files. The history ends on the business day before
    ``until`` (default :data:`DEFAULT_UNTIL`). Raises ``ValueError`` for a
    non-empty directory or ``calls`` < 1.
    """
    directory = Path(directory)
    if calls < 1:
        raise ValueError("the number of calls must be at least 1")
    _check_empty(directory)
    rng = random.Random(seed)
    # A fixed number of calls a day (a redial counts), so the history ends on
    # the business day before ``until`` at the latest; at most ~10 years back.
    per_day = max(min(6, max(2, math.ceil(calls / 500))), math.ceil(calls / 2600))
    day = (until or DEFAULT_UNTIL).astimezone(_eastern()).date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    for _ in range(math.ceil(calls / per_day)):  # back to the day before the first
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)

    case_count = max(1, min(400, round(calls / 25)))
    budgets = [1] * case_count
    for _ in range(calls - case_count):
        budgets[rng.randrange(case_count)] += 1
    pool_size = min(case_count, 3 + case_count // 40)

    titles_used: set[str] = set()
    cases: list[_SynthCase] = []
    pool: list[_SynthCase] = []
    made_calls: list[Call] = []
    outcomes = tuple(_OUTCOMES)

    def open_case(now: datetime) -> None:
        created = now - timedelta(hours=rng.uniform(2, 24 * 10))
        sc = _make_case(rng, created, titles_used)
        sc.budget = budgets[len(cases)]
        cases.append(sc)
        pool.append(sc)

    made = 0
    today_count = per_day
    moment = _at(day, "08:30")
    redial: tuple[_SynthCase, str, str] | None = None
    while made < calls:
        if redial is None:
            if today_count >= per_day:
                day = _business_day(day + timedelta(days=1), 0)
                start = _at(day, "08:30") + timedelta(minutes=rng.uniform(0, 60))
                moment = max(start, moment + timedelta(minutes=5))  # never overlap
                today_count = 0
            else:
                moment += timedelta(minutes=rng.uniform(5, 45))
        while len(pool) < pool_size and len(cases) < case_count:
            open_case(moment)
        if redial is not None and redial[0].budget > 0:
            sc, org_key, dropped = redial
            moment += timedelta(minutes=rng.uniform(1, 8))
        else:
            sc = rng.choice(pool)
            org_key = _weighted(rng, sc.orgs)
            dropped = ""
        redial = None
        sc.budget -= 1
        if sc.budget == 0:
            outcome = "resolved" if rng.random() < 0.7 else _weighted(rng, outcomes[:3])
        else:
            outcome = _weighted(rng, outcomes)
        call = _synthetic_call(rng, moment, sc, org_key, outcome, dropped)
        made_calls.append(call)
        made += 1
        today_count += 1
        moment = moment + timedelta(seconds=call.duration_seconds)
        if outcome == "disconnected":
            redial = (sc, org_key, call.id)
        if sc.budget == 0:
            sc.case.status = "resolved" if outcome == "resolved" else "open"
            pool.remove(sc)
            if redial is not None and redial[0] is sc:
                redial = None
        if not pool and len(cases) < case_count:
            open_case(moment)
    store = Store.open(directory)
    try:
        store.write_many([sc.case for sc in cases], made_calls)
    finally:
        store.close()


# -- the command -------------------------------------------------------------------
def _cli_error(message: str) -> Exception:
    return LaunchError(message)


def _story_start(now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=STORY_DAYS_AGO)


def write_demo(directory: Path, calls: int | None, seed: int = 7,
               now: datetime | None = None) -> tuple[int, int]:
    """Synthetic calls (if any) and the story into an empty ``directory``.

    Returns (calls, cases) now in it.
    """
    story_start = _story_start(now)
    if calls:
        generate(directory, calls, seed, until=story_start)
    else:
        _check_empty(directory)
    store = Store.open(directory)
    try:
        build_story(store, story_start)
        if not store.flush():
            raise OSError("could not write the demo data to disk")
        return len(store.call_summaries()), len(store.list_cases())
    finally:
        store.close()


def make_demo_app(service: Service) -> Any:
    """The app, titled and announced as the demo."""
    from tui.app import HoldTheLineApp

    class DemoApp(HoldTheLineApp):
        TITLE = DEMO_TITLE
        SUB_TITLE = DEMO_SUBTITLE

        def on_mount(self) -> None:
            # Textual also runs HoldTheLineApp.on_mount (handlers run per class).
            self.notify("This is the demo: a temporary copy of a worked example. "
                        "Look around freely; it is deleted when you quit (ctrl+q).",
                        title="Demo", timeout=10, markup=False)

    return DemoApp(service)


def run_demo(args: argparse.Namespace) -> int:
    """``holdtheline demo [--calls N] [--into DIR]``."""
    calls = getattr(args, "calls", None)
    into = getattr(args, "into", None)
    if calls is not None and calls < 1:
        raise _cli_error(f"--calls {calls}: give a number of calls of at least 1")
    if into is not None:
        target = Path(into).expanduser()
        try:
            _check_empty(target)
        except ValueError as error:
            raise _cli_error(f"--into {into}: {error}") from None
        try:
            total, cases = write_demo(target, calls)
        except ValueError as error:
            raise _cli_error(f"--into {into}: {error}") from None
        except OSError as error:
            raise _cli_error(f"cannot write to {into}: {error.strerror or error}") from None
        print(f"Wrote {total} call{'s' if total != 1 else ''} in {cases} "
              f"case{'s' if cases != 1 else ''} to {target}")
        return 0

    extra_dirs = getattr(args, "playbooks", [])
    playbook_sources(extra_dirs)  # a missing --playbooks folder is refused before any work
    require_terminal()
    temp = Path(tempfile.mkdtemp(prefix="holdtheline-demo-"))
    try:
        os.chmod(temp, 0o700)
        data = temp / "data"
        if calls:
            print(f"Generating {calls} synthetic calls for the demo…", file=sys.stderr)
        write_demo(data, calls)
        playbooks, problems = load_all_playbooks(extra_dirs)
        store = Store.open(data)
        try:
            make_demo_app(Service(store, playbooks, problems)).run()
        finally:
            store.close()
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0
