"""The application layer: every change to cases and calls, and what screens show.

No Textual here. The App and the screens ask the ``Service``; it reads and
writes through the store and applies the domain's rules.

The names below load with the module that defines them, when first used: the command
line's read commands use ``tui.service.exports`` alone, without the playbooks, the
letters and the live call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.lazy import lazy_exports

if TYPE_CHECKING:
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
    from tui.service.service import CaseRow, HomeView, Problem, Service

_WHERE = {
    "ServiceError": "base",
    "CallRequest": "calls", "DroppedCall": "calls", "EndCallResult": "calls",
    "LiveSession": "calls", "OrganisationHold": "calls", "RecordingChoice": "calls",
    "hold_clock": "calls",
    "CaseView": "cases",
    "ExportResult": "exports", "with_extension": "exports",
    "ImportReport": "imports",
    "CaseRow": "service", "HomeView": "service", "Service": "service",
    "Problem": "service",
}


__getattr__ = lazy_exports(__name__, _WHERE)


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
    "Problem",
    "RecordingChoice",
    "Service",
    "ServiceError",
    "hold_clock",
    "with_extension",
]
