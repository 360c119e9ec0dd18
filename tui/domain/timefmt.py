"""One place for turning times into text and back."""

from __future__ import annotations

from datetime import UTC, datetime

import arrow


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


def format_local(iso: str | None, fmt: str = "YYYY-MM-DD HH:mm") -> str:
    """A stored UTC time shown in the user's local zone."""
    if not iso:
        return ""
    return arrow.get(parse_iso(iso)).to("local").format(fmt)


def format_local_time(iso: str | None) -> str:
    """Wall-clock time of day in the local zone, ``14:05``."""
    return format_local(iso, "HH:mm")
