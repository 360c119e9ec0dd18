"""The one way a widget shows text it did not write itself.

``shown(text)`` is a ``rich.text.Text``: never read as markup (``[b]`` stays
``[b]``, ``[@click=app.quit]`` is not a link), with control, bidi and surrogate
characters made visible by ``tui.domain.text.visible`` (ESC as ``\\x1b``). Give
it to ``Static.update``, ``border_title``, ``DataTable`` cells, ``Option`` prompts;
for ``notify`` pass ``markup=False`` and ``visible(text)``. Editable fields draw
their value through ``tui.widgets.text_field.ControlPictures`` instead.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.domain.text import visible


def shown(text: str, style: str = "") -> Text:
    """``text`` as a widget shows it: literally, control characters visible."""
    return Text(visible(text), style=style)


def update_static(widget: Static, content: Text) -> None:
    """``widget.update(content)``, asking for a layout pass only when the text could take
    a different size: ``Static.update`` always asks for one, and a layout pass arranges
    the whole screen (the call clock updating four labels twice a second, and the rep
    chain on every key typed in a rep's name, made every keystroke wait for them)."""
    shown_now = widget.content
    before = shown_now if isinstance(shown_now, Text) else None
    if before is not None and before == content:
        return
    styles = widget.styles
    layout = True
    if before is not None:
        if styles.width is not None and styles.width.is_auto:
            layout = before.cell_len != content.cell_len
        else:
            layout = False
        if not layout and styles.height is not None and styles.height.is_auto:
            width = max(1, widget.content_region.width or widget.size.width)
            console = widget.app.console
            layout = (len(before.wrap(console, width)) != len(content.wrap(console, width)))
    widget.update(content, layout=layout)
