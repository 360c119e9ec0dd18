"""Domain model and rules: plain Python, no Textual, no TinyDB."""

from tui.domain.clock import Clock, FrozenClock, SystemClock
from tui.domain.dates import parse_due
from tui.domain.model import (
    OUTCOMES,
    ROLES,
    SCHEMA_VERSION,
    Call,
    Case,
    HoldSegment,
    Note,
    Promise,
    Reference,
    Rep,
)
from tui.domain.timefmt import format_elapsed, format_local, parse_iso, to_iso

__all__ = [
    "OUTCOMES",
    "ROLES",
    "SCHEMA_VERSION",
    "Call",
    "Case",
    "Clock",
    "FrozenClock",
    "HoldSegment",
    "Note",
    "Promise",
    "Reference",
    "Rep",
    "SystemClock",
    "format_elapsed",
    "format_local",
    "parse_due",
    "parse_iso",
    "to_iso",
]
