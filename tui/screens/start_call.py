"""Start a call: pick or create the case, pick whom you are calling."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from tui.domain.followups import FollowUp
from tui.domain.model import Case
from tui.domain.text import visible
from tui.playbooks import Playbook
from tui.screens.dialog import Dialog
from tui.service import CallRequest
from tui.widgets.pick_list import PickList
from tui.widgets.text_field import TextField

OTHER = "__other__"


class StartCallDialog(Dialog[CallRequest | None]):
    """Two questions, answerable with the keyboard alone."""

    CSS_PATH = "start_call.tcss"
    AUTO_FOCUS = "#case-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="start-cancel"),
        Binding("ctrl+s", "confirm", "Dial", priority=True, id="start-confirm"),
    ]

    def __init__(
        self,
        cases: list[Case],
        playbooks: list[Playbook],
        case_title: str = "",
        playbook_id: str = "",
        incoming: bool = False,
        open_followups: Callable[[str], list[FollowUp]] | None = None,
    ) -> None:
        super().__init__()
        self.cases = [case for case in cases if case.status == "open"]
        self.playbooks = playbooks
        self.initial_case = case_title
        self.initial_playbook = playbook_id
        self.incoming = incoming
        """They called: ask for their number and which promised call back this is."""
        self._open_followups = open_followups or (lambda _title: [])

    def compose(self) -> ComposeResult:
        titles = [case.title for case in self.cases]
        with Vertical(id="start-dialog", classes="dialog-box"):
            yield Label("They called you" if self.incoming else "Start a call",
                        id="start-title", classes="dialog-title")
            yield Label("Case — pick one or type a new name", classes="field-label")
            yield TextField(
                self.initial_case,
                placeholder="e.g. Coverage restricted",
                id="case-input",
                suggester=SuggestFromList(titles, case_sensitive=False),
                compact=True,
            )
            yield PickList(
                *[Option(Text(visible(case.title)), id=case.id) for case in self.cases],
                id="case-list",
                compact=True,
            )
            yield Label(("Who called?" if self.incoming else "Who are you calling?")
                        + "  (type to find)", classes="field-label")
            options = [
                Option(
                    Text.assemble(visible(p.name), ("  " + visible(p.main_number), "dim")),
                    id=p.id,
                )
                for p in self.playbooks
            ]
            options.append(Option("Someone else (type the name below)", id=OTHER))
            yield PickList(*options, id="org-list", compact=True, not_found=[OTHER])
            yield TextField(placeholder="Organisation name", id="org-input", compact=True)
            if self.incoming:
                yield Label("Their number (caller ID), if shown", classes="field-label")
                yield TextField(placeholder="e.g. 1-877-623-6765", id="caller-number",
                                compact=True)
                yield Label("Is this a call they promised? (space ticks; it is marked kept)",
                            classes="field-label", id="fulfils-label")
                yield SelectionList[str](id="fulfils", compact=True)
            with Horizontal(id="start-buttons", classes="dialog-buttons"):
                yield Button("Answer  ctrl+s" if self.incoming else "Dial  ctrl+s",
                             variant="primary", id="start-confirm")
                yield Button("Cancel  esc", id="start-cancel")

    def on_mount(self) -> None:
        org_list = self.query_one("#org-list", OptionList)
        self.query_one("#case-list", OptionList).display = bool(self.cases)
        if self.initial_playbook:
            for index, playbook in enumerate(self.playbooks):
                if playbook.id == self.initial_playbook:
                    org_list.highlighted = index
        elif self.playbooks:
            org_list.highlighted = 0
        self._show_followups()

    @on(Input.Changed, "#case-input")
    def _show_followups(self) -> None:
        """For an incoming call: the case's open promises, one of which it may keep."""
        if not self.incoming:
            return
        found = self._open_followups(self.query_one("#case-input", Input).value)
        options = self.query_one("#fulfils", SelectionList)
        options.clear_options()
        options.add_options(Selection(Text(f"{f.due.isoformat()}  {visible(f.organisation)}: "
                                           f"{visible(f.text)}"), f.key) for f in found)
        options.display = bool(found)
        self.query_one("#fulfils-label").display = bool(found)

    @on(PickList.NoMatch, "#case-list")
    def _case_typed(self, event: PickList.NoMatch) -> None:
        """Letters matching no open case: the name of a new one if none is typed yet;
        with a case named, they were meant for whom to call (Tab from the case name
        lands here when there are open cases): they go to the organisations. Never
        dropped."""
        field = self.query_one("#case-input", Input)
        if field.value.strip():
            org_list = self.query_one("#org-list", PickList)
            org_list.focus()
            org_list.take(event.typed)
            return
        self._type_into(field, event.typed)

    @on(PickList.NoMatch, "#org-list")
    def _org_typed_in_list(self, event: PickList.NoMatch) -> None:
        """Letters matching no playbook: someone else's name, typed into its field."""
        org_list = self.query_one("#org-list", OptionList)
        org_list.highlighted = org_list.get_option_index(OTHER)
        self._type_into(self.query_one("#org-input", Input), event.typed)

    @staticmethod
    def _type_into(field: Input, text: str) -> None:
        """``text`` in ``field`` as if typed there: the cursor after it, the keys to come
        going on from there."""
        field.value = text
        field.cursor_position = len(text)
        field.focus()

    @on(Input.Submitted, "#case-input")
    def _case_entered(self) -> None:
        self.query_one("#org-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#case-list")
    def _case_picked(self, event: OptionList.OptionSelected) -> None:
        case = next(c for c in self.cases if c.id == event.option.id)
        self.query_one("#case-input", Input).value = case.title
        self.query_one("#org-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#org-list")
    def _org_picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == OTHER:
            self.query_one("#org-input", Input).focus()
        elif self.incoming:
            self.query_one("#caller-number", Input).focus()
        else:
            self.action_confirm()

    @on(Input.Submitted, "#org-input")
    def _org_typed(self) -> None:
        if self.incoming:
            self.query_one("#caller-number", Input).focus()
        else:
            self.action_confirm()

    @on(Input.Submitted, "#caller-number")
    def _number_typed(self) -> None:
        self.action_confirm()

    def _incoming(self, request: CallRequest) -> CallRequest:
        if not self.incoming:
            return request
        request.direction = "incoming"
        request.number = self.query_one("#caller-number", Input).value.strip()
        request.fulfils = list(self.query_one("#fulfils", SelectionList).selected)
        return request

    def _request(self) -> CallRequest | str:
        """The request, or a message saying what is missing."""
        title = self.query_one("#case-input", Input).value.strip()
        if not title:
            return "Name the case first, e.g. 'Coverage restricted'."
        typed = self.query_one("#org-input", Input).value.strip()
        highlighted = self.query_one("#org-list", OptionList).highlighted_option
        if typed and (highlighted is None or highlighted.id == OTHER or
                      self.focused is self.query_one("#org-input", Input)):
            return self._incoming(CallRequest(case_title=title, organisation=typed))
        if highlighted is None or highlighted.id == OTHER:
            return "Pick whom you are calling, or type the organisation's name."
        playbook = next(p for p in self.playbooks if p.id == highlighted.id)
        return self._incoming(CallRequest(title, playbook.name, playbook.id,
                                          playbook.main_number))

    @on(Button.Pressed, "#start-confirm")
    def action_confirm(self) -> None:
        request = self._request()
        if isinstance(request, str):
            self.notify(request, severity="warning")
            return
        self.dismiss(request)

    @on(Button.Pressed, "#start-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
