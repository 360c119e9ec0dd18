"""Letters from the case: the values a letter template is filled with, and the letter.

``letter_fields`` turns a case, its calls and the caller's profile into exactly the
fields of ``tui.playbooks.letters.FIELDS`` (plain text, yes/no values and lists),
reusing the dossier's rules (``CaseFacts``: totals and claim groups; promise status;
deadlines; reps). Every piece of user text is made visible (control characters
shown as ``\\x1b``) and inserted as it is: never evaluated as a template.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tui.domain.deadlines import case_deadlines, parse_date
from tui.domain.followups import is_broken, promise_status
from tui.domain.model import Call, Case, Profile, Promise, Rep
from tui.domain.money import shown, total
from tui.domain.reps import directory, rep_at
from tui.domain.text import join_words, visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.export.common import STATUS_WORDS, CaseFacts, case_facts, case_started
from tui.playbooks.letters import LetterTemplate
from tui.playbooks.model import Playbook

PLACEHOLDER_NAME = "[your name]"


def long_date(value: date | str | None) -> str:
    """``November 6, 2026`` (a stored ``YYYY-MM-DD`` or a date); ``""`` when none."""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, date) else parse_date(value)
    if day is None:
        return visible(str(value))
    return f"{day.strftime('%B')} {day.day}, {day.year}"


def _local_day(iso: str | None) -> str:
    return long_date(format_local(iso, "YYYY-MM-DD")) if iso else ""


def _t(text: str) -> str:
    """User text on one line, control characters visible."""
    return " ".join(visible(text).split())


def _rep(rep: Rep, organisation: str, dates: str) -> dict[str, Any]:
    name = _t(rep.first_name) or "(name not noted)"
    return {
        "name": name,
        "id": _t(rep.rep_id),
        "label": _t(rep_label(rep)),
        "refused_id": rep.id_refused,
        "role": rep.role,
        "department": _t(rep.department),
        "organisation": _t(organisation),
        "dates": dates,
    }


def rep_label(rep: Rep) -> str:
    """``Dana (ID 4471)``, ``Lee (refused to give an ID)``, ``Sam (ID not noted)``."""
    name = rep.first_name.strip() or "(name not noted)"
    if rep.id_refused:
        return f"{name} (refused to give an ID)"
    if rep.rep_id.strip():
        return f"{name} (ID {rep.rep_id.strip()})"
    return f"{name} (ID not noted)"


def _promise(promise: Promise, call: Call, today: date) -> dict[str, Any]:
    status = promise_status(promise, today)
    rep = rep_at(call, promise.elapsed)
    return {
        "text": _t(promise.text),
        "due": long_date(promise.due),
        "status": STATUS_WORDS[status],
        "broken": is_broken(status),
        "organisation": _t(call.organisation),
        "date": _local_day(call.started_at),
        "rep": _t(rep_label(rep)) if rep is not None and rep.noted else "",
    }


def _claim(claim: Any) -> dict[str, str]:
    return {"question": _t(claim.question), "party": _t(claim.party), "says": _t(claim.says),
            "date": long_date(claim.date), "who": _t(claim.who)}


def _call(number: int, call: Call, today: date, claims: list[Any]) -> dict[str, Any]:
    day = _local_day(call.started_at)
    reps = [rep for rep in call.reps if rep.noted]
    references = [_t(ref.number) for ref in call.references]
    return {
        "number": str(number),
        "date": day,
        "time": format_local(call.started_at, "h:mm A"),
        "organisation": _t(call.organisation),
        "phone": _t(call.number_dialled),
        "incoming": call.incoming,
        "duration": format_duration(call.duration_seconds),
        "hold": format_duration(call.hold_seconds()),
        "talk": format_duration(call.talk_seconds()),
        "reps": [_rep(rep, call.organisation, day) for rep in reps],
        "reps_text": join_words([_t(rep_label(rep)) for rep in reps]) or "(no name noted)",
        "references": references,
        "references_text": ", ".join(references),
        "reference_refused": bool(call.reference_refused),
        "promises": [_promise(p, call, today) for p in call.promises],
        "notes": [{"time": format_elapsed(note.elapsed),
                   "at": format_local(note.at, "h:mm A"), "text": _t(note.text)}
                  for note in call.notes],
        "said": [_claim(claim) for claim in claims if claim.call_id == call.id],
        "summary": _t(call.summary),
        "outcome": call.outcome or ("in progress" if call.is_live else "not recorded"),
        "next_step": _t(call.next_step),
    }


NO_CALL: dict[str, Any] = {
    "number": "", "date": "", "time": "", "organisation": "", "phone": "",
    "incoming": False, "duration": "", "hold": "", "talk": "", "reps": [],
    "reps_text": "", "references": [], "references_text": "", "reference_refused": False,
    "promises": [], "notes": [], "said": [], "summary": "", "outcome": "", "next_step": "",
}


def _me(profile: Profile) -> dict[str, Any]:
    lines = [_t(part) for part in profile.address.replace(",", "\n").splitlines()
             if part.strip()]
    contact = " · ".join(_t(part) for part in (profile.phone, profile.email) if part.strip())
    return {
        "name": _t(profile.name) or PLACEHOLDER_NAME,
        "phone": _t(profile.phone),
        "email": _t(profile.email),
        "address": _t(profile.address),
        "address_lines": lines,
        "date_of_birth": long_date(profile.date_of_birth) if profile.date_of_birth else "",
        "contact": contact,
    }


def letter_fields(case: Case, calls: list[Call], profile: Profile, today: date, *,
                  call: Call | None = None, playbook: Playbook | None = None,
                  facts: CaseFacts | None = None) -> dict[str, Any]:
    """Every field of ``FIELDS`` for ``case``; ``call`` is the call the letter is about
    (None: none), ``playbook`` the organisation it goes to (None: the call's)."""
    calls = sorted(calls, key=lambda c: c.started_at)
    facts = facts or case_facts([case], calls, today)[case.id]
    me = _me(profile)
    all_calls = [_call(n, c, today, case.claims) for n, c in enumerate(calls, start=1)]
    promises = [_promise(p, c, today) for c in calls for p in c.promises]
    reps = directory(calls, [], today)
    rep_rows = []
    for record in sorted(reps, key=lambda r: r.first_seen):
        rep = Rep(first_name=" / ".join(record.names), rep_id=" / ".join(record.ids),
                  id_refused=record.refused_id and not record.ids,
                  role=record.roles[0] if record.roles else "agent",  # type: ignore[arg-type]
                  department=", ".join(record.departments))
        seen = [c for c in calls if c.id in record.calls]
        dates = join_words(list(dict.fromkeys(_local_day(c.started_at) for c in seen)))
        rep_rows.append(_rep(rep, record.organisation, dates))
    conflicts = []
    for group in facts.claim_groups:
        if not group.disagree:
            continue
        latest = group.latest_by_party()
        text = "; ".join(f"{_t(party)} says “{_t(claim.says)}” ({long_date(claim.date)})"
                         for party, claim in latest.items())
        conflicts.append({"question": _t(group.question),
                          "claims": [_claim(c) for c in sorted(group.claims,
                                                               key=lambda c: c.date)],
                          "text": text})
    payments = sorted(case.payments, key=lambda p: p.date)
    started = case_started(case, calls)
    chosen = None
    if call is not None:
        number = next(n for n, c in enumerate(calls, start=1) if c.id == call.id)
        chosen = {**_call(number, call, today, case.claims), "exists": True}
    org_name = playbook.name if playbook else (call.organisation if call else "")
    return {
        "today": long_date(today),
        "me": me,
        "org": {
            "name": _t(org_name),
            "playbook": playbook.id if playbook else "",
            "kind": playbook.kind if playbook else "",
            "phone": _t(playbook.main_number) if playbook else "",
        },
        "case": {
            "title": _t(case.title),
            "about": _t(case.member) or me["name"],
            "member": _t(case.member),
            "status": case.status,
            "started": long_date(started),
            "identifiers": [{"name": _t(k), "value": _t(v)}
                            for k, v in case.identifiers.items()],
            "identifiers_text": "; ".join(f"{_t(k)}: {_t(v)}"
                                          for k, v in case.identifiers.items()),
            "payments": [{"date": long_date(p.date), "amount": shown(p.amount),
                          "method": p.method, "confirmation": _t(p.confirmation),
                          "account": _t(p.account), "note": _t(p.note),
                          "label": _t(p.label())} for p in payments],
            "paid_total": shown(total(p.amount for p in payments)),
            "payment_count": str(len(payments)),
            "notices": [{"date": long_date(n.date), "name": _t(n.name),
                         "notice_id": _t(n.notice_id), "says": _t(n.says)}
                        for n in sorted(case.notices, key=lambda n: n.date)],
            "deadlines": [{"name": _t(d.name), "due": long_date(d.due),
                           "start": long_date(d.start), "notice": _t(d.notice),
                           "days_left": str(d.days_left), "passed": d.status == "passed",
                           "text": _t(d.describe())}
                          for d in case_deadlines(case, today)],
            "claims": [_claim(c) for c in sorted(case.claims, key=lambda c: c.date)],
            "conflicts": conflicts,
            "promises": promises,
            "broken_promises": [p for p in promises if p["broken"]],
            "references": [{"number": _t(ref.number), "date": _local_day(c.started_at),
                            "organisation": _t(c.organisation)}
                           for c in calls for ref in c.references],
            "reps": rep_rows,
            "calls": all_calls,
            "call_count": str(len(calls)),
            "hold_total": format_duration(facts.stats.hold_seconds),
            "documents": [{"date": long_date(d.date), "what": _t(d.what), "how": _t(d.how),
                           "to": _t(d.to), "tracking": _t(d.tracking)}
                          for d in sorted(case.documents, key=lambda d: d.date)],
        },
        "call": chosen or {**NO_CALL, "exists": False},
    }


def compose_letter(template: LetterTemplate, values: dict[str, Any]) -> str:
    """The whole letter: sender, date, recipient, subject, body and signature.
    ``LetterError`` when a template cannot be filled."""
    to, subject, body = template.render(values)
    me = values["me"]
    head = [me["name"], *me["address_lines"]]
    if me["contact"]:
        head.append(me["contact"])
    lines = [*head, "", values["today"], ""]
    if to.strip():
        lines += [to.strip(), ""]
    if subject.strip():
        lines += [f"Re: {' '.join(subject.split())}", ""]
    lines += [body.strip(), "", "Sincerely,", "", "", me["name"]]
    return "\n".join(lines) + "\n"
