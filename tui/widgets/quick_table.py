"""A DataTable that draws its one-line cells directly.

Textual's DataTable renders every cell through Rich's general machinery (a ``Padding``
inside ``Styled``, then ``Console.render_lines``): about a third of a millisecond a
cell, so redrawing a 120×40 table after a filter keystroke took some 70 ms. A cell of
one line of text (every cell this app shows) is drawn here the way that machinery
draws it, in a few calls: cut to the column (with its overflow), padded, styled. Any
other cell (several lines, tabs, justified text, headers) is left to DataTable.
``tests/test_quick_table.py`` checks that both draw the same segments.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from functools import cached_property
from typing import TypeVar, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import Column, CursorType, RowKey

SegmentLines = list[list[Segment]]
RowConstants = tuple[CursorType, bool, bool, list[tuple[int, int]], int]
"""What every line of a frame shares (``QuickTable._row_constants``)."""
SEGMENTS_KEPT = 4096
"""Cells whose cut, padded text is kept (several screenfuls of a wide table)."""
_JOIN = Text("\n")
Kept = TypeVar("Kept")


def _one_line(cell: object) -> bool:
    """Is the cell one line of text that ``QuickTable`` draws itself?"""
    return (isinstance(cell, Text) and "\n" not in cell.plain and "\t" not in cell.plain
            and cell.justify in (None, "default"))


class QuickTable(DataTable[object]):
    """DataTable, with one-line text cells drawn directly (same segments, less work).

    A screen that adds rows a screenful at a time sets ``add_the_rest``: ctrl+end (the
    last row) then lists every row first, so it lands on the real last one."""

    add_the_rest: Callable[[], None] | None = None
    _frame_styles: dict[Hashable, object] | None = None
    """Styles looked up while one frame is drawn (``render_lines``), else ``None``."""

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draws the lines with the table's styles looked up once for the frame: DataTable
        asks for them on every line, and each answer walks every ancestor (a fifth of
        the time a filter keystroke's frame took)."""
        self._frame_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._frame_styles = None

    def _kept_for_frame(self, key: Hashable, make: Callable[[], Kept]) -> Kept:
        kept = self._frame_styles
        if kept is None:
            return make()
        if key not in kept:
            kept[key] = make()
        return cast(Kept, kept[key])

    @property
    def rich_style(self) -> Style:
        return self._kept_for_frame("rich_style", lambda: super(QuickTable, self).rich_style)

    @property
    def background_colors(self) -> tuple[Color, Color]:
        return self._kept_for_frame("background_colors",
                                    lambda: super(QuickTable, self).background_colors)

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        if row_index == -1:
            name = "datatable--header"
        elif row_index < self.fixed_rows:
            name = "datatable--fixed"
        elif self.zebra_stripes:
            name = "datatable--odd-row" if row_index % 2 else "datatable--even-row"
        else:
            return base_style
        return self._kept_for_frame(name, lambda: self.get_component_styles(name).rich_style)

    @cached_property
    def _segments_kept(self) -> dict[tuple[object, ...], list[Segment]]:
        return {}

    def _cell_segments(self, cell: Text, width: int) -> list[Segment]:
        """The cell's text cut to the column and padded, before the table's styles.

        Kept by what the text is (not by row position), so a filter keystroke that
        shows again the calls already on screen, at new rows, does not lay them out
        again; bounded to a few screenfuls."""
        key = (cell.plain, cell.style, tuple(cell.spans), cell.overflow, width,
               self.cell_padding)
        cache = self._segments_kept
        found = cache.get(key)
        if found is not None:
            return found
        pad = self.cell_padding
        inner = width - 2 * pad
        line = cell.copy()
        line.truncate(inner, overflow=cell.overflow or "fold")
        # As Text.__rich_console__ does: joined, the text's own style becomes a span.
        line = _JOIN.join([line])
        segments = Segment.adjust_line_length(list(line.render(self.app.console, end="")),
                                              inner)
        if pad:
            padding = Segment(" " * pad)
            segments = [padding, *segments, padding]
        if len(cache) >= SEGMENTS_KEPT:
            cache.clear()
        cache[key] = segments
        return segments

    @property
    def ordered_columns(self) -> list[Column]:
        """The columns in order, listed once per frame (DataTable lists them for every
        line, twice)."""
        return self._kept_for_frame("ordered_columns",
                                    lambda: super(QuickTable, self).ordered_columns)

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """A row of one-line text cells, drawn as DataTable draws it, with what is the
        same for every line of a frame (the cursor's kind, the columns, their widths)
        looked up once, and each cell's styles added once per row (DataTable adds them
        cell by cell, reading a dozen of the table's settings for each: most of a
        filter keystroke's frame). Anything else (a header, labels, fixed rows or
        columns, a cell that is not one line of text) is left to DataTable."""
        frame = self._frame_styles
        if frame is None or line_no or row_key is self._header_row_key:
            return super()._render_line_in_row(row_key, line_no, base_style,
                                               cursor_location, hover_location)
        constants = self._kept_for_frame("row constants", self._row_constants)
        if constants is None:
            return super()._render_line_in_row(row_key, line_no, base_style,
                                               cursor_location, hover_location)
        cursor_type, show_cursor, show_hover, columns, extend_width = constants
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location,
                     cursor_type, show_cursor, show_hover, self._update_count,
                     self._pseudo_class_state)
        cached = self._row_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key)
        row_index = self._row_locations.get(row_key)
        if row is None or row.height != 1 or row_index is None:
            return super()._render_line_in_row(row_key, line_no, base_style,
                                               cursor_location, hover_location)
        cells = self._get_row_renderables(row_index)[1]
        if len(cells) != len(columns) or not all(map(_one_line, cells)):
            return super()._render_line_in_row(row_key, line_no, base_style,
                                               cursor_location, hover_location)
        row_style = self._get_row_style(row_index, base_style)
        styles_for = self._get_styles_to_render_cell
        css_foreground = self.cursor_foreground_priority == "css"
        css_background = self.cursor_background_priority == "css"
        whole_row = cursor_type == "row"
        scrollable_row: SegmentLines = []
        for column_index, width in columns:
            if whole_row:
                cursor = cursor_location.row == row_index
                hover = hover_location.row == row_index
            else:
                cursor = self._should_highlight(cursor_location,
                                                Coordinate(row_index, column_index), cursor_type)
                hover = self._should_highlight(hover_location,
                                               Coordinate(row_index, column_index), cursor_type)
            component_style, post_style = styles_for(
                False, False, False, hover, cursor, show_cursor, show_hover,
                css_foreground, css_background)
            # (row + component) + meta is row + meta + component: neither has meta, and
            # the meta has no colours or attributes.
            key = ("cell style", row_style, component_style)
            styled = frame.get(key)
            if not isinstance(styled, Style):
                styled = frame[key] = row_style + component_style
            style = styled + Style.from_meta({"row": row_index, "column": column_index})
            scrollable_row.append(list(Segment.apply_style(
                self._cell_segments(cast(Text, cells[column_index]), width), style,
                post_style)))
        if whole_row:
            extend_style, _ = styles_for(
                False, False, False,
                self._should_highlight(hover_location, Coordinate(row_index or 0, 0),
                                       cursor_type),
                row_index == cursor_location.row, show_cursor, show_hover, False, False)
            extend_style = row_style + extend_style
        elif row_style.bgcolor is not None:
            faded = Color.from_rich_color(row_style.bgcolor).blend(
                self.background_colors[1], factor=0.25)
            extend_style = Style.from_color(color=row_style.color, bgcolor=faded.rich_color)
        else:
            extend_style = Style.from_color(row_style.color, row_style.bgcolor)
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable_row.append([Segment(" " * extend_width, extend_style)])
        drawn: tuple[SegmentLines, SegmentLines] = ([], scrollable_row)
        self._row_render_cache[cache_key] = drawn
        return drawn

    def _row_constants(self) -> RowConstants | None:
        """What every line of a frame shares, or ``None`` when the rows need DataTable's
        own drawing: the cursor's kind, whether cursor and hover show, each column's
        index and width, and the width of the blank that fills the line."""
        if (self.fixed_columns or self.fixed_rows
                or (self._labelled_row_exists and self.show_row_labels)):
            return None
        padding = self.cell_padding
        columns = [(index, column.get_render_width(self))
                   for index, column in enumerate(self.ordered_columns)]
        if any(width <= 2 * padding for _, width in columns):
            return None
        table_width = sum(width for _, width in columns) + self._row_label_column_width
        return (self.cursor_type, self.show_cursor, self._show_hover_cursor, columns,
                max(0, self.size.width - table_width))

    def action_scroll_bottom(self) -> None:
        if self.add_the_rest is not None:
            self.add_the_rest()
        super().action_scroll_bottom()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """With every column of a set width and rows of one line, new rows change only
        the table's height: DataTable would still measure each of their cells."""
        new_rows = list(new_rows)
        if any(column.auto_width for column in self.columns.values()) or any(
            (row := self.rows.get(key)) is not None and (row.label is not None or row.auto_height)
            for key in new_rows
        ):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        if row_index < 0 or column_index < 0 or width <= 2 * self.cell_padding:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = self.rows.get(row_key) if row_key is not None else None
        if row is None or row.height != 1 or row_key is None or column_key is None:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        cell = self._get_row_renderables(row_index)[1][column_index]
        if (
            not isinstance(cell, Text)
            or "\n" in cell.plain
            or "\t" in cell.plain
            or cell.justify not in (None, "default")
        ):
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor, hover)
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        segments = self._cell_segments(cell, width)
        drawn = [list(Segment.apply_style(segments, pre_style + component_style, post_style))]
        self._cell_render_cache[cache_key] = drawn
        return drawn

