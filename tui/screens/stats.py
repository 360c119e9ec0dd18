"""Statistics per case and per organisation, with a picture of hold time."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Sparkline, Static

from tui.domain.stats import Grouped, Stats
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_duration
from tui.screens.base import AppScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.quick_table import QuickTable

COLUMNS = ("", "Calls", "They called", "Hold total", "Longest hold", "Talk", "Reps", "Refused ID",
           "Promised", "Kept", "Broken", "Kept late")


def row(name: str, stats: Stats) -> list[object]:
    return [
        Text(visible(name), no_wrap=True, overflow="ellipsis"), str(stats.calls),
        str(stats.incoming),
        format_duration(stats.hold_seconds), format_duration(stats.longest_hold),
        format_duration(stats.talk_seconds), str(stats.distinct_reps), str(stats.refused_id),
        str(stats.promises_made), str(stats.kept),
        Text(str(stats.broken), style="bold red" if stats.broken else ""),
        str(stats.kept_late),
    ]


class StatsScreen(AppScreen[None]):
    """Where the hours went, and who kept their word."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="stats-back"),
    ]

    def __init__(self, counted: Grouped, titles: dict[str, str]) -> None:
        super().__init__()
        self.counted = counted
        """Every call counted, by organisation and by case (as the history loaded)."""
        self.titles = titles

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("", id="stats-total")
            yield Static("Time on hold, call by call (oldest → newest)",
                         classes="section-title")
            yield Sparkline([], id="hold-sparkline")
            yield Static("By organisation", classes="section-title")
            yield QuickTable(id="stats-orgs", cursor_type="row")
            yield Static("By case", classes="section-title")
            yield QuickTable(id="stats-cases", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        counted = self.counted
        total = counted.total
        text = Text()
        text.append(f"{plural(total.calls, 'call')} · {format_duration(total.hold_seconds)} "
                    f"on hold ({total.hold_seconds / 3600:.1f} hours) · "
                    f"{format_duration(total.talk_seconds)} talking · "
                    f"{plural(total.distinct_reps, 'different rep')}", style="bold")
        if total.broken:
            text.append(f" · {plural(total.broken, 'broken promise')}", style="bold red")
        if total.not_recorded_seconds >= 1:
            text.append(f" · not recorded {format_duration(total.not_recorded_seconds)} "
                        "(the app was closed during calls)", style="dim")
        self.query_one("#stats-total", Static).update(text)
        self.query_one(Sparkline).data = [value / 60 for value in total.hold_per_call] or [0]
        for table_id, groups in (
            ("stats-orgs", counted.by_organisation),
            ("stats-cases", self._by_title(counted.by_case)),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            rows = [row(name, stats) for name, stats in groups.items()]
            for index, label in enumerate(COLUMNS):
                # Widths worked out here from the text (DataTable would measure every cell).
                widest = max((cell_len(str(cells[index])) for cells in rows), default=0)
                table.add_column(label or ("Organisation" if table_id == "stats-orgs"
                                           else "Case"),
                                 width=22 if not label else max(cell_len(label), widest))
            for cells in rows:
                table.add_row(*cells)

    def _by_title(self, by_case: dict[str, Stats]) -> dict[str, Stats]:
        """Cases by title (two cases with one title are told apart by their id)."""
        named: dict[str, Stats] = {}
        for case_id, stats in by_case.items():
            title = self.titles.get(case_id, case_id)
            named[title if title not in named else f"{title} ({case_id})"] = stats
        return named
