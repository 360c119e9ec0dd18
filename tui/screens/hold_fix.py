"""Fixing holds: "on hold since N minutes ago" during a call, a hold's start and end
afterwards. Both are plain forms; the service checks and keeps the original."""

from __future__ import annotations

from tui.domain.holds import HoldProblem, parse_minutes_ago
from tui.domain.model import HoldSegment
from tui.screens.form import Field, FormDialog
from tui.service import hold_clock


def _check_minutes(value: str) -> str | None:
    try:
        parse_minutes_ago(value)
    except HoldProblem as error:
        return str(error)
    return None


def hold_since_dialog(on_hold: bool) -> FormDialog:
    """During a call: since how many minutes have you been on hold?"""
    now = ("You are on hold: its start moves back to then."
           if on_hold else "A hold starts now, back-dated to then.")
    return FormDialog("On hold since…", [
        Field("minutes", "Minutes ago", "12", required=True, check=_check_minutes),
    ], note=f"Forgot ctrl+o? {now} The time you pressed is kept with the correction.")


def hold_correction_dialog(segment: HoldSegment) -> FormDialog:
    """After a call: the hold's start and end as local times of day, and why."""
    end = hold_clock(segment.end) if segment.end else ""
    return FormDialog("Fix this hold", [
        Field("start", "On hold from (HH:MM or HH:MM:SS)", "14:02",
              value=hold_clock(segment.start), required=True),
        Field("end", "Off hold at (HH:MM or HH:MM:SS)", "14:30", value=end, required=True),
        Field("reason", "Why", "pressed ctrl+o late"),
    ], note="The hold as first recorded is kept with the correction; totals use the "
            "corrected times.")
