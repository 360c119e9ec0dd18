"""Exports: Markdown dossier, CSV, complete JSON, iCalendar. No Textual imports.

``render`` gives an export's text, for the command line and the app alike;
``render_chunks`` gives the same text a piece at a time from a ``CallSource``, which
reads the calls as they are used (a long history, from the store). Each exporter loads
when it is first used.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from tui.export.formats import BINARY, DESCRIPTIONS, EXPORT_FORMATS, EXTENSIONS, FORMATS
from tui.lazy import lazy_exports

if TYPE_CHECKING:
    from tui.domain.model import Call, Case, Profile
    from tui.export.csv_export import export_csv
    from tui.export.ics_export import export_ics
    from tui.export.json_export import export_json
    from tui.export.markdown import export_markdown
    from tui.export.mask import mask, mask_records
    from tui.export.source import CallSource


def render_chunks(
    fmt: str,
    cases: list[Case],
    calls: CallSource,
    exported_at: str,
    *,
    mask: bool = False,
    today: date | None = None,
    profile: Profile | None = None,
) -> Iterator[str]:
    """The export of ``cases`` and ``calls`` in format ``fmt`` (one of ``FORMATS``), a
    piece at a time (see :func:`render`). The calls are read as they are used: once, or
    twice when masked (the identifiers to mask are every call's)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} for text (one of {', '.join(FORMATS)}; "
                         "pdf: render_bytes)")
    from tui.export.common import export_today

    today = export_today(exported_at, today)
    masker = None
    if mask:
        from tui.export.mask import Masker, mask_profile

        masker = Masker.for_records(cases, calls.calls())
        profile = mask_profile(profile) if profile is not None else None
    if fmt == "md":
        from tui.export.markdown import markdown_chunks

        return markdown_chunks(cases, calls, exported_at, today, masker=masker, profile=profile)
    shown_cases = [masker.case(case) for case in cases] if masker else cases
    shown_calls = (masker.call(call) for call in calls.calls()) if masker else calls.calls()
    if fmt == "json":
        from tui.export.json_export import export_json_chunks

        return export_json_chunks(shown_cases, shown_calls, exported_at, profile)
    if fmt == "csv":
        from tui.export.csv_export import csv_chunks

        return csv_chunks(shown_cases, shown_calls, exported_at, today)
    from tui.export.ics_export import ics_chunks  # icalendar loads only when needed

    return ics_chunks(shown_cases, shown_calls, exported_at, today)


def render(
    fmt: str,
    cases: list[Case],
    calls: list[Call],
    exported_at: str,
    *,
    mask: bool = False,
    today: date | None = None,
    profile: Profile | None = None,
) -> str:
    """The export of ``cases`` and ``calls`` in format ``fmt`` (one of ``FORMATS``).

    ``exported_at`` is the UTC ISO time stamped in the export; ``today`` (default:
    the local date of ``exported_at``) is when promises and deadlines are judged.
    ``mask`` hides identifiers except their last 4 characters. Write the text as
    UTF-8; the CSV text starts with a byte-order mark.
    """
    from tui.export.source import CallList

    source = CallList(calls, keep_order=fmt == "json")  # the JSON lists calls as given
    return "".join(render_chunks(fmt, cases, source, exported_at, mask=mask, today=today,
                                 profile=profile))


def render_bytes(
    fmt: str,
    cases: list[Case],
    calls: list[Call],
    exported_at: str,
    *,
    mask: bool = False,
    today: date | None = None,
    profile: Profile | None = None,
) -> bytes:
    """The export as the bytes of its file: UTF-8 text, or a PDF for ``pdf`` (the
    Markdown dossier, typeset)."""
    if fmt != "pdf":
        return render(fmt, cases, calls, exported_at, mask=mask, today=today,
                      profile=profile).encode("utf-8")
    from tui.domain.timefmt import parse_iso
    from tui.export.mask import mask_profile
    from tui.export.pdf import dossier_pdf  # fpdf2 loads only when needed

    markdown = render("md", cases, calls, exported_at, mask=mask, today=today,
                      profile=profile)
    caller = ""
    if profile is not None and profile.name.strip():
        caller = (mask_profile(profile) if mask else profile).name
    title = cases[0].title if len(cases) == 1 else f"{len(cases)} cases"
    return dossier_pdf(markdown, caller=caller, case=title, created=parse_iso(exported_at))


_WHERE = {"export_csv": "csv_export", "export_ics": "ics_export", "export_json": "json_export",
          "export_markdown": "markdown", "mask": "mask", "mask_records": "mask"}


__getattr__ = lazy_exports(__name__, _WHERE)


__all__ = [
    "BINARY",
    "DESCRIPTIONS",
    "EXPORT_FORMATS",
    "EXTENSIONS",
    "FORMATS",
    "export_csv",
    "export_ics",
    "export_json",
    "export_markdown",
    "mask",
    "mask_records",
    "render",
    "render_bytes",
    "render_chunks",
]
