"""CSV: one row per call, for a spreadsheet.

Encoding: UTF-8 with a byte-order mark, comma-separated, every row ending in
CRLF (RFC 4180), fields quoted where needed. The BOM is what makes Excel read
the file as UTF-8 (without it accented names and "•" come out garbled);
LibreOffice and Python's ``utf-8-sig`` read it too. A cell that a spreadsheet
would take as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) gets a leading apostrophe, so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from tui.domain.followups import promise_status
from tui.domain.model import Call, Case
from tui.domain.timefmt import format_local
from tui.export.common import promise_text, reps_short

BOM = "\ufeff"
COLUMNS = (
    "date", "time", "case", "organisation", "direction", "number", "duration_min", "hold_min",
    "talk_min", "reps", "references", "outcome", "summary", "promises", "notes_count",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``=SUM(A1)`` → ``'=SUM(A1)``: a spreadsheet shows it as text."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}"


def call_row(call: Call, case_title: str, today: date) -> list[str]:
    """The cells of one call, in ``COLUMNS`` order (not yet made formula-safe)."""
    promises = "; ".join(
        promise_text(promise, promise_status(promise, today))
        for promise in call.promises
    )
    outcome = call.outcome or ("in progress" if call.is_live else "")
    return [
        format_local(call.started_at, "YYYY-MM-DD"),
        format_local(call.started_at, "HH:mm"),
        case_title,
        call.organisation,
        call.direction,
        call.number_dialled,
        _minutes(call.duration_seconds),
        _minutes(call.hold_seconds()),
        _minutes(call.talk_seconds()),
        reps_short(call),
        "; ".join(ref.number for ref in call.references),
        outcome,
        call.summary,
        promises,
        str(len(call.notes)),
    ]


def export_csv(cases: list[Case], calls: list[Call], exported_at: str, today: date) -> str:
    """Header row, then every call oldest first; text starting with the BOM."""
    return "".join(csv_chunks(cases, sorted(calls, key=lambda c: c.started_at), exported_at,
                              today))


def csv_chunks(cases: list[Case], calls: Iterable[Call], _exported_at: str,
               today: date) -> Iterator[str]:
    """:func:`export_csv` a row at a time: ``calls`` oldest first, read as they are used."""
    titles = {case.id: case.title for case in cases}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + out.getvalue()
    for call in calls:
        out.seek(0)
        out.truncate()
        row = call_row(call, titles.get(call.case_id, ""), today)
        writer.writerow([safe_cell(cell) for cell in row])
        yield out.getvalue()
