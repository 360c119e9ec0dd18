"""Listing calls for ``holdtheline history``: the plain table and the JSON it prints.

Searching is ``tui.domain.search``, shared with the history screen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping

import msgspec

from tui.domain.model import Call, Record
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_local
from tui.export.common import reps_short
from tui.export.spool import Spool

HEADER = ("DATE", "CASE", "ORGANISATION", "DURATION", "HOLD", "REPS", "OUTCOME")


def history_rows(calls: Iterable[Call], titles: Mapping[str, str]) -> list[tuple[str, ...]]:
    """Table cells: date, case, organisation, duration, hold, reps, outcome (shown safely)."""
    return [history_row(call, titles) for call in calls]


def history_row(call: Call, titles: Mapping[str, str]) -> tuple[str, ...]:
    """One call's cells in the table (see :func:`history_rows`); none holds a tab or a
    line break (``visible`` writes control characters as ``\\x..``)."""
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
    return tuple(visible(cell) or "-" for cell in cells)


def history_table(calls: list[tuple[str, ...]]) -> str:
    """A header and one aligned line per call (its ``history_rows`` cells), columns two
    spaces apart."""
    rows = [HEADER, *calls]
    widths = [max(len(row[col]) for row in rows) for col in range(len(HEADER))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def history_table_chunks(calls: Iterable[Call], titles: Mapping[str, str]) -> Iterator[str]:
    """:func:`history_table` of ``calls``' rows, a line at a time, never holding them: the
    rows are set aside in a spool while the widths are measured, then read back and
    aligned. Nothing at all (not even the header) when there are no calls."""
    with Spool() as spool:
        widths = [len(cell) for cell in HEADER]
        rows = 0
        for call in calls:
            cells = history_row(call, titles)
            widths = [max(width, len(cell)) for width, cell in zip(widths, cells, strict=True)]
            spool.write("\t".join(cells) + "\n")
            rows += 1
        if not rows:
            return
        yield _aligned(HEADER, widths)
        for line in spool.lines():
            yield _aligned(tuple(line.split("\t")), widths)


def _aligned(row: tuple[str, ...], widths: list[int]) -> str:
    cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
    return "  ".join(cells).rstrip() + "\n"


_UNSAFE = re.compile("[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def history_json(calls: Iterable[Call]) -> str:
    """A JSON list of full call documents (as in the JSON export), UTF-8, indented.

    Characters that could steer a terminal (C1 controls, bidi overrides) are
    written as ``\\uXXXX`` escapes: the same JSON value, safe to print.
    """
    return "".join(history_json_chunks(calls))


def history_json_chunks(calls: Iterable[Call]) -> Iterator[str]:
    """:func:`history_json` a call at a time (never holding the history whole)."""
    yield from json_list_chunks(calls)
    yield "\n"


def json_list_chunks(records: Iterable[Record], indent: str = "") -> Iterator[str]:
    """The records (calls, cases) as an indented JSON list (``json.dumps(..., indent=2)``
    text exactly, the list itself at ``indent``), one at a time; terminal-safe like
    :func:`terminal_safe`."""
    inner = indent + "  "
    first = True
    for record in records:
        body = pretty_json(record.to_dict())
        yield ("[\n" if first else ",\n") + inner + terminal_safe(body.replace("\n", "\n" + inner))
        first = False
    yield "[]" if first else f"\n{indent}]"


def pretty_json(document: object) -> str:
    """``json.dumps(document, ensure_ascii=False, indent=2)``, the same text three times
    faster: encoded compact by json's C encoder (numbers written as json writes them),
    then indented by msgspec. What msgspec cannot indent (NaN or infinity, which are
    not JSON; a lone surrogate) is left to ``json.dumps``."""
    compact = json.dumps(document, ensure_ascii=False)
    try:
        return msgspec.json.format(compact, indent=2)
    except ValueError:
        return json.dumps(document, ensure_ascii=False, indent=2)


def terminal_safe(json_text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides as ``\\uXXXX`` escapes (the
    same values: JSON reads them back as the same characters)."""
    return _UNSAFE.sub(lambda found: f"\\u{ord(found.group(0)):04x}", json_text)
