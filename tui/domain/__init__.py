"""Domain model and rules: plain Python, no Textual, no TinyDB.

The names below load with the module that defines them, when first used: importing one
part of the domain (``tui.domain.model``) does not import the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy import lazy_exports

if TYPE_CHECKING:
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

_WHERE = {
    "Clock": "clock", "FrozenClock": "clock", "SystemClock": "clock",
    "parse_due": "dates",
    "OUTCOMES": "model", "ROLES": "model", "SCHEMA_VERSION": "model", "Call": "model",
    "Case": "model", "HoldSegment": "model", "Note": "model", "Promise": "model",
    "Reference": "model", "Rep": "model",
    "format_elapsed": "timefmt", "format_local": "timefmt", "parse_iso": "timefmt",
    "to_iso": "timefmt",
}


__getattr__ = lazy_exports(__name__, _WHERE)


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
