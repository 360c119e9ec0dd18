"""The Textual app: navigation between screens, global keys, start-up. Kept thin.

Every change to data goes through the application layer (``tui.service``);
the App only decides which screen or dialog is shown and when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.domain.model import Call
from tui.domain.text import plural, visible
from tui.screens.call import CallClosed
from tui.service import CallRequest, Service, ServiceError, with_extension
from tui.typeahead import TypeAheadApp


@dataclass
class ExportChoice:
    """What the export dialog asked for."""

    fmt: str
    case_title: str | None
    path: Path
    mask: bool


class HoldTheLineApp(TypeAheadApp[None]):
    """Hold the Line."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/dialog.tcss"]
    TITLE = "Hold the Line"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit",
                tooltip="Quit; a call still running is saved as interrupted"),
        Binding("f1", "toggle_help", "Help", id="help",
                tooltip="Show or hide the keys and help for this screen"),
    ]

    def __init__(
        self,
        service: Service,
        start: CallRequest | None = None,
        ask_to_start: bool = False,
        start_playbook: str = "",
        start_case: str = "",
    ) -> None:
        super().__init__()
        self.service = service
        self._start = start
        self._ask_to_start = ask_to_start
        self._start_playbook = start_playbook
        self._start_case = start_case

    def on_mount(self) -> None:
        from tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        problems = self.service.problems
        if problems:
            files = sorted({problem.path.name for problem in problems})
            self.notify(
                "Could not load: " + ", ".join(visible(name) for name in files),
                title="Playbook problems",
                severity="error",
                timeout=8,
                markup=False,
            )
        if self._start is not None:
            self.begin_call(self._start)
        elif self._ask_to_start:
            self.open_start_dialog(case_title=self._start_case, playbook_id=self._start_playbook)

    # -- calls ------------------------------------------------------------------------
    def open_start_dialog(
        self, case_id: str | None = None, playbook_id: str = "", case_title: str = ""
    ) -> None:
        """Ask for the case and the organisation, then dial."""
        from tui.screens.start_call import StartCallDialog

        case = self.service.cases.find(case_id) if case_id else None
        dialog = StartCallDialog(
            self.service.cases.list("open"),
            self.service.sorted_playbooks(),
            case_title=case.title if case else case_title,
            playbook_id=playbook_id,
        )
        self.push_screen(dialog, self._dialog_closed)

    def _dialog_closed(self, request: CallRequest | None) -> None:
        if request is not None:
            self.begin_call(request)

    def begin_call(self, request: CallRequest, redial_of: str = "") -> None:
        """Dial: the timer starts now."""
        from tui.screens.call import CallScreen

        try:
            session = self.service.calls.start(request, redial_of=redial_of)
        except ServiceError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.push_screen(CallScreen(session), self._call_closed)

    def call_again(self, call_id: str) -> None:
        """Call a past call's organisation again (linked to it if it dropped)."""
        request, redial_of = self.service.calls.again(call_id)
        self.begin_call(request, redial_of=redial_of)

    def _call_closed(self, closed: CallClosed | None) -> None:
        if closed is None:
            return
        if closed.redial is not None:
            self.begin_call(closed.redial, redial_of=closed.call.id)
            return
        due = [p for p in closed.call.promises if p.due]
        extra = f"; {plural(len(due), 'follow-up')} added" if due else ""
        self.notify(f"Call saved ({closed.call.outcome_label()}){extra}.", markup=False)

    # -- other screens ------------------------------------------------------------------
    def open_case(self, case_id: str) -> None:
        from tui.screens.case import CaseScreen

        self.push_screen(CaseScreen(case_id))

    def open_call(self, call: Call, case_title: str) -> None:
        """A past call, read-only."""
        from tui.screens.call_detail import CallDetailScreen

        self.push_screen(CallDetailScreen(call, case_title))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: the usual commands, plus playbook switching during a call."""
        from tui.screens.call import CallScreen

        yield from super().get_system_commands(screen)
        if isinstance(screen, CallScreen):
            for playbook in self.service.sorted_playbooks():
                yield SystemCommand(
                    f"Playbook: {visible(playbook.name)}",
                    f"Show this playbook in the side panel ({visible(playbook.kind)})",
                    partial(screen.switch_playbook, playbook),
                )

    # -- export -------------------------------------------------------------------------
    def open_export_dialog(self, case_title: str = "") -> None:
        """Ask for a format, a case and a file, then export in the background."""
        from tui.screens.export_dialog import export_form

        titles = [case.title for case in self.service.cases.list()]
        today = self.service.today().isoformat()
        self.push_screen(export_form(titles, today, case_title), self._export_chosen)

    def _export_chosen(self, values: dict[str, str] | None) -> None:
        from tui.screens.export_dialog import ALL_CASES

        if values is None:
            return
        fmt = values["format"]
        choice = ExportChoice(
            fmt,
            None if values["case"] == ALL_CASES else values["case"],
            with_extension(values["path"], fmt),
            values["mask"] == "yes",
        )
        self._write_export(choice)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write_export(self, choice: ExportChoice) -> None:
        """Render and write in the background: the screen never waits on the disk."""
        try:
            result = self.service.exports.write(choice.fmt, choice.path, choice.case_title,
                                                mask=choice.mask)
        except ServiceError as error:
            self.call_from_thread(self.notify, f"Export failed: {error}", severity="error",
                                  markup=False)
            return
        self.call_from_thread(
            self.notify, f"Exported {plural(result.calls, 'call')} to {result.path}",
            markup=False, timeout=8,
        )

    # -- keys ---------------------------------------------------------------------------
    def action_toggle_help(self) -> None:
        """F1: the keys and the screen's help, beside the screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_quit(self) -> None:
        """Quit; a call still running is ended as interrupted and saved."""
        self.service.shutdown()
        self.exit()
