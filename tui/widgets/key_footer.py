"""The footer of key bindings, built again only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

KeysShown = tuple[tuple[str, str, str, bool, str], ...]


class KeyFooter(Footer):
    """Textual's Footer, without rebuilding every key when nothing it shows changed.

    Textual removes and mounts all the footer's keys whenever the screen's bindings
    may have changed: at every focus change (each Tab, and several times as a screen
    opens), about a dozen widgets each time. Here that happens only when the keys,
    their labels or whether they are enabled differ, and once for several changes
    reported before it happens (three as a call screen opens). Compact keys are made
    with their compact class, so none is restyled on its own just after being styled.
    """

    _keys_composed: KeysShown | None = None
    _rebuild_asked = False
    """A rebuild is on its way: it reads the keys when it runs, so no second one."""

    def _keys_shown(self) -> KeysShown:
        """What the footer would show now: key, label, action, enabled, tooltip."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip or "")
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )

    def compose(self) -> ComposeResult:
        self._rebuild_asked = False
        self._keys_composed = self._keys_shown() if self._bindings_ready else None
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                widget.add_class("-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        ours = self.is_attached and screen is self.screen
        if ours and (self._rebuild_asked or (
                self._keys_composed is not None and self._keys_shown() == self._keys_composed)):
            self._bindings_ready = True
            return
        self._rebuild_asked = ours and screen.app.app_focus
        super().bindings_changed(screen)
