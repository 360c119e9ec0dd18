"""The Textual app: screens, global keys, start-up. Kept thin."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.domain.clock import Clock, SystemClock
from tui.domain.deadlines import local_date
from tui.domain.live import LiveCall
from tui.domain.model import Call, Case
from tui.domain.text import visible
from tui.domain.timefmt import to_iso
from tui.playbooks import Playbook, PlaybookProblem
from tui.screens.call import CallScreen
from tui.screens.home import HomeScreen
from tui.screens.start_call import CallRequest, StartCallDialog
from tui.store import Store


class HoldTheLineApp(App[None]):
    """Hold the Line."""

    CSS_PATH = "app.tcss"
    TITLE = "Hold the Line"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit",
                tooltip="Quit; a call still running is saved as interrupted"),
        Binding("f1", "toggle_help", "Help", id="help",
                tooltip="Show or hide the keys and help for this screen"),
    ]

    def __init__(
        self,
        store: Store,
        playbooks: dict[str, Playbook] | None = None,
        problems: list[PlaybookProblem] | None = None,
        clock: Clock | None = None,
        start: CallRequest | None = None,
        ask_to_start: bool = False,
        start_playbook: str = "",
        start_case: str = "",
    ) -> None:
        super().__init__()
        self.store = store
        self.playbooks = playbooks or {}
        self.problems = problems or []
        self.clock: Clock = clock or SystemClock()
        self._start = start
        self._ask_to_start = ask_to_start
        self._start_playbook = start_playbook
        self._start_case = start_case

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.problems:
            files = sorted({problem.path.name for problem in self.problems})
            self.notify(
                "Could not load: " + ", ".join(files),
                title="Playbook problems",
                severity="error",
                timeout=8,
                markup=False,
            )
        if self._start is not None:
            self.begin_call(self._start)
        elif self._ask_to_start:
            self.open_start_dialog(case_title=self._start_case, playbook_id=self._start_playbook)

    # -- starting and ending calls ---------------------------------------
    def sorted_playbooks(self) -> list[Playbook]:
        return sorted(self.playbooks.values(), key=lambda p: p.name.casefold())

    def open_start_dialog(
        self, case_id: str | None = None, playbook_id: str = "", case_title: str = ""
    ) -> None:
        """Ask for the case and the organisation, then dial."""
        case = self.store.get_case(case_id) if case_id else None
        dialog = StartCallDialog(
            self.store.list_cases(),
            self.sorted_playbooks(),
            case_title=case.title if case else case_title,
            playbook_id=playbook_id,
        )
        self.push_screen(dialog, self._dialog_closed)

    def _dialog_closed(self, request: CallRequest | None) -> None:
        if request is not None:
            self.begin_call(request)

    def case_for(self, title: str) -> Case:
        """The case with this title, created (and saved) if new."""
        case = self.store.find_case(title)
        if case is None:
            case = Case.create(title, to_iso(self.clock.now()))
            self.store.save_case(case)
        return case

    def redial(self, dropped: Call) -> None:
        """A dropped call: a new call in the same case, linked to it."""
        if isinstance(self.screen, CallScreen):
            self.pop_screen()
        case = self.store.get_case(dropped.case_id)
        title = case.title if case else dropped.case_id
        self.begin_call(
            CallRequest(title, dropped.organisation, dropped.playbook_id, dropped.number_dialled),
            redial_of=dropped.id,
        )

    def begin_call(self, request: CallRequest, redial_of: str = "") -> None:
        """Dial: the timer starts now."""
        case = self.case_for(request.case_title)
        playbook = self.playbooks.get(request.playbook_id) if request.playbook_id else None
        live = LiveCall.start(
            self.clock,
            case.id,
            request.organisation,
            playbook_id=playbook.id if playbook else "",
            playbook_name=playbook.name if playbook else "",
            number=request.number,
        )
        live.call.redial_of = redial_of
        self.push_screen(CallScreen(live, case, playbook))

    def call_finished(self, call: Call) -> None:
        """Back to the home screen after hanging up."""
        if isinstance(self.screen, CallScreen):
            self.pop_screen()
        due = [p for p in call.promises if p.due]
        extra = f"; {len(due)} follow-up{'s' if len(due) != 1 else ''} added" if due else ""
        self.notify(f"Call saved ({call.outcome}){extra}.", markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: the usual commands, plus playbook switching during a call."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, CallScreen):
            for playbook in self.sorted_playbooks():
                yield SystemCommand(
                    f"Playbook: {visible(playbook.name)}",
                    f"Show this playbook in the side panel ({visible(playbook.kind)})",
                    partial(screen.switch_playbook, playbook),
                )

    def open_export_dialog(self, case_title: str = "") -> None:
        """Ask for a format, a case and a file, then export in the background."""
        from tui.screens.export_dialog import export_form

        titles = [case.title for case in self.store.list_cases()]
        today = local_date(self.clock.now()).isoformat()
        self.push_screen(export_form(titles, today, case_title), self._export_chosen)

    def _export_chosen(self, values: dict[str, str] | None) -> None:
        from tui.screens.export_dialog import ALL_CASES

        if values is None:
            return
        cases = self.store.list_cases()
        if values["case"] != ALL_CASES:
            cases = [case for case in cases if case.title == values["case"]]
        wanted = {case.id for case in cases}
        call_ids = [row["id"] for row in self.store.call_summaries() if row["case_id"] in wanted]
        self._write_export(values, cases, call_ids)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write_export(self, values: dict[str, str], cases: list[Case],
                      call_ids: list[str]) -> None:
        """Render and write in the background: the screen never waits on the disk."""
        from tui.export import render
        from tui.screens.export_dialog import target_path
        from tui.store.atomic import write_private_file

        fmt = values["format"]
        calls = [self.store.load_call(call_id) for call_id in call_ids]
        now = self.clock.now()
        text = render(fmt, cases, calls, to_iso(now), mask=values["mask"] == "yes",
                      today=local_date(now))
        path = target_path(values["path"], fmt)
        try:
            if not path.parent.is_dir():
                raise OSError(f"the folder {path.parent} does not exist")
            write_private_file(path, text.encode("utf-8"))
        except OSError as error:
            message = getattr(error, "strerror", None) or str(error)
            self.call_from_thread(self.notify, f"Export failed: {message}", severity="error",
                                  markup=False)
            return
        self.call_from_thread(
            self.notify, f"Exported {len(calls)} call(s) to {path}", markup=False, timeout=8
        )

    def action_toggle_help(self) -> None:
        """F1: the keys and the screen's help, beside the screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    async def action_quit(self) -> None:
        """Quit; a call still running is ended as interrupted and saved."""
        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                screen.interrupt()
        self.store.flush()
        self.exit()
