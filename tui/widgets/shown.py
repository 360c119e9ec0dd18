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

from tui.domain.text import visible


def shown(text: str, style: str = "") -> Text:
    """``text`` as a widget shows it: literally, control characters visible."""
    return Text(visible(text), style=style)
