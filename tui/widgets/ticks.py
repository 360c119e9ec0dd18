"""Tick boxes you can read at a glance: ``[✓]`` when ticked, ``[ ]`` when not.

Textual draws a box as ``▐X▌`` both ways and tells the two apart only by a
colour, which some themes make nearly invisible. ``TickBox`` (a Checkbox) and
``Checklist`` (a SelectionList whose items wrap onto several lines) draw a
tick or a blank instead, coloured by the theme.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, SelectionList

TICKED = "[✓]"
UNTICKED = "[ ]"

ValueT = TypeVar("ValueT")


class TickBox(Checkbox):
    """A Checkbox drawn as ``[✓] label`` or ``[ ] label``."""

    DEFAULT_CSS = """
    TickBox {
        & > .toggle--button {
            color: $text-muted;
            background: transparent;
            text-style: none;
        }
        &.-on > .toggle--button {
            color: $text-success;
            background: transparent;
            text-style: bold;
        }
    }
    """

    def render(self) -> Content:
        mark = Content.styled(TICKED if self.value else UNTICKED,
                              self.get_visual_style("toggle--button"))
        label = self.label.pad(1, 1).stylize_before(self.get_visual_style("toggle--label"))
        return Content.assemble(mark, label)


def _option_of(strip: Strip) -> int | None:
    """The option a rendered line of an OptionList belongs to (from its click meta)."""
    for segment in strip:
        if segment.style is not None and "option" in segment.style.meta:
            return int(segment.style.meta["option"])
    return None


class Checklist(SelectionList[ValueT]):
    """A SelectionList whose items wrap in full, each with ``[✓]`` or ``[ ]`` in front."""

    DEFAULT_CSS = """
    Checklist {
        text-wrap: wrap;
        text-overflow: fold;
        /* Wrapped items are measured once: the scrollbar must not change the width. */
        scrollbar-gutter: stable;
        & > .selection-list--button,
        & > .selection-list--button-highlighted {
            color: $text-muted;
            background: transparent;
            text-style: none;
        }
        & > .selection-list--button-selected,
        & > .selection-list--button-selected-highlighted {
            color: $text-success;
            background: transparent;
            text-style: bold;
        }
    }
    """

    def render_line(self, y: int) -> Strip:
        # The item's text as the OptionList draws it (wrapped over several lines),
        # then the mark on the item's first line and a blank indent on the others.
        line = OptionList.render_line(self, y)
        index = _option_of(line)
        if index is None:
            return line
        first = (self.scroll_offset.y + y == 0
                 or _option_of(OptionList.render_line(self, y - 1)) != index)
        underlying = next(iter(line)).style or self.rich_style
        meta = Style(meta={"option": index})
        if not first:
            return Strip([Segment(" " * len(TICKED + " "), underlying + meta), *line])
        ticked = self.get_option_at_index(index).value in self.selected
        component = "selection-list--button" + ("-selected" if ticked else "")
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component)
        # Only the mark's colour and weight: the row keeps its own (highlight) background.
        mark_style = underlying + Style(color=button.color, bold=button.bold) + meta
        return Strip([
            Segment(TICKED if ticked else UNTICKED, mark_style),
            Segment(" ", underlying + meta),
            *line,
        ])
