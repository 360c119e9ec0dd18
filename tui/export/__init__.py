"""Exports: Markdown dossier, CSV, complete JSON, iCalendar. No Textual imports.

``render`` is the one entry point, for the command line and the app alike.
"""

from __future__ import annotations

from datetime import date

from tui.domain.model import Call, Case, Profile
from tui.export.common import case_facts, export_today
from tui.export.csv_export import export_csv
from tui.export.json_export import export_json
from tui.export.markdown import export_markdown
from tui.export.mask import mask, mask_profile, mask_records

FORMATS = ("md", "csv", "json", "ics")
"""Text exports (``render`` gives their text)."""
EXPORT_FORMATS = ("md", "pdf", "csv", "json", "ics")
"""Every export, text or not (``render_bytes`` gives the bytes of the file)."""
EXTENSIONS = {"md": ".md", "pdf": ".pdf", "csv": ".csv", "json": ".json", "ics": ".ics"}
BINARY = ("pdf",)
"""Formats whose export is bytes, not text."""
DESCRIPTIONS = {
    "md": "Markdown dossier to send to an escalation office",
    "pdf": "the dossier as a printable PDF",
    "csv": "one row per call, for a spreadsheet (UTF-8 with BOM)",
    "json": "everything, re-importable with holdtheline import",
    "ics": "calendar of follow-ups and deadlines",
}


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
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} for text (one of {', '.join(FORMATS)}; "
                         "pdf: render_bytes)")
    today = export_today(exported_at, today)
    facts = case_facts(cases, calls, today) if fmt == "md" else {}
    if mask:
        cases, calls, facts = mask_records(cases, calls, facts)
        profile = mask_profile(profile) if profile is not None else None
    if fmt == "json":
        return export_json(cases, calls, exported_at, profile)
    if fmt == "md":
        return export_markdown(cases, calls, exported_at, today, facts, masked=mask,
                               profile=profile)
    if fmt == "csv":
        return export_csv(cases, calls, exported_at, today)
    from tui.export.ics_export import export_ics  # icalendar loads only when needed

    return export_ics(cases, calls, exported_at, today)



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
    from tui.export.pdf import dossier_pdf  # fpdf2 loads only when needed

    markdown = render("md", cases, calls, exported_at, mask=mask, today=today,
                      profile=profile)
    caller = ""
    if profile is not None and profile.name.strip():
        caller = (mask_profile(profile) if mask else profile).name
    title = cases[0].title if len(cases) == 1 else f"{len(cases)} cases"
    return dossier_pdf(markdown, caller=caller, case=title, created=parse_iso(exported_at))


def __getattr__(name: str) -> object:
    if name == "export_ics":
        from tui.export.ics_export import export_ics

        return export_ics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
]
