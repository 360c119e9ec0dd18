"""The call's notes, references and promises, each with its time stamps."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from tui.domain.text import visible
from tui.domain.timefmt import format_elapsed, format_local_time

_KIND_STYLE = {
    "note": ("", ""),
    "reference": ("REF ", "bold"),
    "promise": ("PROMISE ", "bold"),
    "claim": ("CLAIM ", "bold"),
    "rep": ("", "italic"),
    "hold": ("", "italic"),
    "gap": ("APP CLOSED", "bold"),
}


class NotesLog(RichLog):
    """A scrolling log; text is always shown literally (no markup)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, wrap=True, highlight=False, min_width=20, **kwargs)  # type: ignore[arg-type]

    def add_entry(self, kind: str, text: str, elapsed: float, at: str, extra: str = "") -> None:
        """Append one line: ``00:12:34 14:05  text``."""
        label, style = _KIND_STYLE.get(kind, ("", ""))
        line = Text.assemble(
            (format_elapsed(elapsed), "bold"),
            " ",
            (format_local_time(at), "dim"),
            "  ",
            (label, "reverse" if label else ""),
            (" " if label else ""),
            Text(visible(text, keep_newlines=True), style=style),
            (f"  {extra}" if extra else "", "dim"),
        )
        self.write(line)
