"""The Markdown dossier: everything an escalation office needs, case by case.

Per case: the dispute in two sentences (generated from the records), the
identifiers, the payment ledger, notices and deadlines, who says what, the
documents sent, every call at a glance and then in full (reps with their IDs,
notes with time stamps, reference numbers, promises and whether they were
kept), items removed after the fact, and the totals. A corrected value is shown as it
is now, with when it was corrected and what it was. User text is kept literal: Markdown specials are
escaped, control characters are made visible, nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from tui.domain.claims import ClaimGroup, claim_groups, masked_groups
from tui.domain.corrections import IDENTIFIER
from tui.domain.deadlines import CHECK_NOTICE, case_deadlines
from tui.domain.followups import done_on, promise_status
from tui.domain.holds import describe_correction
from tui.domain.items import (
    field_label,
    removed_label,
    short_date,
    value_text,
    was_text,
)
from tui.domain.model import Call, Case, Claim, Profile, Removed, Rep, Revisable
from tui.domain.money import shown, total
from tui.domain.stats import Stats, Tally, call_figures
from tui.domain.text import join_words, plural, visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.domain.timeline import gap_text, not_recorded_text
from tui.export.common import STATUS_WORDS, call_days, case_started, reps_short
from tui.export.source import CallList, CallSource
from tui.export.spool import Spool

if TYPE_CHECKING:
    from tui.export.mask import Masker

_SPECIALS = set("\\`*_[]<>|~")
_BACKSLASHED = str.maketrans({char: "\\" + char for char in _SPECIALS})
"""Each Markdown special with a backslash before it."""
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_SPECIALS))) + "]")
"""Is there one? (Searching is five times faster than translating text without any.)"""
_LINE_START = re.compile(r"^(\s*)([#>+=-])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""Where ``str.splitlines`` splits."""
WHEN = "YYYY-MM-DD HH:mm ZZ"


def _escape(text: str, *, starts_block: bool = False) -> str:
    """User text, literal in Markdown: specials escaped, one line, controls visible.

    ``starts_block``: the text begins a list item, where a leading ``#``, ``-``,
    ``>`` or ``1.`` would start a heading, list or quote; those are escaped too.
    """
    shown = visible(text, keep_newlines=True)
    escaped = shown.translate(_BACKSLASHED) if _SPECIAL.search(shown) else shown
    if "&" in escaped:
        escaped = _ENTITY.sub(r"\\&", escaped)
    if _LINE_BREAK.search(escaped):
        escaped = " ".join(part.strip() for part in escaped.splitlines())
    else:
        escaped = escaped.strip()
    if starts_block:  # (the patterns only match what starts so: most text is not tried)
        lead = escaped.lstrip()[:1]
        if lead and lead in "#>+=-":
            escaped = _LINE_START.sub(r"\1\\\2", escaped)
        elif lead.isdecimal():
            escaped = _NUMBERED.sub(r"\1\\\2", escaped)
    return escaped


def _cell(text: str) -> str:
    """A table cell: escaped, never empty."""
    return _escape(text) if text.strip() else "—"


def _item(text: str) -> str:
    """The start of a list item: escaped, never empty."""
    return _escape(text, starts_block=True) if text.strip() else "—"


def _heading(text: str) -> str:
    """Text in a heading: escaped, ``#`` too (a trailing one would be dropped)."""
    return _escape(text).replace("#", "\\#") if text.strip() else "(untitled)"


def _table_head(header: list[str]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]


def _table_row(row: list[str]) -> str:
    return "| " + " | ".join(row) + " |"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return _table_head(header) + [_table_row(row) for row in rows] + [""]


def _was(item: Revisable, name: str) -> str:
    """`` (corrected 2026-11-27; was: BK-77311)`` for a corrected field, escaped; else ``""``."""
    original = item.original_values()
    if name not in original:
        return ""
    return f" ({_escape(was_text(item.revisions, name, original[name]))})"


def _corrected(item: Revisable, fields: tuple[str, ...], skip: tuple[str, ...] = ()) -> str:
    """`` (corrected 2026-11-27; rep ID was: 4471, role was: agent)`` for the item's
    corrected ``fields`` (all but ``skip`` when empty), escaped; else ``""``."""
    original = item.original_values()
    names = [n for n in original if (n in fields if fields else n not in skip)]
    if not names:
        return ""
    dates = ", ".join(dict.fromkeys(short_date(r.at) for r in item.revisions
                                    if set(names) & set(r.before)))
    was = ", ".join(f"{field_label(n)} was: {value_text(n, original[n])}" for n in names)
    return f" ({_escape(f'corrected {dates}; {was}')})"


def _cells(item: Revisable, names: tuple[str, ...], texts: list[str]) -> list[str]:
    """Table cells for ``names``, each with its correction; corrections of fields not
    shown go in the last cell."""
    cells = [_cell(text) + _was(item, name) for name, text in zip(names, texts, strict=True)]
    cells[-1] += _corrected(item, (), skip=names)
    return cells


def _rep_line(rep: Rep) -> str:
    """``Dana — ID 4471, agent, Billing`` (escaped)."""
    name = _item(rep.first_name.strip()) if rep.first_name.strip() else "name not noted"
    if rep.id_refused:
        ident = "**refused to give ID**"
    elif rep.rep_id.strip():
        ident = f"ID {_escape(rep.rep_id.strip())}"
    else:
        ident = "ID not noted"
    parts = [ident, _escape(rep.role)] + ([_escape(rep.department)] if rep.department else [])
    return f"{name} — {', '.join(part for part in parts if part)}{_corrected(rep, ())}"


def _dispute(case: Case, started: date | None, first_organisation: str, total: Stats) -> str:
    """The dispute in two sentences: ``started`` is the earliest date on record,
    ``first_organisation`` the organisation of the case's first call."""
    state = "is resolved" if case.status == "resolved" else f"is {_escape(case.status)}"
    when = f"; it began on {started.isoformat()}" if started else ""
    if total.calls:
        orgs = [
            f"{count} to {_escape(org)}" for org, count in total.by_organisation.most_common()
        ]
        calls_part = f", and {plural(total.calls, 'call')} have been made about it: " + (
            join_words(orgs)
        )
        if total.calls == 1:
            calls_part = f", and 1 call has been made about it, to {_escape(first_organisation)}"
    else:
        calls_part = ", and no call about it has been recorded yet"
    first = f"The dispute “{_escape(case.title)}” {state}{when}{calls_part}."
    broken = total.broken
    broken_part = (
        "no promise made on these calls has been broken"
        if not broken
        else f"{plural(broken, 'promise')} made on these calls "
        + ("has" if broken == 1 else "have")
        + " been broken (not done by the date given)"
    )
    disputes = total.disputed_questions
    dispute_part = (
        "no conflicting accounts are recorded"
        if not disputes
        else f"the parties’ accounts conflict on {plural(disputes, 'question')}"
    )
    hold = (
        f"Altogether {format_duration(total.hold_seconds)} has been spent on hold"
        if total.hold_seconds >= 1 else "No time has been spent on hold"
    )
    second = f"{hold}; {broken_part}, and {dispute_part}."
    return f"{first} {second}"


def _identifiers(case: Case) -> list[str]:
    lines = ["### Identifiers", ""]
    if not case.identifiers:
        return lines + ["None recorded.", ""]
    for key, value in case.identifiers.items():
        lines.append(f"- {_item(key)}: {_cell(value)}{_identifier_was(case, key)}")
    return lines + [""]


def _identifier_was(case: Case, key: str) -> str:
    """`` (corrected 2026-11-27; was: 1004…)`` for a corrected identifier (a renamed one
    says its old name), escaped; else ``""``."""
    name = IDENTIFIER + key
    touching = [r for r in case.revisions if name in r.before]
    if not touching:
        return ""
    dates = ", ".join(dict.fromkeys(short_date(r.at) for r in touching))
    original = case.original_values().get(name)
    if original is None:
        first = touching[0]
        renamed = [n for n, v in first.before.items()
                   if n.startswith(IDENTIFIER) and n != name and isinstance(v, str)]
        was = (f"{field_label(renamed[0])}: {first.before[renamed[0]]}" if renamed
               else "(not there)")
    else:
        was = str(original)
    return f" ({_escape(f'corrected {dates}; was: {was}')})"


def _case_corrections(case: Case) -> list[str]:
    """``Corrected on 2026-11-27: title (was: “Coverage”).`` for the case's own values."""
    names = ("title", "home_state", "member")
    original = case.original_values()
    found = [n for n in names if n in original]
    if not found:
        return []
    dates = ", ".join(dict.fromkeys(short_date(r.at) for r in case.revisions
                                    if set(found) & set(r.before)))
    was = "; ".join(f"{field_label(n)} (was: “{_escape(value_text(n, original[n]))}”)"
                    for n in found)
    return [f"Corrected {dates}: {was}.", ""]


def _removed_from_call(call: Call) -> list[tuple[Removed, str]]:
    """The call's removed items, each with the call's time (for ``_removed``)."""
    return [(entry, format_local(call.started_at)) for entry in call.removed
            if not entry.restored]


def _removed(case: Case, from_calls: list[tuple[Removed, str]]) -> list[str]:
    """Items removed from the case or its calls (``from_calls``: ``_removed_from_call`` of
    each call, oldest first), kept, counted in no total."""
    entries = [(entry, "") for entry in case.removed if not entry.restored]
    entries += from_calls
    if not entries:
        return []
    lines = ["### Removed entries", "",
             "Removed after they were recorded, kept here as they were; they count in no "
             "total.", ""]
    for entry, call in sorted(entries, key=lambda pair: pair[0].at):
        where = f" (call of {call})" if call else ""
        why = f" — why: {_escape(entry.reason)}" if entry.reason.strip() else ""
        lines.append(f"- Removed {short_date(entry.at)}: {_escape(removed_label(entry))}"
                     f"{where}{why}")
    return lines + [""]


def _payments(case: Case) -> list[str]:
    lines = ["### Payment ledger", ""]
    if not case.payments:
        return lines + ["No payments recorded.", ""]
    payments = sorted(case.payments, key=lambda p: p.date)
    with_notes = any(p.note.strip() for p in payments)
    header = ["Date", "Amount", "Method", "Confirmation", "Account"] + (
        ["Note"] if with_notes else []
    )
    rows = []
    for p in payments:
        names = ("date", "amount", "method", "confirmation", "account") + (
            ("note",) if with_notes else ())
        texts = [p.date, shown(p.amount), p.method, p.confirmation, p.account] + (
            [p.note] if with_notes else [])
        rows.append(_cells(p, names, texts))
    paid = total(p.amount for p in payments)
    return lines + _table(header, rows) + [
        f"Total paid: {shown(paid)} in {plural(len(payments), 'payment')}.", ""]


def _notices(case: Case, today: date) -> list[str]:
    lines = ["### Notices and deadlines", ""]
    if not case.notices:
        return lines + ["No notices recorded.", ""]
    rows = [
        _cells(n, ("date", "name", "notice_id", "says"), [n.date, n.name, n.notice_id, n.says])
        for n in sorted(case.notices, key=lambda n: n.date)
    ]
    lines += _table(["Date", "Notice", "Notice ID", "What it says"], rows)
    deadlines = case_deadlines(case, today)
    if deadlines:
        lines += [f"Deadlines, as of {today.isoformat()}:", ""]
        for view in deadlines:
            status = " **PASSED**" if view.status == "passed" else ""
            lines.append(
                f"- {_item(view.describe())}{status} — counted from {_escape(view.notice)} "
                f"dated {view.start.isoformat()}"
            )
        lines += ["", _escape(CHECK_NOTICE), ""]
    return lines


def _claims(groups: list[ClaimGroup], calls: CallSource) -> list[str]:
    lines = ["### Who says what", ""]
    if not groups:
        return lines + ["No claims recorded.", ""]
    for group in groups:
        verdict = "**the accounts disagree**" if group.disagree else "the accounts agree"
        lines += [f"**{_escape(group.question)}** — {verdict}", ""]
        for claim in sorted(group.claims, key=lambda c: c.date):
            who = f" ({_escape(claim.who)})" if claim.who.strip() else ""
            call = calls.get(claim.call_id) if claim.call_id else None
            on_call = f", on the call of {format_local(call.started_at)}" if call else ""
            lines.append(
                f"- {_cell(claim.date)}, {_escape(claim.party)}{who}{on_call}: "
                f"“{_escape(claim.says)}”{_corrected(claim, ())}"
            )
        lines.append("")
    return lines


def _documents(case: Case) -> list[str]:
    lines = ["### Documents sent", ""]
    if not case.documents:
        return lines + ["No documents recorded.", ""]
    rows = [
        _cells(d, ("date", "what", "how", "to", "tracking"),
               [d.date, d.what, d.how, d.to, d.tracking])
        for d in sorted(case.documents, key=lambda d: d.date)
    ]
    return lines + _table(["Date", "What", "How", "To", "Tracking"], rows)


GLANCE_HEADER = ["#", "When", "Organisation", "Length", "On hold", "Reps", "Outcome"]


def _glance_row(number: int, call: Call) -> str:
    """One call's line of the table "Calls at a glance"."""
    return _table_row([
        str(number), format_local(call.started_at), _cell(call.organisation),
        format_duration(call.duration_seconds), format_duration(call.hold_seconds()),
        _cell(reps_short(call)), _cell(_outcome(call)),
    ])


def _outcome(call: Call) -> str:
    return call.outcome or ("in progress" if call.is_live else "not recorded")


def _call_section(number: int, call: Call, today: date, calls: CallSource) -> list[str]:
    when = format_local(call.started_at, WHEN)
    who = _heading(call.organisation)
    lines = [f"#### {number}. {when} — {f'{who} called' if call.incoming else who}", ""]
    if call.incoming:
        lines.append("- Incoming: they called" + (
            f" from {_escape(call.number_dialled)}" if call.number_dialled else ""))
    for key in call.fulfils:
        lines.append(f"- Kept the promise {_escape(key)} (this was the call they promised)")
    if call.redial_of:
        dropped_call = calls.get(call.redial_of)
        dropped = format_local(dropped_call.started_at) if dropped_call is not None else None
        lines.append(
            f"- Redial of the dropped call of {dropped}" if dropped
            else "- Redial of a dropped call"
        )
    if call.number_dialled and not call.incoming:
        lines.append(f"- Number dialled: {_escape(call.number_dialled)}")
    ended = f", ended {format_local(call.ended_at, 'HH:mm')}" if call.ended_at else ""
    holds = len(call.hold_segments)
    held = (
        f"on hold {format_duration(call.hold_seconds())} ({plural(holds, 'hold')})"
        if holds else "not put on hold"
    )
    gap = not_recorded_text(call)
    lines.append(
        f"- Length: {format_duration(call.duration_seconds)}{ended}; {held}; talking "
        f"{format_duration(call.talk_seconds())}" + (f"; {gap}" if gap else "")
    )
    for segment in call.hold_segments:
        end = segment.end_elapsed if segment.end_elapsed is not None else call.duration_seconds
        corrected = describe_correction(segment)
        lines.append(
            f"  - on hold {format_elapsed(segment.start_elapsed)}–{format_elapsed(end)} "
            f"({format_duration(segment.seconds(call.duration_seconds))})"
            + (f" — {corrected}" if corrected else "")
        )
    for closed in call.gaps:
        lines.append(f"  - {gap_text(closed)}")
    lines.append("- Representatives, in the order spoken to:")
    for index, rep in enumerate(call.reps, start=1):
        joined = f"on the line from {format_elapsed(rep.joined_elapsed)}"
        lines.append(f"  {index}. {_rep_line(rep)} ({joined})")
    if not call.reps:
        lines.append("  - none recorded")
    lines.append("- Notes:" if call.notes else "- Notes: none")
    for note in call.notes:
        stamp = f"{format_elapsed(note.elapsed)} · {format_local(note.at, 'HH:mm:ss')}"
        lines.append(f"  - `{stamp}` {_cell(note.text)}{_was(note, 'text')}")
    if call.read_out:
        lines.append("- Read out to the rep:")
        lines += [f"  - {_item(fact)}" for fact in call.read_out]
    if call.references:
        refs = "; ".join(
            f"{_escape(ref.number)} (at {format_elapsed(ref.elapsed)}"
            f"{_was(ref, 'number').replace(' (', '; ', 1)[:-1] if ref.corrected else ''})"
            for ref in call.references
        )
        lines.append(f"- Reference numbers: {refs}")
    elif call.reference_refused:
        lines.append("- Reference numbers: none — **the rep refused to give a reference**")
    else:
        lines.append("- Reference numbers: none given")
    lines.append("- Promises:" if call.promises else "- Promises: none")
    for promise in call.promises:
        status = promise_status(promise, today)
        due = f"due {promise.due}" if promise.due else "no date given"
        word = STATUS_WORDS[status] if status != "undated" else "pending"
        missed = promise.missed_due()
        if status == "broken" and missed:
            word = (f"**BROKEN** (not done by {missed}; its date was corrected after it had "
                    "passed)")
        elif status == "kept late" and missed:
            word = (f"**KEPT LATE** (not done by {missed}; its date was corrected after it "
                    "had passed: counted as broken)")
        elif status == "broken":
            word = f"**BROKEN** (not done by {promise.due})"
        elif status == "kept late":
            finished = done_on(promise)
            when = f" on {finished.isoformat()}" if finished else ""
            word = f"**KEPT LATE** (done{when}, after {promise.due}: counted as broken)"
        elif status == "kept" and done_on(promise):
            word = f"kept (done {done_on(promise)})"
        lines.append(f"  - {_item(promise.text)} — {due}: {word}"
                     f"{_corrected(promise, ('text', 'due'))}")
    lines.append(f"- Outcome: {_escape(_outcome(call))}")
    if call.summary:
        lines.append(f"- Summary: {_escape(call.summary)}")
    if call.next_step:
        lines.append(f"- Next step: {_escape(call.next_step)}")
    lines.append("")
    return lines


def _totals(total: Stats) -> list[str]:
    by_org = "; ".join(
        f"{_escape(org)}: {count}" for org, count in total.by_organisation.most_common()
    )
    promises = total.promises
    lines = ["### Totals", ""]
    lines.append(f"- Calls: {total.calls}" + (f" ({by_org})" if by_org else "")
                 + (f"; {total.incoming} of them made to you" if total.incoming else ""))
    lines.append(
        f"- Time on hold: {format_duration(total.hold_seconds)} "
        f"({total.hold_seconds / 3600:.1f} hours; longest on one call "
        f"{format_duration(total.longest_hold)})"
    )
    lines.append(f"- Time talking: {format_duration(total.talk_seconds)}")
    if total.not_recorded_seconds >= 1:
        lines.append(f"- Not recorded: {format_duration(total.not_recorded_seconds)} (the app "
                     "was closed during calls that then continued; neither hold nor talk)")
    refused = f" ({total.refused_id} refused to give an ID)" if total.refused_id else ""
    lines.append(f"- Distinct representatives: {total.distinct_reps}{refused}")
    refused_ref = (
        f" ({plural(total.refused_reference, 'call')} where the rep refused to give one)"
        if total.refused_reference else ""
    )
    lines.append(f"- Different reference numbers given: {total.references}{refused_ref}")
    lines.append(
        f"- Promises: {total.promises_made} made — {total.kept} kept, "
        f"{total.broken} broken"
        + (f" ({promises['kept late']} of them kept late)" if promises["kept late"] else "")
        + f", {total.pending} pending"
    )
    return lines + [""]


def _prepared_by(profile: Profile) -> list[str]:
    """Who is asking: the first thing a caseworker needs."""
    contact = [part for part in (profile.phone, profile.email) if part.strip()]
    lines = [f"**Prepared by:** {_escape(profile.name) if profile.name.strip() else '—'}"
             + (f" ({_escape(', '.join(contact))})" if contact else "")]
    if profile.address.strip():
        lines.append(f"**Address:** {_escape(profile.address)}")
    if profile.date_of_birth.strip():
        lines.append(f"**Date of birth:** {_escape(profile.date_of_birth)}")
    return ["  \n".join(lines), ""]


def export_markdown(
    cases: list[Case], calls: list[Call], exported_at: str, today: date, *,
    profile: Profile | None = None,
) -> str:
    """The dossier of ``cases`` and ``calls`` (see :func:`markdown_chunks`), as one text."""
    return "".join(markdown_chunks(cases, CallList(calls), exported_at, today,
                                   profile=profile))


def markdown_chunks(
    cases: list[Case], calls: CallSource, exported_at: str, today: date, *,
    masker: Masker | None = None, profile: Profile | None = None,
) -> Iterator[str]:
    """The dossier, a piece at a time: cases in creation order, each call in the order
    it was made. One case's calls are read once each (a long history is never held):
    its totals are counted as its two call lists ("at a glance", "in order") are set
    aside in spools, then the case is written.

    ``masker``: identifiers masked (``profile`` is then the masked profile); totals and
    claim groups are counted on the real records, so they say the same as unmasked.
    """
    return _strip_end(_dossier(cases, calls, exported_at, today, masker, profile))


def _strip_end(chunks: Iterator[str]) -> Iterator[str]:
    """The text of ``chunks`` with its trailing newlines made one, as it streams
    (``text.rstrip("\n") + "\n"``)."""
    held = ""
    for chunk in chunks:
        body = chunk.rstrip("\n")
        if body:
            yield held + body
            held = chunk[len(body):]
        else:
            held += chunk
    yield "\n"


def _joined(lines: list[str]) -> str:
    """Lines that follow others: each after a newline (the dossier is lines joined)."""
    return "".join("\n" + line for line in lines)


def _dossier(cases: list[Case], calls: CallSource, exported_at: str, today: date,
             masker: Masker | None, profile: Profile | None) -> Iterator[str]:
    shown_cases = [masker.case(case) for case in cases] if masker else cases
    if len(cases) == 1:
        title = f"# Dossier: {_heading(shown_cases[0].title)}"
    else:
        title = "# Dossier" + (f": {len(cases)} cases" if cases else "")
    lines = [
        "",
        f"Prepared {format_local(exported_at, WHEN)} with Hold the Line, from the notes "
        "kept during each call. "
        f"Times are local (UTC offset shown); promises and deadlines are as of "
        f"{today.isoformat()}.",
        "",
    ]
    if profile is not None and not profile.empty:
        lines += _prepared_by(profile)
    if masker is not None:
        lines += ["Identifiers are masked: only their last 4 characters are shown.", ""]
    if not cases:
        lines += ["No cases yet.", ""]
    yield title + _joined(lines)
    # As mask_records does: claims looked up by id across every case.
    masked_claims = {claim.id: claim for case in shown_cases for claim in case.claims}
    glance, in_order = Spool(), Spool()
    try:
        pairs = sorted(zip(cases, shown_cases, strict=True), key=lambda pair: pair[0].created_at)
        for case, shown in pairs:
            yield from _case(case, shown, calls, today, masker, masked_claims, glance,
                             in_order)
    finally:
        glance.close()
        in_order.close()


def _case(case: Case, shown: Case, calls: CallSource, today: date, masker: Masker | None,
          masked_claims: dict[str, Claim], glance: Spool, in_order: Spool) -> Iterator[str]:
    """One case's part of the dossier: ``case`` as recorded (counted), ``shown`` as
    written (masked or the same). Calls named by others (a redial, a claim) are looked up
    in ``calls`` for their start time, which masking does not change."""
    tally = Tally(per_call=False)
    first_day: date | None = None
    first_organisation = ""
    removed: list[tuple[Removed, str]] = []
    number = 0
    for call in calls.of_case(case.id):
        tally.add(call_figures(call, today))
        shown_call = masker.call(call) if masker else call
        number += 1
        if number == 1:
            first_organisation = shown_call.organisation
        day = call_days(call)
        if day is not None and (first_day is None or day < first_day):
            first_day = day
        glance.write("\n" + _glance_row(number, shown_call))
        in_order.write(_joined(_call_section(number, shown_call, today, calls)))
        removed += _removed_from_call(shown_call)
    total = tally.done()
    groups = claim_groups(case)
    total.disputed_questions = sum(1 for group in groups if group.disagree)
    if masker is not None:
        groups = masked_groups(groups, masked_claims, masker.text)
    started = case_started(shown, [])
    if first_day is not None and (started is None or first_day < started):
        started = first_day
    lines = [f"## {_heading(shown.title)}", ""]
    if shown.member.strip():
        lines += [f"About: {_escape(shown.member)}", ""]
    lines += _case_corrections(shown)
    lines += ["### The dispute in brief", "",
              _dispute(shown, started, first_organisation, total), ""]
    lines += _identifiers(shown)
    lines += _payments(shown)
    lines += _notices(shown, today)
    lines += _claims(groups, calls)
    lines += _documents(shown)
    if number:
        lines += ["### Calls at a glance", ""] + _table_head(GLANCE_HEADER)
    yield _joined(lines)
    yield from glance.chunks()
    yield _joined([""] if number else [])
    yield _joined(["### Every call, in order", ""] + ([] if number else ["No calls recorded.", ""]))
    yield from in_order.chunks()
    yield _joined(_removed(shown, removed) + _totals(total))
