"""The one look of every dialog: centred over the screen it belongs to, a framed box."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from tui.widgets.compositor import LineCompositor

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog. Put its content in one container with the class ``dialog-box``;
    ``dialog-title``, ``field-label`` and ``dialog-buttons`` style the usual parts
    (``dialog.tcss``, loaded by the App)."""

    VERTICAL_BREAKPOINTS = [(0, "-h-short"), (16, "-h-tall")]
    """Below 16 lines a dialog loses its gaps and its buttons are one line high, so what it
    says and its buttons fit a 40x12 window."""

    def __init__(
        self,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 (Screen's own parameter name)
        classes: str | None = None,
    ) -> None:
        super().__init__(name, id, classes)
        self._compositor = LineCompositor()  # a key typed redraws only its line
