"""Searching calls: the one search behind ``holdtheline history --grep`` and the
history screen's filter.

A search is case-insensitive and looks at the fields ``search_fields`` lists:
the case title, the organisation, the summary, the next step, the outcome,
every rep (name, ID, role, department, a refused ID), reference numbers, notes
and promises. Every word of the search must occur (in any field, in any
order); put a phrase in double quotes to find it as typed (``"cut off"``),
within one field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from tui.domain.model import Call


def search_fields(call: Call, case_title: str = "") -> list[tuple[str, str]]:
    """``(where, text)`` for everything a search looks at, in the order shown to users."""
    found = [("case", case_title), ("organisation", call.organisation),
             ("summary", call.summary), ("next step", call.next_step),
             ("outcome", call.outcome or "")]
    found += [("rep", rep.label()) for rep in call.reps if rep.noted or rep.department]
    found += [("ref", ref.number) for ref in call.references]
    found += [("note", note.text) for note in call.notes]
    found += [("promise", promise.text) for promise in call.promises]
    return [(where, text) for where, text in found if text.strip()]


def normalise(text: str) -> str:
    """Case-folded, whitespace runs made one space, ends trimmed: what a search compares."""
    return " ".join(text.casefold().split())


def call_search_text(call: Call, case_title: str = "") -> str:
    """Everything a search looks at, one field a line, normalised (cache it per call)."""
    return "\n".join(normalise(text) for _where, text in search_fields(call, case_title))


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


def text_matches(haystack: str, terms: list[str]) -> bool:
    """True when every term occurs in ``haystack`` (a ``call_search_text``)."""
    return all(term in haystack for term in terms)


def matches(call: Call, text: str, case_title: str = "") -> bool:
    """True when every term of ``text`` occurs in the call, ignoring case; blank → True."""
    terms = search_terms(text)
    return not terms or text_matches(call_search_text(call, case_title), terms)


def filter_calls(
    calls: Iterable[Call], text: str, titles: Mapping[str, str] | None = None
) -> list[Call]:
    """The calls matching ``text``, in the order given; ``titles`` maps case id → title."""
    titles = titles or {}
    return [call for call in calls if matches(call, text, titles.get(call.case_id, ""))]


def locate(call: Call, case_title: str, terms: list[str]) -> tuple[str, str]:
    """The first field where a term occurs: ``(where, text)``, to show the user where."""
    for where, text in search_fields(call, case_title):
        folded = normalise(text)
        if any(term in folded for term in terms):
            return where, text
    return ("", "")


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
