"""The big call timer with time on hold, time talking and the HOLD badge."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Static

from tui.domain.timefmt import format_elapsed
from tui.widgets.shown import update_static


class CallClock(Horizontal):
    """Total time in big digits; hold and talk times; an unmistakable HOLD badge.

    ``#total-line`` repeats the total in plain text for layouts too small for the
    big digits (the screen's stylesheet shows one or the other).
    """

    def compose(self) -> ComposeResult:
        yield Digits("00:00:00", id="total-time")
        yield Static("00:00:00", id="total-line")
        with Vertical(id="time-split"):
            yield Static("", id="hold-time")
            yield Static("", id="talk-time")
        yield Static("", id="hold-badge")

    def show(self, total: float, hold: float, talk: float, on_hold: bool) -> None:
        """Refresh the figures (called about twice a second)."""
        self.query_one("#total-time", Digits).update(format_elapsed(total))
        update_static(self.query_one("#total-line", Static), Text(format_elapsed(total)))
        update_static(self.query_one("#hold-time", Static),
                      Text(f"On hold  {format_elapsed(hold)}"))
        update_static(self.query_one("#talk-time", Static),
                      Text(f"Talking  {format_elapsed(talk)}"))
        update_static(self.query_one("#hold-badge", Static),
                      Text("▌▌ ON HOLD" if on_hold else "● Talking"))
        self.set_class(on_hold, "-on-hold")
