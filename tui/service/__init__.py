"""The application layer: every change to cases and calls, and what screens show.

No Textual here. The App and the screens ask the ``Service``; it reads and
writes through the store and applies the domain's rules.
"""

from tui.service.base import ServiceError
from tui.service.calls import (
    CallRequest,
    DroppedCall,
    EndCallResult,
    LiveSession,
    OrganisationHold,
    RecordingChoice,
    hold_clock,
)
from tui.service.cases import CaseView
from tui.service.exports import ExportResult, with_extension
from tui.service.imports import ImportReport
from tui.service.service import CaseRow, HomeView, Service

__all__ = [
    "CallRequest",
    "CaseRow",
    "CaseView",
    "DroppedCall",
    "EndCallResult",
    "ExportResult",
    "HomeView",
    "ImportReport",
    "LiveSession",
    "OrganisationHold",
    "RecordingChoice",
    "Service",
    "ServiceError",
    "hold_clock",
    "with_extension",
]
