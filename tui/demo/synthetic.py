"""Synthetic histories: many realistic cases and calls, made with the domain's own
``LiveCall`` on a ``FrozenClock`` and written by the store's bulk path
(``Store.write_many``). ``bench/datagen.py`` builds its data with this too."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.demo.days import MONTHS, add_months, at, business_day, local_day, long, short
from tui.demo.shipped import shipped_playbooks, step_keys
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Call, Case, Claim, DocumentSent, Notice, Payment, as_role
from tui.domain.timefmt import to_iso
from tui.store import Store

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

NOTES: dict[str, tuple[str, ...]] = {
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
    local = local_day(created)
    base = f"{rng.choice(template.titles)} ({MONTHS[local.month - 1]} {local.year})"
    title, extra = base, 2
    while title.casefold() in titles_used:
        title, extra = f"{base} #{extra}", extra + 1
    titles_used.add(title.casefold())
    orgs = tuple((_org_for(key, rng), weight) for key, weight in template.orgs)
    case = Case(id=_hex(rng, "case"), title=title, created_at=to_iso(created),
                home_state="MA")
    right = add_months(local, -rng.randint(2, 5))
    wrong = add_months(right, 1)
    words = {"month": MONTHS[right.month - 1], "right": long(right), "wrong": long(wrong),
             "claim": f"{rng.randint(1000, 9999)}-{rng.randint(10, 99)}",
             "when": short(local - timedelta(days=rng.randint(3, 20)))}
    ids: dict[str, str] = {}
    if template.kind == "coverage":
        ids = {"Member ID": f"{rng.randint(10**11, 10**12 - 1)}",
               "Billing account number": f"7{rng.randint(10**7, 10**8 - 1)}",
               "Application ID": f"{rng.randint(1000, 9999)}-{rng.randint(10000, 99999)}"}
        amount = f"{rng.choice((112, 238, 386, 412, 519))}.{rng.choice(('00', '50'))}"
        month = right
        for index in range(rng.randint(3, 6)):
            paid = add_months(month, -1).replace(day=rng.choice((18, 19, 20, 22)))
            autopay = index >= 2
            case.payments.append(Payment(
                _hex(rng, "pay"), paid.isoformat(), amount, "autopay" if autopay else "manual",
                f"{'ACH' if autopay else 'BP'}{rng.randint(10**6, 10**7 - 1)}",
                "checking …4821" if autopay else "savings …0937"))
            month = add_months(month, 1)
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
            case.payments.append(Payment(_hex(rng, "pay"), paid.isoformat(), "89.99",
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
    info = shipped_playbooks().get(playbook_id)
    pb_name = info.name if info else playbook_id
    clock = FrozenClock(when)
    live = LiveCall.start(clock, sc.case.id, organisation or pb_name, playbook_id=playbook_id,
                          playbook_name=pb_name, number=number)
    call = live.call
    call.id = _hex(rng, "call")
    call.redial_of = redial_of
    words = dict(sc.words, ext=str(rng.randint(1000, 9999)))
    notes = NOTES[sc.template.kind]

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
        call.checklist = {key: True for key in step_keys(info)[:upto]
                          if rng.random() < 0.7}
    if rng.random() < 0.06:
        other = rng.choice([k for k, _ in sc.orgs]) if sc.orgs else org_key
        other_id = _ORGS[other][0]
        other_info = shipped_playbooks().get(other_id)
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


def check_empty(directory: Path) -> None:
    """``ValueError`` unless ``directory`` is missing or an empty folder."""
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory} is a file, not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty; give a new or empty folder")


def generate(directory: Path, calls: int, seed: int = 7, *,
             until: datetime | None = None) -> tuple[int, int]:
    """Write :func:`history` into an empty ``directory``; returns (calls, cases) written.

    The same ``seed`` (and ``until``) gives byte-identical files. Raises
    ``ValueError`` for a non-empty directory or ``calls`` < 1.
    """
    directory = Path(directory)
    check_empty(directory)
    cases, made = history(calls, seed, until=until)
    with Store.open(directory) as store:
        store.write_many(cases, made)
    return len(made), len(cases)


def history(calls: int, seed: int = 7, *,
            until: datetime | None = None) -> tuple[list[Case], list[Call]]:
    """A realistic synthetic history of ``calls`` calls: its cases and its calls, in memory.

    Cases about coverage, denied claims, medical bills and utility bills, each
    worked on by a handful of calls to the organisations that fit it
    (shipped playbooks), on business days in office hours; about one call in
    twelve drops and is redialled. The history ends on the business day before
    ``until`` (default :data:`DEFAULT_UNTIL`). ``ValueError`` for ``calls`` < 1.
    """
    if calls < 1:
        raise ValueError("the number of calls must be at least 1")
    rng = random.Random(seed)
    # A fixed number of calls a day (a redial counts), so the history ends on
    # the business day before ``until`` at the latest; at most ~10 years back.
    per_day = max(min(6, max(2, math.ceil(calls / 500))), math.ceil(calls / 2600))
    day = local_day(until or DEFAULT_UNTIL) - timedelta(days=1)
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
    moment = at(day, "08:30")
    redial: tuple[_SynthCase, str, str] | None = None
    while made < calls:
        if redial is None:
            if today_count >= per_day:
                day = business_day(day + timedelta(days=1), 0)
                start = at(day, "08:30") + timedelta(minutes=rng.uniform(0, 60))
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
    return [sc.case for sc in cases], made_calls
