"""History: every call, filtered as you type, sortable, opened read-only."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input, Static

from tui.domain.model import Call
from tui.domain.search import call_search_text, locate, match_spans, search_terms, text_matches
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_local
from tui.screens.base import AppScreen
from tui.widgets.text_field import TextField

COLUMNS = ("When", "Case", "Organisation", "Length", "On hold", "Reps", "Outcome")
SORT_KEYS = ("when", "case", "organisation", "length", "on hold", "reps", "outcome")


def highlighted(text: str, query: str, width: int = 60, wrap: bool = False) -> Text:
    """``text`` (shown literally) with every match of ``query`` highlighted."""
    shown = visible(text)
    spans = match_spans(shown, query)
    if spans and len(shown) > width and spans[0][0] > width // 3:
        cut = spans[0][0] - width // 3
        shown = "…" + shown[cut:]
        spans = match_spans(shown, query)
    result = Text(shown, no_wrap=not wrap, overflow="ellipsis")
    for begin, end in spans:
        result.stylize("bold reverse", begin, end)
    return result


MAX_ROWS = 500
"""Rows shown at once; typing narrows the rest (the screen stays quick with 10,000 calls)."""


class HistoryScreen(AppScreen[None]):
    """Review every call offline."""

    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#history-filter"
    HELP = """\
## History

Type to filter: every word must appear somewhere in the call (notes, rep
names and IDs, reference numbers, summaries, the case or the organisation);
put a phrase in double quotes to find it as typed.
Matches are highlighted; the line under the table shows where the highlighted
call matched. `down` moves into the table; Enter opens a call
read-only with its timeline. `s` sorts by the next column, `r` reverses,
`t` shows statistics, `x` exports.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history-back"),
        Binding("ctrl+f", "focus_filter", "Filter", id="history-filter", show=False),
        Binding("s", "sort", "Sort", id="history-sort"),
        Binding("r", "reverse", "Reverse", id="history-reverse"),
        Binding("t", "stats", "Stats", id="history-stats"),
        Binding("x", "export", "Export", id="history-export"),
    ]

    COMMAND_TITLES: ClassVar[dict[str, str]] = {
        "history-filter": "Filter the calls", "history-sort": "Sort by the next column",
        "history-reverse": "Reverse the order", "history-stats": "Statistics",
        "history-export": "Export…",
    }
    """How the command palette names each action (binding id → title)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.titles: dict[str, str] = {}
        self.sort_index = 0
        self.sort_reverse = True
        self._matches: dict[str, Text] = {}
        self._haystacks: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextField(placeholder="Filter: a rep's name or ID, a reference, words from notes…",
                    id="history-filter")
        yield Static("Loading calls…", id="history-count")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-match")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        widths = {"When": 12, "Case": 12, "Organisation": 14, "Length": 7, "On hold": 7,
                  "Reps": 14, "Outcome": 11}
        for label in COLUMNS:
            table.add_column(label, key=label.lower(), width=widths.get(label))
        self.titles = self.service.cases.titles()
        self.load_calls()

    @work(thread=True, exclusive=True, group="history-load")
    def load_calls(self) -> None:
        """Read every call file in the background."""
        calls = self.service.calls.all_calls()
        self.app.call_from_thread(self._loaded, calls)

    def _loaded(self, calls: list[Call]) -> None:
        self.calls = calls
        self._haystacks = {
            call.id: call_search_text(call, self.titles.get(call.case_id, "")) for call in calls
        }
        self.refresh_table()

    def _sort_key(self, call: Call) -> str | float | int:
        column = SORT_KEYS[self.sort_index]
        if column == "when":
            return call.started_at
        if column == "case":
            return self.titles.get(call.case_id, "").casefold()
        if column == "organisation":
            return call.organisation.casefold()
        if column == "length":
            return call.duration_seconds
        if column == "on hold":
            return call.hold_seconds()
        if column == "reps":
            return len(call.reps)
        return call.outcome or ""

    def refresh_table(self) -> None:
        query = self.query_one("#history-filter", Input).value
        words = search_terms(query)
        table = self.query_one(DataTable)
        table.clear()
        self._matches = {}
        shown = 0
        for call in sorted(self.calls, key=self._sort_key, reverse=self.sort_reverse):
            title = self.titles.get(call.case_id, "")
            haystack_text = self._haystacks.get(call.id, "")
            if words and not text_matches(haystack_text, words):
                continue
            shown += 1
            if shown > MAX_ROWS:
                continue
            where, text = locate(call, title, words) if words else ("", "")
            self._matches[call.id] = highlighted(f"{where}: {text}" if where else "", query,
                                                 width=400, wrap=True)
            reps = ", ".join(rep.label() for rep in call.reps)
            table.add_row(
                format_local(call.started_at, "MMM D HH:mm"),
                highlighted(title, query, 14),
                highlighted(call.organisation, query, 16),
                format_duration(call.duration_seconds),
                format_duration(call.hold_seconds()),
                highlighted(reps, query, 18),
                highlighted(call.outcome or ("live" if call.is_live else ""), query, 11),
                key=call.id,
            )
        column = COLUMNS[self.sort_index]
        order = "newest first" if self.sort_reverse else "oldest first"
        if column != "When":
            order = "high to low" if self.sort_reverse else "low to high"
        limit = f" (first {MAX_ROWS} shown: type to narrow)" if shown > MAX_ROWS else ""
        self.query_one("#history-count", Static).update(
            Text(f"{shown} of {len(self.calls)} calls{limit} · sorted by {column.lower()} "
                 f"({order})", style="dim")
        )

    @on(DataTable.RowHighlighted, "#history-table")
    def _show_match(self, event: DataTable.RowHighlighted) -> None:
        match = self._matches.get(str(event.row_key.value)) if event.row_key else None
        self.query_one("#history-match", Static).update(match or "")

    @on(Input.Changed, "#history-filter")
    def _filter(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#history-filter")
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        if key == "down" and self.focused is self.query_one("#history-filter", Input):
            self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#history-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        call = next(c for c in self.calls if c.id == event.row_key.value)
        self.htl.open_call(call, self.titles.get(call.case_id, ""), self._corrected)

    def _corrected(self, call: Call) -> None:
        """A call was corrected on its own screen: show it as saved."""
        self.calls = [call if c.id == call.id else c for c in self.calls]
        self.refresh_table()

    @on(DataTable.HeaderSelected, "#history-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index < len(SORT_KEYS):
            if self.sort_index == event.column_index:
                self.sort_reverse = not self.sort_reverse
            self.sort_index = event.column_index
            self.refresh_table()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self.refresh_table()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.refresh_table()

    def action_stats(self) -> None:
        from tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(self.calls, self.titles))

    def action_export(self) -> None:
        self.htl.open_export_dialog()
