"""The one look of every dialog: centred over the screen it belongs to, a framed box."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog. Put its content in one container with the class ``dialog-box``;
    ``dialog-title``, ``field-label`` and ``dialog-buttons`` style the usual parts
    (``dialog.tcss``, loaded by the App)."""
