"""A compositor that draws, for a partial update, only the lines that changed.

Textual's ``Compositor._get_renders`` (8.2.8) renders, for every update, each widget
whose *clip* (its container's visible area) meets the changed area, and all of its
lines; ``_render_chops`` then keeps the changed lines and drops the rest. On the live
call a key typed in the rep's name changes one line of one field, yet 18 widgets were
rendered in full (the screen's forty lines, the notes, the playbook panel...): about
7 ms a frame, twice a key, on this machine. Here each widget is rendered only if what
it shows meets the changed area, and only on the changed lines. What is drawn is the
same (``tests/test_compositor.py`` compares the two on every screen).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class LineCompositor(Compositor):
    """``Compositor`` rendering only the widgets and lines an update changes."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        top, bottom = crop.y, crop.bottom
        left, right = crop.x, crop.right
        intersection = Region.intersection
        for widget, (region, clip) in self.visible_widgets.items():
            x, y, width, height = intersection(region, clip)  # what it shows
            first, last = max(y, top), min(y + height, bottom)
            if not width or last <= first or x >= right or x + width <= left:
                continue  # nothing it shows is on the changed lines
            # ``_render_chops`` places the strips on region ∩ clip: narrowed to these lines.
            shown = Region(x, first, width, last - first)
            yield region, shown, widget.render_lines(
                Region(x - region.x, first - region.y, width, last - first))
