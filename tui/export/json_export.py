"""Complete JSON export: every case and every call, as stored.

The schema is documented in ``docs/export-json.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from tui import __version__
from tui.domain.model import SCHEMA_VERSION, Call, Case, Profile

EXPORT_FORMAT = "holdtheline-export"


def export_document(cases: list[Case], calls: list[Call], exported_at: str,
                    profile: Profile | None = None) -> dict[str, Any]:
    """The export as a JSON-ready dict (the caller's profile too, when filled in)."""
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "app_version": __version__,
        "exported_at": exported_at,
    }
    if profile is not None and not profile.empty:
        document["profile"] = profile.to_dict()
    document["cases"] = [case.to_dict() for case in cases]
    document["calls"] = [call.to_dict() for call in calls]
    return document


def export_json(cases: list[Case], calls: list[Call], exported_at: str,
                profile: Profile | None = None) -> str:
    """Pretty-printed UTF-8 JSON text, ending with a newline; every control and bidi
    character written as a ``\\uXXXX`` escape (the same data, safe to print)."""
    return "".join(export_json_chunks(cases, calls, exported_at, profile))


def export_json_chunks(cases: list[Case], calls: Iterable[Call], exported_at: str,
                       profile: Profile | None = None) -> Iterator[str]:
    """:func:`export_json` a piece at a time: the cases and calls are written one by one
    (the calls read from ``calls`` as they are), so a history of any size is written
    without holding it (the same text exactly)."""
    from tui.export.history import json_list_chunks, terminal_safe

    head = export_document([], [], exported_at, profile)
    del head["cases"], head["calls"]
    text = json.dumps(head, ensure_ascii=False, indent=2)
    yield terminal_safe(text[: -len("\n}")]) + ',\n  "cases": '
    yield from json_list_chunks(cases, "  ")
    yield ',\n  "calls": '
    yield from json_list_chunks(calls, "  ")
    yield "\n}\n"
