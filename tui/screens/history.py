"""History: every call, filtered as you type, sortable, opened read-only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from tui.domain.model import Call, CallSummary
from tui.domain.search import call_search_text, locate, match_spans, search_terms
from tui.domain.stats import CallFigures, Grouped, call_figures, grouped
from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_when
from tui.screens.base import AppScreen
from tui.service import ServiceError
from tui.widgets.key_footer import KeyFooter
from tui.widgets.quick_table import QuickTable
from tui.widgets.shown import update_static
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


def _having(pairs: Iterator[tuple[CallSummary, str]], term: str,
            ) -> Iterator[tuple[CallSummary, str]]:
    """The pairs whose search text holds ``term`` (lazily: stopped once a screenful is
    found)."""
    return (pair for pair in pairs if term in pair[1])


COUNT_AFTER = 0.1
"""Seconds after a filter keystroke before every match is counted: while the user types,
each key only finds the first screenful (drawn at once)."""


def _sort_value(column: str, row: CallSummary, title: str) -> str | float | int:
    if column == "when":
        return row.started_at
    if column == "case":
        return title.casefold()
    if column == "organisation":
        return row.organisation.casefold()
    if column == "length":
        return row.duration_seconds
    if column == "on hold":
        return row.hold_seconds
    if column == "reps":
        return len(row.reps)
    return row.outcome or ""


class HistoryScreen(AppScreen[None]):
    """Review every call offline.

    The table is drawn from the index rows at once (newest first); the calls themselves
    are read by a worker, only to make what the filter searches and what the statistics
    count, and are not kept. A filter keystroke looks only at that text, and narrows the
    previous matches when the query only grew.
    """

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
        self.rows: list[CallSummary] = []
        """Every call's index row, oldest first."""
        self.titles: dict[str, str] = {}
        self.sort_index = 0
        self.sort_reverse = True
        self.fully_loaded = False
        """True once every call has been read (search and statistics are ready)."""
        self._texts: dict[str, str] = {}
        self._figures: list[CallFigures] = []
        self._counted: Grouped | None = None
        """The statistics, counted by the worker that read the calls."""
        self._ordered: list[tuple[CallSummary, str]] | None = None
        self._last_terms: list[str] = []
        self._last_matches: list[tuple[CallSummary, str]] | None = None
        self._found: list[tuple[CallSummary, str]] = []
        """The rows matching the filter, in order (the table shows the first of them)."""
        self._rest: Iterator[tuple[CallSummary, str]] | None = None
        """The matches not looked for yet (counted once the first ones are drawn)."""
        self._query_terms: list[str] = []
        self._searching = False
        self._count_timer: Timer | None = None
        self._query = ""
        self._cell_cache: dict[str, tuple[str, str, str, str, str, str, str]] = {}
        self._today = date.min
        """The day the cells' dates are shown relative to (set as the screen opens)."""
        self._matches: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextField(placeholder="Filter: a rep's name or ID, a reference, words from notes…",
                    id="history-filter")
        yield Static("Loading calls…", id="history-count")
        yield QuickTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-match")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(QuickTable)
        widths = {"When": 12, "Case": 12, "Organisation": 14, "Length": 7, "On hold": 7,
                  "Reps": 14, "Outcome": 11}
        for label in COLUMNS:
            table.add_column(label, key=label.lower(), width=widths.get(label))
        table.add_the_rest = self._add_the_rest
        self.titles = self.service.cases.titles()
        self._today = self.service.today()
        self.rows = self.service.calls.summaries()
        self.refresh_table()
        self.load_calls()

    @property
    def calls(self) -> list[CallSummary]:
        """Every call, as its index row (oldest first)."""
        return self.rows

    @work(thread=True, exclusive=True, group="history-load", exit_on_error=False)
    def load_calls(self) -> None:
        """Read every call file in the background: what to search, what to count."""
        texts: dict[str, str] = {}
        figures: list[CallFigures] = []
        worker = get_current_worker()
        try:
            with self.htl.collector_paused():
                for item in self.service.calls.searchable(self.titles, self.service.today()):
                    if worker.is_cancelled:
                        return  # the history was left: reading on would slow what came next
                    texts[item.call_id] = item.text
                    figures.append(item.figures)
                counted = grouped(figures)  # the statistics, counted here rather than on `t`
        except Exception as error:  # noqa: BLE001 - a damaged file: say so, keep the list
            self.app.call_from_thread(self.htl.background_failed, "read every call", error)
            return
        self.app.call_from_thread(self._loaded, texts, figures, counted)

    def _loaded(self, texts: dict[str, str], figures: list[CallFigures],
                counted: Grouped) -> None:
        self._texts = texts
        self._figures = figures
        self._counted = counted
        # A damaged call file is skipped by the reading (and named by the app).
        self.rows = [row for row in self.rows if row.id in texts]
        self.fully_loaded = True
        self._ordered = None
        self.refresh_table()
        self.htl.keep_loaded()

    def _order(self) -> list[tuple[CallSummary, str]]:
        """Every row in the current order with its search text (kept until the order or
        the rows change)."""
        if self._ordered is None:
            column = SORT_KEYS[self.sort_index]
            titles = self.titles
            ordered = sorted(
                self.rows, key=lambda row: _sort_value(column, row, titles.get(row.case_id, "")),
                reverse=self.sort_reverse)
            texts = self._texts
            self._ordered = [(row, texts.get(row.id, "")) for row in ordered]
            self._last_matches = None
        return self._ordered

    def _matching(self, terms: list[str]) -> Iterator[tuple[CallSummary, str]]:
        """Rows whose search text holds every term, in order, as they are found. When
        every earlier term is still in the query, inside a longer one, only the earlier
        matches are looked at."""
        ordered = self._order()
        if not terms:
            return iter(ordered)
        candidates = ordered
        previous = self._last_matches
        if previous is not None and self._last_terms and all(
            any(old in new for new in terms) for old in self._last_terms
        ):
            candidates = previous
        found: Iterator[tuple[CallSummary, str]] = iter(candidates)
        for term in terms:
            found = _having(found, term)
        return found

    def _add_the_rest(self) -> None:
        """Every match in the table (ctrl+end: to the real last one)."""
        self._count_the_rest()
        self._add_rows(len(self._found))

    def _page(self) -> int:
        """Rows added at a time: a screenful of the terminal, at least 20."""
        return max(20, self.app.size.height)

    def _count_the_rest(self) -> None:
        """Every match, not only the first shown: for the count, scrolling, and to narrow
        the next keystroke's search. Run once typing pauses (``COUNT_AFTER``), or at once
        when the cursor needs the next rows."""
        rest = self._rest
        if rest is None or not self.is_mounted:
            return
        self._rest = None
        self._found.extend(rest)
        if self._query_terms:
            self._last_terms, self._last_matches = self._query_terms, self._found
        self._show_count()

    def _cells(self, row: CallSummary) -> tuple[str, str, str, str, str, str, str]:
        """A row's cells as shown, before highlighting (made once per call)."""
        cells = self._cell_cache.get(row.id)
        if cells is None:
            cells = (
                format_when(row.started_at, self._today),
                visible(self.titles.get(row.case_id, "")),
                visible(row.organisation),
                format_duration(row.duration_seconds),
                format_duration(row.hold_seconds),
                visible(", ".join(row.reps)),
                visible(row.outcome or ("live" if row.is_live else "")),
            )
            self._cell_cache[row.id] = cells
        return cells

    def _add_rows(self, count: int) -> None:
        """The next ``count`` matching rows, below those shown."""
        table = self.query_one(DataTable)
        query = self._query
        begin = table.row_count
        for row, _text in self._found[begin:begin + count]:
            when, title, organisation, length, held, reps, outcome = self._cells(row)
            table.add_row(  # every cell Text: a str would be parsed as markup
                Text(when),
                highlighted(title, query, 14),
                highlighted(organisation, query, 16),
                Text(length),
                Text(held),
                highlighted(reps, query, 18),
                highlighted(outcome, query, 11),
                key=row.id,
            )

    def refresh_table(self) -> None:
        """The table again from the filter and the order: the first matches at once, the
        rest counted after they are drawn (``_count_the_rest``)."""
        query = self.query_one("#history-filter", Input).value
        words = search_terms(query)
        table = self.query_one(DataTable)
        table.clear()
        self._matches = {}
        # The row highlighted next shows its own match; with no row, no stale one stays.
        update_static(self.query_one("#history-match", Static), Text(""))
        self._searching = bool(words) and not self.fully_loaded
        self._query = "" if self._searching else query
        self._query_terms = [] if self._searching else words
        found = iter(self._order()) if self._searching else self._matching(words)
        page = self._page()
        self._found = list(islice(found, page + 1))
        self._rest = found
        self._add_rows(page)
        self._show_count()
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(COUNT_AFTER, self._count_the_rest)

    def _show_count(self) -> None:
        column = COLUMNS[self.sort_index]
        order = "newest first" if self.sort_reverse else "oldest first"
        if column != "When":
            order = "high to low" if self.sort_reverse else "low to high"
        shown = len(self._found)
        counting = self._rest is not None and shown > self._page()
        more = " (more below)" if shown > self._page() else ""
        if self._searching:
            status = f"Reading {len(self.rows)} calls to search them…"
        elif not self.fully_loaded:
            status = f"{len(self.rows)} calls{more} · reading them for search…"
        elif counting:
            status = f"{shown}+ of {len(self.rows)} calls{more} · counting…"
        else:
            status = f"{shown} of {len(self.rows)} calls{more}"
        update_static(self.query_one("#history-count", Static),
                      Text(f"{status} · sorted by {column.lower()} ({order})", style="dim"))

    def match_for(self, call_id: str) -> Text:
        """Where the call matched the filter (read from its file when first asked)."""
        found = self._matches.get(call_id)
        if found is None:
            query = self.query_one("#history-filter", Input).value
            words = search_terms(query)
            found = Text("")
            if words:
                try:
                    call = self.service.calls.load(call_id)
                except ServiceError:
                    call = None
                if call is not None:
                    where, text = locate(call, self.titles.get(call.case_id, ""), words)
                    if where:
                        found = highlighted(f"{where}: {text}", query, width=400, wrap=True)
            self._matches[call_id] = found
        return found

    @on(DataTable.RowHighlighted, "#history-table")
    def _show_match(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(DataTable)
        if event.cursor_row >= table.row_count - 5:
            self._count_the_rest()
            if table.row_count < len(self._found):
                self._add_rows(self._page())  # scrolled near the end: the next rows
        match = self.match_for(str(event.row_key.value)) if event.row_key else None
        update_static(self.query_one("#history-match", Static), match or Text(""))

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
        try:
            call = self.service.calls.load(str(event.row_key.value))
        except ServiceError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.htl.open_call(call, self.titles.get(call.case_id, ""), self._corrected)

    def _corrected(self, call: Call) -> None:
        """A call was corrected on its own screen: show it as saved, search it as saved."""
        self.rows = self.service.calls.summaries()
        self._ordered = None
        self._cell_cache.pop(call.id, None)
        if call.id in self._texts:
            self._texts[call.id] = call_search_text(call, self.titles.get(call.case_id, ""))
            self._figures = [call_figures(call, self.service.today())
                             if f.call_id == call.id else f for f in self._figures]
            self._counted = grouped(self._figures)
        self._matches.pop(call.id, None)
        self.refresh_table()

    @on(DataTable.HeaderSelected, "#history-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index < len(SORT_KEYS):
            if self.sort_index == event.column_index:
                self.sort_reverse = not self.sort_reverse
            self.sort_index = event.column_index
            self._ordered = None
            self.refresh_table()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORT_KEYS)
        self._ordered = None
        self.refresh_table()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._ordered = None
        self.refresh_table()

    def action_stats(self) -> None:
        from tui.screens.stats import StatsScreen

        if not self.fully_loaded:
            self.notify("Still reading the calls: statistics in a moment.", markup=False)
            return
        self.app.push_screen(StatsScreen(self._counted or grouped(self._figures), self.titles))

    def action_export(self) -> None:
        self.htl.open_export_dialog()
