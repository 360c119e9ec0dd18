"""iCalendar (RFC 5545) of follow-ups and deadlines, built with ``icalendar``.

Every event is an all-day event (``DTSTART;VALUE=DATE``, ``DTEND`` the next day):
a follow-up on the date a promise is due (only promises not yet done), a
deadline on the date a notice's deadline falls. UIDs come from the stored ids
(``followup-<call id>-<n>@holdtheline``, ``deadline-<notice id>@holdtheline``),
so importing a newer export updates the events instead of duplicating them.
``DTSTAMP`` is the export time, so the same data gives the same file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, timedelta

from icalendar import Calendar, Event

from tui.domain.deadlines import CHECK_NOTICE, notice_deadline
from tui.domain.followups import followups_from_summaries
from tui.domain.model import Call, Case
from tui.domain.text import visible
from tui.domain.timefmt import format_local, parse_iso
from tui.export.common import reps_short
from tui.export.spool import SortedSpool

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


def _call_events(call: Call, titles: dict[str, str], stamp: object) -> Iterator[Event]:
    """An event for each of the call's open follow-ups (promises with a valid date)."""
    for followup in followups_from_summaries([call.summary_row()]):
        if followup.done:
            continue
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
        yield _event(
            f"followup-{followup.call_id}-{followup.number - 1}",
            followup.due,
            f"Follow-up: {followup.organisation} promised: {followup.text}",
            "\n".join(lines),
            stamp,
        )


def _deadline_events(cases: list[Case], today: date, stamp: object) -> Iterator[Event]:
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
            yield _event(
                f"deadline-{notice.id}",
                view.due,
                f"Deadline: {view.name} ({case.title})",
                "\n".join(lines),
                stamp,
            )


def export_ics(cases: list[Case], calls: list[Call], exported_at: str, today: date) -> str:
    """A VCALENDAR with one VEVENT per open follow-up and per deadline, by date."""
    return "".join(ics_chunks(cases, calls, exported_at, today))


_END = "END:VCALENDAR\r\n"


def ics_chunks(cases: list[Case], calls: Iterable[Call], exported_at: str,
               today: date) -> Iterator[str]:
    """:func:`export_ics` a piece at a time: the calls are read as they are used and
    their events set aside in a :class:`SortedSpool` (by date, then UID), so a long
    history's calendar is made in little memory (the same text)."""
    stamp = parse_iso(exported_at).astimezone(UTC)
    titles = {case.id: case.title for case in cases}
    events = SortedSpool()
    try:
        for call in calls:
            if call.case_id in titles:
                for event in _call_events(call, titles, stamp):
                    _add(events, event)
        for event in _deadline_events(cases, today, stamp):
            _add(events, event)
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", "Hold the Line: follow-ups and deadlines")
        head = calendar.to_ical().decode("utf-8")
        if not head.endswith(_END):  # pragma: no cover - icalendar always ends so
            raise RuntimeError("icalendar wrote an unexpected calendar")
        yield head[: -len(_END)]
        yield from events.texts()
        yield _END
    finally:
        events.close()


def _add(events: SortedSpool, event: Event) -> None:
    """The event's text, kept under its place in the calendar: its date, then its UID
    (the date in ISO form sorts as dates do)."""
    key = f"{event.decoded('dtstart').isoformat()}\x00{event['uid']}"
    events.add(key.encode("utf-8"), event.to_ical().decode("utf-8"))
