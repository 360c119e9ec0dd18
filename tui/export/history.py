"""Searching and listing calls: the filter behind ``holdtheline history`` and the
history screen, and the plain table and JSON the command prints.

A search is case-insensitive and looks at the organisation, the case title,
notes, rep names, IDs and departments, reference numbers, promises, the
summary, the next step and the outcome. Every word of the search must occur
(in any field, in any order) — the history screen's filter works the same
way; put a phrase in double quotes to find it as typed (``"cut off"``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from tui.domain.model import Call
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_local
from tui.export.common import reps_short

HEADER = ("DATE", "CASE", "ORGANISATION", "DURATION", "HOLD", "REPS", "OUTCOME")


def call_search_text(call: Call, case_title: str = "") -> str:
    """Everything a search looks at, one field a line, case-folded (lowercase), runs
    of whitespace inside a field made one space."""
    parts = [call.organisation, case_title, call.summary, call.next_step, call.outcome or ""]
    parts += [note.text for note in call.notes]
    for rep in call.reps:
        parts += [rep.first_name, rep.rep_id, rep.department]
        if rep.id_refused:
            parts.append("refused to give ID")
    parts += [ref.number for ref in call.references]
    parts += [promise.text for promise in call.promises]
    return "\n".join(normalise(part) for part in parts if part.strip())


def normalise(text: str) -> str:
    """Case-folded, whitespace runs made one space, ends trimmed: what a search compares."""
    return " ".join(text.casefold().split())


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def search_terms(text: str) -> list[str]:
    """The terms of a search, normalised: each word, or each ``"quoted phrase"``.

    ``angela 90817`` → ``["angela", "90817"]``; ``"cut off" dropped`` →
    ``["cut off", "dropped"]``. Blank → no terms (matches everything).
    """
    terms = []
    for found in _TERM.finditer(text):
        term = normalise(found.group(1) if found.group(1) is not None else found.group(2))
        if term and term != '"':
            terms.append(term)
    return terms


def matches(call: Call, text: str, case_title: str = "") -> bool:
    """True when every term of ``text`` occurs in the call, ignoring case; blank → True.

    Words may be found in different fields; a quoted phrase must occur in one field.
    """
    terms = search_terms(text)
    if not terms:
        return True
    haystack = call_search_text(call, case_title)
    return all(term in haystack for term in terms)


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the terms of ``query`` occur in ``text``: (start, end) positions in ``text``,
    in order, overlapping ones merged, ignoring case; for highlighting."""
    terms = search_terms(query)
    if not terms or not text:
        return []
    found: list[tuple[int, int]] = []
    for term in terms:
        pattern = re.compile(r"\s+".join(re.escape(word) for word in term.split()),
                             re.IGNORECASE)
        found += [hit.span() for hit in pattern.finditer(text)]
    spans: list[tuple[int, int]] = []
    for begin, end in sorted(found):
        if spans and begin <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((begin, end))
    return spans


def filter_calls(
    calls: Iterable[Call], text: str, titles: Mapping[str, str] | None = None
) -> list[Call]:
    """The calls matching ``text``, in the order given; ``titles`` maps case id → title."""
    titles = titles or {}
    return [call for call in calls if matches(call, text, titles.get(call.case_id, ""))]


def history_rows(calls: Iterable[Call], titles: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Table cells: date, case, organisation, duration, hold, reps, outcome (shown safely)."""
    rows = []
    for call in calls:
        outcome = call.outcome or ("live" if call.is_live else "")
        cells = (
            format_local(call.started_at),
            titles.get(call.case_id, ""),
            call.organisation,
            format_duration(call.duration_seconds),
            format_duration(call.hold_seconds()),
            reps_short(call),
            outcome,
        )
        rows.append(tuple(visible(cell) or "-" for cell in cells))
    return rows


def history_table(calls: Iterable[Call], titles: Mapping[str, str]) -> str:
    """A header and one aligned line per call, columns two spaces apart."""
    rows = [HEADER, *history_rows(calls, titles)]
    widths = [max(len(row[col]) for row in rows) for col in range(len(HEADER))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


_UNSAFE = re.compile("[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def history_json(calls: Iterable[Call]) -> str:
    """A JSON list of full call documents (as in the JSON export), UTF-8, indented.

    Characters that could steer a terminal (C1 controls, bidi overrides) are
    written as ``\\uXXXX`` escapes: the same JSON value, safe to print.
    """
    text = json.dumps([call.to_dict() for call in calls], ensure_ascii=False, indent=2)
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group(0)):04x}", text) + "\n"
