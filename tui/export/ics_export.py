"""iCalendar (RFC 5545) of follow-ups and deadlines, built with ``icalendar``.

Every event is an all-day event (``DTSTART;VALUE=DATE``, ``DTEND`` the next day):
a follow-up on the date a promise is due (only promises not yet done), a
deadline on the date a notice's deadline falls. UIDs come from the stored ids
(``followup-<call id>-<n>@holdtheline``, ``deadline-<notice id>@holdtheline``),
so importing a newer export updates the events instead of duplicating them.
``DTSTAMP`` is the export time, so the same data gives the same file.
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from icalendar import Calendar, Event

from tui.domain.deadlines import CHECK_NOTICE, notice_deadline
from tui.domain.followups import followups_from_summaries
from tui.domain.model import Call, Case
from tui.domain.text import visible
from tui.domain.timefmt import format_local, parse_iso
from tui.export.common import reps_short

PRODID = "-//Hold the Line//holdtheline//EN"
UID_DOMAIN = "holdtheline"


def _text(text: str) -> str:
    """Free text for a TEXT property: no control characters except newlines."""
    return visible(text, keep_newlines=True)


def _event(uid: str, day: date, summary: str, description: str, stamp: object) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", _text(summary))
    event.add("description", _text(description))
    event.add("transp", "TRANSPARENT")
    return event


def _followup_events(cases: list[Case], calls: list[Call], stamp: object) -> list[Event]:
    titles = {case.id: case.title for case in cases}
    by_id = {call.id: call for call in calls}
    events = []
    for followup in followups_from_summaries(call.summary_row() for call in calls):
        if followup.done:
            continue
        call = by_id[followup.call_id]
        number = f" ({call.number_dialled})" if call.number_dialled else ""
        lines = [
            f"Case: {titles.get(call.case_id, '')}",
            f"Promised on the call of {format_local(call.started_at, 'YYYY-MM-DD HH:mm ZZ')} "
            f"to {call.organisation}{number}",
        ]
        reps = reps_short(call)
        if reps:
            lines.append(f"Reps: {reps}")
        if call.references:
            lines.append("Reference numbers: " + "; ".join(r.number for r in call.references))
        lines.append("If it has not happened, call back, say so, and note it.")
        events.append(_event(
            f"followup-{followup.call_id}-{followup.number - 1}",
            followup.due,
            f"Follow-up: {followup.organisation} promised: {followup.text}",
            "\n".join(lines),
            stamp,
        ))
    return events


def _deadline_events(cases: list[Case], today: date, stamp: object) -> list[Event]:
    events = []
    for case in cases:
        for notice in case.notices:
            view = notice_deadline(notice, today)
            if view is None:
                continue
            lines = [
                f"Case: {case.title}",
                f"{view.notice}, dated {view.start.isoformat()}, + {notice.deadline_days} days.",
                CHECK_NOTICE,
            ]
            if notice.says.strip():
                lines.append(f"The notice says: {notice.says}")
            events.append(_event(
                f"deadline-{notice.id}",
                view.due,
                f"Deadline: {view.name} ({case.title})",
                "\n".join(lines),
                stamp,
            ))
    return events


def export_ics(cases: list[Case], calls: list[Call], exported_at: str, today: date) -> str:
    """A VCALENDAR with one VEVENT per open follow-up and per deadline, by date."""
    stamp = parse_iso(exported_at).astimezone(UTC)
    case_ids = {case.id for case in cases}
    calls = [call for call in calls if call.case_id in case_ids]
    events = _followup_events(cases, calls, stamp)
    events += _deadline_events(cases, today, stamp)
    events.sort(key=lambda e: (e.decoded("dtstart"), str(e["uid"])))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Hold the Line: follow-ups and deadlines")
    for event in events:
        calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
