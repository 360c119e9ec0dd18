"""A small keyboard-first form in a dialog, used to add case records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select

from tui.screens.dialog import Dialog
from tui.widgets.text_field import TextField

Check = Callable[[str], str | None]
"""Returns a one-line message when the value is not acceptable."""


@dataclass
class Field:
    """One question on the form."""

    key: str
    label: str
    placeholder: str = ""
    value: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    suggestions: list[str] = field(default_factory=list)
    check: Check | None = None
    hint: Callable[[str], str] | None = None
    """Shown under the field as it is typed: what the value is understood as."""


class FormDialog(Dialog[dict[str, str] | None]):
    """Ask for a few values; Enter moves on, ctrl+s saves, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="form-save"),
    ]

    def __init__(self, title: str, fields: list[Field], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="form-dialog", classes="dialog-box"):
            yield Label(self.title_text, id="form-title", classes="dialog-title", markup=False)
            if self.note:
                yield Label(self.note, id="form-note", classes="dialog-note", markup=False)
            for spec in self.fields:
                label = spec.label + ("" if spec.required else "  (optional)")
                yield Label(label, classes="field-label", markup=False)
                if spec.choices:
                    # A required choice with no value is asked, never defaulted.
                    ask = spec.required and not spec.value
                    yield Select(
                        [(choice, choice) for choice in spec.choices],
                        value=Select.NULL if ask else (spec.value or spec.choices[0]),
                        allow_blank=ask,
                        prompt="Choose…",
                        id=f"field-{spec.key}",
                        compact=True,
                    )
                else:
                    suggester = (
                        SuggestFromList(spec.suggestions, case_sensitive=False)
                        if spec.suggestions else None
                    )
                    yield TextField(
                        spec.value,
                        placeholder=spec.placeholder,
                        id=f"field-{spec.key}",
                        compact=True,
                        suggester=suggester,
                        select_on_focus=False,
                    )
                    if spec.hint is not None:
                        yield Label(spec.hint(spec.value), id=f"hint-{spec.key}",
                                    classes="field-hint", markup=False)
            with Horizontal(id="form-buttons", classes="dialog-buttons"):
                yield Button("Save  ctrl+s", variant="primary", id="form-save")
                yield Button("Cancel  esc", id="form-cancel")

    def values(self) -> dict[str, str]:
        """The answers, as typed (choices as chosen)."""
        result: dict[str, str] = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.key}")
            if isinstance(widget, Select):
                result[spec.key] = "" if widget.is_blank() else str(widget.value)
            else:
                assert isinstance(widget, Input)
                result[spec.key] = widget.value
        return result

    def problem(self) -> str | None:
        """The first thing that stops saving, in one line."""
        values = self.values()
        for spec in self.fields:
            value = values[spec.key].strip()
            if spec.required and not value:
                return f"{spec.label} is needed."
            if value and spec.check is not None:
                message = spec.check(value)
                if message:
                    return f"{spec.label}: {message}"
        return None

    @on(Input.Changed)
    def _show_hint(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        spec = next((s for s in self.fields if s.key == key), None)
        if spec is not None and spec.hint is not None:
            self.query_one(f"#hint-{key}", Label).update(spec.hint(event.value))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        last = self.fields[-1].key
        if event.input.id == f"field-{last}":
            self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        message = self.problem()
        if message:
            self.notify(message, severity="warning", markup=False)
            return
        self.dismiss(self.values())

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
