"""The current representative: first name, ID (or refused), role, department."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select

from tui.domain.model import ROLES, Rep
from tui.widgets.text_field import TextField
from tui.widgets.ticks import TickBox


class RepForm(Container):
    """Edits one rep in place; posts ``RepForm.Edited`` on every change.

    The fields are laid out on a grid by the screen's stylesheet (two rows when
    wide, three when narrow), in the order Tab visits them: first name, ID,
    "Refused ID" (beside the ID it stands for), role, department.
    """

    @dataclass
    class Edited(Message):
        """A field of the current rep changed."""

        field: str
        value: str | bool

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Label("Rep 1", id="rep-number")
        yield TextField(placeholder="First name", id="rep-name", select_on_focus=False)
        yield TextField(placeholder="Rep ID", id="rep-id", select_on_focus=False)
        yield TickBox("Refused ID", id="rep-refused", compact=True)
        yield Select(
            [(role.capitalize(), role) for role in ROLES],
            value="agent",
            allow_blank=False,
            id="rep-role",
            compact=True,
        )
        yield TextField(placeholder="Department", id="rep-dept", select_on_focus=False)

    def load(self, rep: Rep, number: int) -> None:
        """Show ``rep`` (the ``number``-th on this call) without posting edits."""
        self._loading = True
        try:
            self.query_one("#rep-number", Label).update(f"Rep {number}")
            self.query_one("#rep-name", Input).value = rep.first_name
            self.query_one("#rep-id", Input).value = rep.rep_id
            self.query_one("#rep-role", Select).value = rep.role if rep.role in ROLES else "other"
            self.query_one("#rep-dept", Input).value = rep.department
            self.query_one("#rep-refused", Checkbox).value = rep.id_refused
        finally:
            self._loading = False
        self.query_one("#rep-id", Input).disabled = rep.id_refused

    def focus_name(self) -> None:
        self.query_one("#rep-name", Input).focus()

    def focus_id(self) -> None:
        """The ID field, or "Refused ID" when the rep refused (the ID field is then off)."""
        field = self.query_one("#rep-id", Input)
        if field.disabled:
            self.query_one("#rep-refused", Checkbox).focus()
        else:
            field.focus()

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        fields = {"rep-name": "first_name", "rep-id": "rep_id", "rep-dept": "department"}
        if not self._loading and event.input.id in fields:
            self.post_message(self.Edited(fields[event.input.id], event.value))

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field, like Tab, but from the ID straight to the
        role: a second Enter must not tick "Refused ID" by accident."""
        event.stop()
        if event.input.id == "rep-id":
            self.query_one("#rep-role", Select).focus()
        else:
            self.screen.focus_next()

    @on(Select.Changed)
    def _role_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self._loading and isinstance(event.value, str):
            self.post_message(self.Edited("role", event.value))

    @on(Checkbox.Changed)
    def _refused_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#rep-id", Input).disabled = event.value
        if not self._loading:
            self.post_message(self.Edited("id_refused", event.value))
