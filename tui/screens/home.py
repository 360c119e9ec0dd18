"""Home: open cases and recent calls; one key starts a call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import arrow
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tui.domain.text import visible
from tui.domain.timefmt import format_duration, format_local

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp


MAX_FOLLOWUPS = 20
"""At most this many follow-ups on the home screen (the most recent overdue first)."""


def cell(text: str) -> Text:
    """A table cell showing user text literally, cut with … when too long."""
    return Text(visible(text), no_wrap=True, overflow="ellipsis")


class HomeScreen(Screen[None]):
    """The first thing the user sees."""

    CSS_PATH = "home.tcss"
    HELP = """\
## Home

Your open cases and your most recent calls.

Press `c` to start a call: pick or name the case, then who you are calling.
Select a case and press Enter to call again about it.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "start_call", "Start call", id="start-call",
                tooltip="Start a new call (pick the case and the organisation)"),
        Binding("p", "playbooks", "Playbooks", id="playbooks",
                tooltip="Browse every playbook and any load errors"),
    ]

    @property
    def htl(self) -> HoldTheLineApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static("", id="home-empty")
            yield Static("Follow-ups", classes="section-title", id="followups-title")
            yield DataTable(id="followups-table", cursor_type="row")
            yield Static("Open cases", classes="section-title")
            yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
            yield Static("Recent calls", classes="section-title")
            yield DataTable(id="calls-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        cases = self.query_one("#cases-table", DataTable)
        cases.add_column("Case", key="case", width=40)
        cases.add_column("Calls", key="calls")
        cases.add_column("Last call", key="last")
        followups = self.query_one("#followups-table", DataTable)
        followups.add_column("Due", key="due", width=18)
        followups.add_column("Promised", key="what", width=32)
        followups.add_column("By", key="by", width=16)
        calls = self.query_one("#calls-table", DataTable)
        widths = {"When": 12, "Case": 12, "Organisation": 15, "Length": 7, "On hold": 7,
                  "Outcome": 11}
        for label in ("When", "Case", "Organisation", "Length", "On hold", "Outcome"):
            calls.add_column(label, key=label.lower(), width=widths.get(label))
        self.query_one("#cases-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Shown first, and again after every call: reload the lists."""
        self.refresh_lists()

    def refresh_lists(self) -> None:
        """Reload both tables from the store's in-memory index."""
        store = self.htl.store
        summaries = store.call_summaries()
        by_case: dict[str, list[dict[str, Any]]] = {}
        for row in summaries:
            by_case.setdefault(str(row["case_id"]), []).append(row)
        cases = self.query_one("#cases-table", DataTable)
        cases.clear()
        for case in store.list_cases():
            if case.status != "open":
                continue
            rows = by_case.get(case.id, [])
            last = format_local(str(rows[-1]["started_at"]), "MMM D HH:mm") if rows else "—"
            cases.add_row(cell(case.title), str(len(rows)), last, key=case.id)
        calls = self.query_one("#calls-table", DataTable)
        calls.clear()
        titles = {case.id: case.title for case in store.list_cases()}
        for row in reversed(summaries[-50:]):
            calls.add_row(
                format_local(str(row["started_at"]), "MMM D HH:mm"),
                cell(titles.get(str(row["case_id"]), "?")),
                cell(str(row["organisation"])),
                format_duration(float(row["duration_seconds"])),  # type: ignore[arg-type]
                format_duration(float(row["hold_seconds"])),  # type: ignore[arg-type]
                cell(str(row["outcome"] or ("live" if row["status"] == "live" else ""))),
                key=str(row["id"]),
            )
        self._show_followups(summaries)
        empty = self.query_one("#home-empty", Static)
        empty.display = not summaries and not store.list_cases()
        empty.update("No calls yet. Press  c  to start your first call.")

    def _show_followups(self, summaries: list[dict[str, Any]]) -> None:
        """Promises with a due date that are not done yet, soonest first."""
        today = arrow.get(self.htl.clock.now()).to("local").date().isoformat()
        due: list[tuple[str, str, str]] = []
        for row in summaries:
            for promise in row.get("promises", []):
                if promise.get("due") and not promise.get("done"):
                    due.append((promise["due"], promise["text"], str(row["organisation"])))
        table = self.query_one("#followups-table", DataTable)
        table.clear()
        due.sort()
        overdue = [item for item in due if item[0] < today]
        coming = [item for item in due if item[0] >= today]
        shown = (overdue[-(MAX_FOLLOWUPS // 2) :] + coming)[:MAX_FOLLOWUPS]
        for when, text, organisation in shown:
            if when < today:
                label = Text(f"{when} overdue", style="bold red")
            elif when == today:
                label = Text(f"{when} today", style="bold")
            else:
                label = Text(when)
            table.add_row(label, cell(text), cell(organisation))
        table.display = bool(due)
        self.query_one("#followups-title", Static).display = bool(due)

    def action_playbooks(self) -> None:
        from tui.screens.playbooks import PlaybooksScreen

        self.app.push_screen(PlaybooksScreen())

    def action_start_call(self, case_id: str | None = None) -> None:
        self.htl.open_start_dialog(case_id=case_id)

    @on(DataTable.RowSelected, "#cases-table")
    def _case_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_start_call(str(event.row_key.value))
