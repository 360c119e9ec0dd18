"""The one look of every dialog: centred over the screen it belongs to, a framed box."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from tui.screens.base import LineDrawnScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType], LineDrawnScreen[ResultType]):
    """A modal dialog. Put its content in one container with the class ``dialog-box``;
    ``dialog-title``, ``field-label`` and ``dialog-buttons`` style the usual parts
    (``dialog.tcss``, loaded by the App)."""

    VERTICAL_BREAKPOINTS = [(0, "-h-short"), (16, "-h-tall")]
    """Below 16 lines a dialog loses its gaps and its buttons are one line high, so what it
    says and its buttons fit a 40x12 window."""
