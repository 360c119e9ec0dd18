"""The application layer: every change to cases and calls, and what screens show.

No Textual here. The App and the screens ask the ``Service``; it reads and
writes through the store and applies the domain's rules.
"""

from tui.service.base import ServiceError
from tui.service.calls import CallRequest, EndCallResult, LiveSession, RecordingChoice
from tui.service.cases import CaseView
from tui.service.exports import ExportResult, with_extension
from tui.service.imports import ImportReport
from tui.service.service import CaseRow, HomeView, Service

__all__ = [
    "CallRequest",
    "CaseRow",
    "CaseView",
    "EndCallResult",
    "ExportResult",
    "HomeView",
    "ImportReport",
    "LiveSession",
    "RecordingChoice",
    "Service",
    "ServiceError",
    "with_extension",
]
