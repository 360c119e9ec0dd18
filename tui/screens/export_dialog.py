"""Export from the app: the same dossier, CSV, JSON and calendar as the command line."""

from __future__ import annotations

from pathlib import Path

from tui.export import EXTENSIONS
from tui.screens.form import Field, FormDialog

ALL_CASES = "All cases"
MASKED = "masked: only the last 4 characters, to share publicly"
UNMASKED = "in full: for the office handling your case"


def export_form(case_titles: list[str], today: str, preset_case: str = "") -> FormDialog:
    """Ask what to export and where to write it."""
    return FormDialog("Export", [
        Field("format", "Format: md = dossier to send, csv = spreadsheet, "
              "json = complete backup, ics = calendar", choices=tuple(EXTENSIONS)),
        Field("case", "Which case", value=preset_case or ALL_CASES,
              choices=(ALL_CASES, *case_titles)),
        Field("mask", "Identifiers (account, member, reference numbers, rep IDs…)",
              choices=(MASKED, UNMASKED), required=True),
        Field("path", "Write to", value=str(Path.home() / f"holdtheline-{today}"),
              required=True),
    ], note="The file is private to you (mode 0600). The extension is added for you. "
       "Choose whether identifiers are masked: nothing is chosen for you.")
