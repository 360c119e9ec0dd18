"""One place for turning times into text and back.

Local times are shown as ``arrow`` shows them (``arrow.get(moment).to("local")``: with
arrow 1.4, the UTC offset in force now, for every time), worked out here without arrow
for the formats the app uses: the same text, a tenth of the time, and arrow is not
loaded by the command line's exports (``tests/test_timefmt.py`` compares the two).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo


def to_iso(moment: datetime) -> str:
    """UTC ISO-8601 with seconds, e.g. ``2026-11-24T14:05:00+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    """Parse a stored ISO-8601 time (always timezone-aware)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def format_elapsed(seconds: float) -> str:
    """``HH:MM:SS`` for a duration in seconds (never negative)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_duration(seconds: float) -> str:
    """A short human duration: ``1h 05m``, ``12m 30s``, ``45s``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


_zone: tuple[tuple[object, ...], tzinfo] | None = None


def local_zone() -> tzinfo:
    """The zone ``arrow`` calls ``"local"``: the UTC offset in force now (looked up at
    most once a second, and again whenever ``time.tzset`` changed the zone)."""
    global _zone
    key = (int(time.time()), time.timezone, time.altzone, time.tzname)
    if _zone is None or _zone[0] != key:
        zone = datetime.now().astimezone().tzinfo
        assert zone is not None
        _zone = (key, zone)
    return _zone[1]


def to_local(moment: datetime) -> datetime:
    """``moment`` (UTC when naive) in the user's zone: ``arrow.get(moment).to("local")``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


_offsets: dict[object, tuple[str, str]] = {}


def _offset_texts(moment: datetime) -> tuple[str, str]:
    """Arrow's ``ZZ`` (``+01:00``) and ``Z`` (``+0100``) for ``moment``'s offset."""
    offset = (moment.tzinfo or UTC).utcoffset(moment)
    known = _offsets.get(offset)
    if known is None:
        assert offset is not None
        total_minutes = int(offset.total_seconds() / 60)
        sign = "+" if total_minutes >= 0 else "-"
        hour, minute = divmod(abs(total_minutes), 60)
        known = _offsets[offset] = (f"{sign}{hour:02d}:{minute:02d}",
                                    f"{sign}{hour:02d}{minute:02d}")
    return known


_TOKENS = re.compile(  # arrow's own (arrow.formatter.DateTimeFormatter._FORMAT_RE)
    r"(\[(?:(?=(?P<literal>[^]]))(?P=literal))*\]|YYY?Y?|MM?M?M?|Do|DD?D?D?|d?dd?d?|HH?|hh?|mm?"
    r"|ss?|SS?S?S?S?S?|ZZ?Z?|a|A|X|x|W)"
)
_FIELDS = {"YYYY": "{0:04d}", "MM": "{1:02d}", "DD": "{2:02d}", "HH": "{3:02d}",
           "mm": "{4:02d}", "ss": "{5:02d}", "ZZ": "{6}", "Z": "{7}"}
"""The tokens done here, as fields of a ``str.format`` template over (year, month, day,
hour, minute, second, ZZ, Z)."""
_formats: dict[str, Callable[[datetime], str] | None] = {}


def _formatter(fmt: str) -> Callable[[datetime], str] | None:
    """``fmt`` as a function, when every token in it is one of ``_FIELDS`` (else None:
    arrow formats it)."""
    if fmt in _formats:
        return _formats[fmt]
    template = ""
    place = 0
    usable = True
    for found in _TOKENS.finditer(fmt):
        literal = fmt[place:found.start()]
        token = found.group(0)
        if token.startswith("[") and token.endswith("]"):
            literal += token[1:-1]
            field = ""
        else:
            field = _FIELDS.get(token, "")
            usable = usable and bool(field)
        template += literal.replace("{", "{{").replace("}", "}}") + field
        place = found.end()
    template += fmt[place:].replace("{", "{{").replace("}", "}}")
    offsets = "{6}" in template or "{7}" in template

    def formatted(moment: datetime) -> str:
        zz, z = _offset_texts(moment) if offsets else ("", "")
        return template.format(moment.year, moment.month, moment.day, moment.hour,
                               moment.minute, moment.second, zz, z)

    _formats[fmt] = formatted if usable else None
    return _formats[fmt]


def format_local(iso: str | None, fmt: str = "YYYY-MM-DD HH:mm") -> str:
    """A stored UTC time shown in the user's local zone (arrow's format tokens)."""
    if not iso:
        return ""
    moment = parse_iso(iso)
    formatter = _formatter(fmt)
    if formatter is None:
        import arrow  # a format the fast path does not know

        return arrow.get(moment).to("local").format(fmt)
    return formatter(to_local(moment))


def format_local_time(iso: str | None) -> str:
    """Wall-clock time of day in the local zone, ``14:05``."""
    return format_local(iso, "HH:mm")


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
          "Dec")
RECENT_DAYS = 182
"""Dates this recent are shown without their year (as ``ls -l`` does)."""


def format_when(iso: str | None, today: date) -> str:
    """When a call was, for a list: ``Nov 24 20:40`` within the last six months (or up to
    a day ahead), else ``2025-12-18`` (the year, where a month and day alone would read
    as this year's).
    Always 12 columns or fewer."""
    if not iso:
        return ""
    moment = to_local(parse_iso(iso))
    age = (today - moment.date()).days
    if -1 <= age < RECENT_DAYS:  # -1: a clock a little ahead, or a day just begun
        return f"{MONTHS[moment.month - 1]} {moment.day} {moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
