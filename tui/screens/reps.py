"""The rep directory: everyone you have spoken to, by organisation, with their record."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from tui.domain.reps import RepRecord
from tui.domain.search import normalise
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_local
from tui.screens.base import AppScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.quick_table import QuickTable
from tui.widgets.text_field import TextField


def cell(text: str, style: str = "") -> Text:
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")


class RepDirectoryScreen(AppScreen[None]):
    """Who said what and who promised what, across every call."""

    CSS_PATH = "reps.tcss"
    AUTO_FOCUS = "#reps-filter"
    HELP = """\\
## Reps

Every representative you have spoken to, by organisation: the names and IDs
they gave, their role and department, how many calls and when, what they said
(claims) and what they promised, kept or broken. Type to filter; `down` moves
into the table; the highlighted rep's record shows below.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="reps-back"),
    ]

    def __init__(self, organisation: str = "") -> None:
        super().__init__()
        self.records: list[RepRecord] = []
        self._shown: list[RepRecord] = []
        self.initial = organisation

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextField(self.initial, placeholder="Filter: a name, an ID, an organisation…",
                        id="reps-filter")
        yield Static("Loading every call…", id="reps-count")
        yield QuickTable(id="reps-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="reps-detail"):
            yield Static("", id="reps-record")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Organisation", 22), ("Rep", 22), ("Role", 18), ("Calls", 5),
                             ("Last seen", 10), ("Promised", 8), ("Broken", 6)):
            table.add_column(label, key=label.lower(), width=width)
        self.load()

    @work(thread=True, exclusive=True, group="reps-load", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        try:  # every call is read: stopped if the screen is left first
            records = self.service.rep_directory(stop=lambda: worker.is_cancelled)
        except Exception as error:  # noqa: BLE001 - a damaged file: say so, keep the app
            self.app.call_from_thread(self.htl.background_failed, "read the reps", error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._loaded, records)

    def _loaded(self, records: list[RepRecord]) -> None:
        self.records = records
        self.refresh_table()

    def _wanted(self, record: RepRecord, words: list[str]) -> bool:
        text = normalise(" ".join([record.organisation, *record.names, *record.ids,
                                   *record.departments, *record.roles]))
        return all(word in text for word in words)

    def refresh_table(self) -> None:
        words = normalise(self.query_one("#reps-filter", Input).value).split()
        table = self.query_one(DataTable)
        table.clear()
        shown = [r for r in self.records if self._wanted(r, words)]
        for number, record in enumerate(shown):
            table.add_row(
                cell(record.organisation), cell(record.label, "bold"),
                cell(", ".join([*record.roles, *record.departments])),
                str(len(record.calls)), format_local(record.last_seen, "YYYY-MM-DD"),
                str(len(record.promised)),
                Text(str(record.broken), style="bold red" if record.broken else ""),
                key=str(number),
            )
        self._shown = shown
        self.query_one("#reps-count", Static).update(Text(
            f"{plural(len(shown), 'rep')} of {len(self.records)}", style="dim"))
        self._show(shown[0] if shown else None)

    def _show(self, record: RepRecord | None) -> None:
        text = Text()
        if record is not None:
            text.append(f"{visible(record.label)}  ", style="bold")
            text.append(visible(record.organisation), style="dim")
            text.append(f"\n{visible(record.summary())}")
            for claim in record.said:
                text.append(f"\n• said ({claim.date}) {visible(claim.question)}: ")
                text.append(visible(claim.says), style="bold")
            for promise in record.promised:
                due = f" (by {promise.due})" if promise.due else ""
                style = "bold red" if promise.status in ("broken", "kept late") else ""
                text.append(f"\n• promised on {format_local(promise.call_started, 'YYYY-MM-DD')}"
                            f": {visible(promise.text)}{due} — ")
                text.append(promise.status, style=style)
        self.query_one("#reps-record", Static).update(text)

    @on(Input.Changed, "#reps-filter")
    def _filter(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#reps-filter")
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowHighlighted, "#reps-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._show(self._shown[int(event.row_key.value)])
