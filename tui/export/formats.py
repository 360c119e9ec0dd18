"""The export formats, named: what the command line's parser needs, without the
exporters themselves."""

from __future__ import annotations

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
