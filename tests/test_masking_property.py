"""Masking holds for any history: no identifier of 4 or more characters appears whole in
a masked export, in any format — values since corrected and removed items included — and
masking changes no count, total or grouping."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tui.domain.clock import FrozenClock
from tui.domain.corrections import remove_identifier, remove_item, revise, revise_case
from tui.domain.live import LiveCall
from tui.domain.model import Call, Case, Claim, DocumentSent, Notice, Payment, Revisable
from tui.domain.timefmt import to_iso
from tui.export import BINARY, FORMATS, render

EXPORTED_AT = "2026-11-30T17:00:00+00:00"
# Consonants without T and Z (ISO times) and digits: never found in the exports' own words.
LETTERS = "BCDFGHJKLMNPQRSVWX"
identifier = st.text(LETTERS + "0123456789", min_size=1, max_size=14).filter(
    lambda s: len(s) < 4 or (sum(c.isdigit() for c in s) >= 2 and any(c.isalpha() for c in s)))


def _short_id(n: int, prefix: str) -> str:
    return f"{prefix}-{n:012x}"


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Case], list[Call], list[str]]:
    ids = draw(st.lists(identifier, min_size=3, max_size=14, unique=True))
    # Pairs sharing their last 4 characters: masked, they look alike, yet must still count
    # as different reps and different references.
    twins = [f"{LETTERS[i]}{LETTERS[i + 1]}9{ids[0][-3:]}" for i in range(2)] if len(
        ids[0]) >= 3 else []
    ids = list(dict.fromkeys(ids + twins))
    for one in (i for i in ids if len(i) >= 4):
        for other in ids:
            assume(one == other or one not in other)
    pick = st.sampled_from(ids)
    clock = FrozenClock(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    cases: list[Case] = []
    calls: list[Call] = []
    for c in range(draw(st.integers(1, 2))):
        case = Case(id=_short_id(c + 1, "case"), title=f"Dispute number {c + 1}",
                    created_at=to_iso(clock.now()))
        case.identifiers = {f"Number {k}": draw(pick) for k in range(draw(st.integers(0, 3)))}
        case.payments = [Payment(id=f"p{k}", date="2026-10-20", amount="412.50",
                                 confirmation=draw(pick), account=draw(pick))
                         for k in range(draw(st.integers(0, 2)))]
        case.notices = [Notice(id="n1", date="2026-10-01", name="Notice", notice_id=draw(pick),
                               says=f"see {draw(pick)}", deadline_days=35)]
        case.documents = [DocumentSent(id="d1", what="Letter", how="fax", date="2026-10-02",
                                       tracking=draw(pick))]
        for k in range(draw(st.integers(1, 4))):
            live = LiveCall.start(clock, case.id, draw(st.sampled_from(["Connector",
                                                                        "Insurer"])))
            live.call.id = _short_id(100 * (c + 1) + k, "call")
            for r in range(draw(st.integers(1, 3))):
                if r:
                    live.next_rep()
                live.current_rep.first_name = draw(st.sampled_from(["Tanya", "Dana", "Lee"]))
                live.current_rep.rep_id = draw(pick)
            live.add_note(f"They quoted {draw(pick)} and {draw(pick)}.")
            live.add_reference(draw(pick))
            live.add_promise(f"call back about {draw(pick)} in 3 days")
            clock.advance(600)
            call = live.end(draw(st.sampled_from(["resolved", "no progress"])),
                            f"summary {draw(pick)}")
            calls.append(call)
            rep = call.reps[-1]
            case.claims.append(Claim(id=f"c{k}", question=f"Balance on {draw(pick)}",
                                     party=call.organisation,
                                     says=draw(st.sampled_from(["$0", "$412.50"])),
                                     date="2026-11-03", who=f"{rep.first_name} #{rep.rep_id}",
                                     call_id=call.id))
            clock.advance(86400)
        cases.append(case)
    _correct_some(draw, pick, cases, calls)
    used = [v for case in cases for v in (
        *case.identifiers.values(), *(p.confirmation for p in case.payments),
        *(p.account for p in case.payments), *(n.notice_id for n in case.notices),
        *(d.tracking for d in case.documents))]
    used += [v for call in calls for v in (*(r.number for r in call.references),
                                            *(rep.rep_id for rep in call.reps))]
    # The values corrections replaced, and removed items, must be masked too.
    used += [str(v) for case in cases for r in case.revisions for v in r.before.values()]
    used += [str(v) for item in _items(cases, calls) for r in item.revisions
             for n, v in r.before.items() if n in ("confirmation", "account", "notice_id",
                                                    "tracking", "number", "rep_id")]
    used += [v for case in cases for e in case.removed for v in (
        e.value, *((e.payment.confirmation, e.payment.account) if e.payment else ()))]
    used += [e.reference.number for call in calls for e in call.removed if e.reference]
    identifiers = sorted({v for v in used if len(v) >= 4})
    assume(identifiers)
    return cases, calls, identifiers


def _items(cases: list[Case], calls: list[Call]) -> list[Revisable]:
    items: list[Revisable] = []
    for case in cases:
        items += [*case.payments, *case.notices, *case.documents]
    for call in calls:
        items += [*call.references, *call.reps]
    return items


def _correct_some(draw: st.DrawFn, pick: st.SearchStrategy[str], cases: list[Case],
                  calls: list[Call]) -> None:
    """Correct identifiers and remove items: the old values stay in the records."""
    at = "2026-11-29T12:00:00+00:00"
    for case in cases:
        for key in list(case.identifiers)[:1]:
            revise_case(case, {f"identifier:{key}": draw(pick)}, at, f"was {draw(pick)}")
        if case.payments:
            revise(case.payments[0], {"confirmation": draw(pick)}, at, "bank typo")
            if draw(st.booleans()):
                case.removed.append(remove_item(case.payments, case.payments[-1].id,
                                                "payment", at))
        revise(case.notices[0], {"notice_id": draw(pick)}, at)
        revise(case.documents[0], {"tracking": draw(pick)}, at)
        if case.identifiers and draw(st.booleans()):
            case.removed.append(remove_identifier(case, next(iter(case.identifiers)), at))
    for call in calls:
        revise(call.references[0], {"number": draw(pick)}, at)
        revise(call.reps[0], {"rep_id": draw(pick)}, at)
        revise(call.notes[0], {"text": f"Corrected: {draw(pick)}"}, at)
        if draw(st.booleans()):
            call.removed.append(remove_item(call.references, call.references[0].id,
                                            "reference", at))


def _unfolded(text: str) -> str:
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def _counts(dossier: str) -> list[str]:
    """Every part of the dossier that states a number, a total or a grouping."""
    parts = re.findall(r"### (?:Totals|The dispute in brief)\n\n.*?\n\n", dossier, re.S)
    parts.append(str(dossier.count("**the accounts disagree**")))
    parts.append(str(dossier.count("the accounts agree")))
    parts.append(str(len(re.findall(r"^\| \d+ \|", dossier, re.M))))
    return parts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.filter_too_much])
@given(histories())
def test_no_identifier_survives_masking_and_no_count_changes(
        history: tuple[list[Case], list[Call], list[str]]) -> None:
    cases, calls, long_ids = history
    for fmt in (f for f in FORMATS if f not in BINARY):  # the PDF is the md dossier typeset
        masked = _unfolded(render(fmt, cases, calls, EXPORTED_AT, mask=True))
        leaked = [value for value in long_ids if value in masked]
        assert not leaked, f"{fmt}: {leaked}"
    plain = render("md", cases, calls, EXPORTED_AT)
    masked = render("md", cases, calls, EXPORTED_AT, mask=True)
    assert _counts(masked) == _counts(plain)
    assert any(value in plain for value in long_ids)  # the check above can fail
