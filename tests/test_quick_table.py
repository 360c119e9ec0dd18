"""QuickTable draws a one-line cell exactly as Textual's DataTable does, faster."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tui.widgets.quick_table import QuickTable

CELLS: list[object] = [
    "plain text",
    "",
    "[b]markup in a str cell[/b] stays DataTable's",
    Text("cut with an ellipsis because it is far too long for the column",
         no_wrap=True, overflow="ellipsis"),
    Text("folded when too long for the column, no overflow given"),
    Text("日本語の名前と絵文字 😀😀😀 wide", no_wrap=True, overflow="ellipsis"),
    Text("[not markup] \x1b[31m shown", style="bold red"),
    Text.assemble(("BROKEN", "bold red"), " due ", ("2026-11-30", "underline")),
    Text("two\nlines"),
    Text("tab\there"),
    Text("right", justify="right"),
    Text("dim italic", style="dim italic", overflow="crop"),
    Text("\u0301\u200b zero-width and combining"),
]


class Both(App[None]):
    def compose(self) -> ComposeResult:
        yield QuickTable(id="quick", zebra_stripes=True)
        yield DataTable(id="plain", zebra_stripes=True)


def _simple(lines: list[list[Segment]]) -> list[list[Segment]]:
    return [list(Segment.simplify(line)) for line in lines]


@pytest.mark.parametrize("width", [3, 8, 14, 40])
async def test_cells_are_drawn_as_datatable_draws_them(width: int) -> None:
    app = Both()
    async with app.run_test(size=(120, 40)) as pilot:
        quick = app.query_one("#quick", QuickTable)
        for table in (quick, app.query_one("#plain", DataTable)):
            table.add_column("a", width=width)
            table.add_column("b", width=width)
            for index, cell in enumerate(CELLS):
                table.add_row(cell, f"row {index}")
        await pilot.pause()
        assert quick.virtual_size == app.query_one("#plain", DataTable).virtual_size
        base = quick.rich_style
        for row in range(len(CELLS)):
            for column in range(2):
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    quick._cell_render_cache.clear()
                    fast = quick._render_cell(row, column, base, width + 2, cursor, hover)
                    quick._cell_render_cache.clear()
                    slow = DataTable._render_cell(quick, row, column, base, width + 2,
                                                  cursor, hover)
                    assert _simple(fast) == _simple(slow), (row, column, cursor, hover)


async def test_the_table_measures_as_datatable_with_any_columns() -> None:
    """Set widths skip measuring; a column sized to its content still measures."""
    app = Both()
    async with app.run_test(size=(120, 40)) as pilot:
        tables = (app.query_one("#quick", QuickTable), app.query_one("#plain", DataTable))
        for table in tables:
            table.add_column("set", width=9)
            table.add_column("fits")
        for index in range(30):
            for table in tables:
                table.add_row(Text("x" * index), "y" * (index % 17))
            await pilot.pause()
            assert tables[0].virtual_size == tables[1].virtual_size


async def test_rows_shown_again_at_other_places_draw_as_datatable() -> None:
    """As a filter keystroke does: the same calls cleared and added again in another
    order, some with the same words in another style; every cell still drawn as
    DataTable draws it (kept cut text is never another cell's, nor stale)."""
    app = Both()
    async with app.run_test(size=(120, 40)) as pilot:
        quick = app.query_one("#quick", QuickTable)
        quick.add_column("a", width=12)
        cells = [cell for cell in CELLS if isinstance(cell, Text)]
        restyled = [Text(cell.plain, style="bold reverse", overflow=cell.overflow)
                    for cell in cells]
        base = quick.rich_style
        for rows in (cells, cells[::-1], restyled, cells[1::2] + restyled[::2]):
            quick.clear()
            for cell in rows:
                quick.add_row(cell)
            await pilot.pause()
            for row in range(len(rows)):
                fast = quick._render_cell(row, 0, base, 14)
                quick._cell_render_cache.clear()
                slow = DataTable._render_cell(quick, row, 0, base, 14)
                quick._cell_render_cache.clear()
                assert _simple(fast) == _simple(slow), (row, rows[row].plain)


class Stacked(App[None]):
    CSS = "DataTable { height: 1fr; }"
    AUTO_FOCUS = None

    def compose(self) -> ComposeResult:
        yield QuickTable(id="quick", zebra_stripes=True)
        yield DataTable(id="plain", zebra_stripes=True)


async def test_whole_frames_follow_a_change_of_theme_as_datatable() -> None:
    """The table's styles are looked up once per frame: a frame drawn after the theme
    changed has the new colours on every line, as DataTable's has."""
    from textual.geometry import Region

    app = Stacked()
    async with app.run_test(size=(60, 24)) as pilot:
        tables = (app.query_one("#quick", QuickTable), app.query_one("#plain", DataTable))
        for table in tables:
            table.add_column("a", width=12)
            table.add_column("b", width=20)
            for index, cell in enumerate(CELLS):
                table.add_row(cell, f"row {index}")
        frames = []
        for theme in ("textual-dark", "textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            quick, plain = (table.render_lines(Region(0, 0, *table.size)) for table in tables)
            assert [list(line) for line in quick] == [list(line) for line in plain], theme
            frames.append([list(line) for line in quick])
        assert frames[0] != frames[1] != frames[2]


@pytest.mark.parametrize("cursor_type", ["row", "cell", "column", "none"])
async def test_whole_frames_with_the_cursor_anywhere_as_datatable(cursor_type: str) -> None:
    """Lines drawn a row at a time (cursor, hover, zebra stripes, the blank that fills
    the line, rows cleared and added again in another order, a cell DataTable must
    draw itself in the row) are the lines DataTable draws."""
    from textual.geometry import Region

    app = Stacked()
    async with app.run_test(size=(70, 30)) as pilot:
        tables = (app.query_one("#quick", QuickTable), app.query_one("#plain", DataTable))
        simple = [cell for cell in CELLS if isinstance(cell, Text) and "\n" not in cell.plain
                  and "\t" not in cell.plain and cell.justify is None]
        for table in tables:
            table.cursor_type = cursor_type  # type: ignore[assignment]
            table.add_column("a", width=12)
            table.add_column("b", width=20)
        for rows in (simple, simple[::-1], CELLS):
            for table in tables:
                table.clear()
                for index, cell in enumerate(rows):
                    table.add_row(cell, Text(f"row {index}"))
            await pilot.pause()
            for cursor, hover, mouse in (((0, 0), (0, 0), False), ((3, 1), (5, 0), True),
                                         ((6, 0), (6, 1), True), ((2, 1), (4, 1), False)):
                for table in tables:
                    table.cursor_coordinate = Coordinate(*cursor)
                    table.hover_coordinate = Coordinate(*hover)
                    table._show_hover_cursor = mouse  # as after the mouse moved
                await pilot.pause()
                quick, plain = (table.render_lines(Region(0, 0, *table.size))
                                for table in tables)
                assert [list(line) for line in quick] == [list(line) for line in plain], \
                    (cursor_type, cursor, hover, mouse)
