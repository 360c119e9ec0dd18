"""The Textual app: navigation between screens, global keys, start-up. Kept thin.

Every change to data goes through the application layer (``tui.service``);
the App only decides which screen or dialog is shown and when.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from tui.config import Config, ConfigError, save_theme
from tui.crashlog import crash_message, write_crash_log
from tui.domain.model import Call
from tui.domain.text import plural, visible
from tui.keys import keymap_for, keys_for
from tui.screens.commands import PlaybookCommands
from tui.service import CallRequest, Service, ServiceError, with_extension
from tui.typeahead import TypeAheadApp

if TYPE_CHECKING:  # the call screen is imported when the first call starts
    from tui.screens.call import CallClosed
    from tui.service import Problem


@dataclass
class ExportChoice:
    """What the export dialog asked for."""

    fmt: str
    case_title: str | None
    path: Path
    mask: bool


STORAGE_CHECK_SECONDS = 1.0
"""How often the app looks for data files found damaged since it last looked."""
QUIT_FLUSH_SECONDS = 3.0
"""How long quitting waits for the last saves before asking what to do."""
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
"""Signals that end the app the way ctrl+q does: calls kept, everything written."""
SIGNAL_DRAIN_SECONDS = 2.0
"""After a signal, how long keys already received may still be handled before saving."""
EXIT_WATCHDOG_SECONDS = 5.0
"""Once everything is saved on the way out, the process ends within this long. When the
terminal goes away while the app closes (a window closed just after ctrl+q), Textual's
output thread can block the close for ever: the process hung, holding the data's lock,
and the next start was refused."""
FIRST_SHEETS = frozenset({"app.tcss", "dialog.tcss", "home.tcss"})
"""The styles home needs, read before it is drawn; the other screens' sheets are read
once home is on screen (``LATER_SHEETS_AFTER``)."""
LATER_SHEETS_AFTER = 0.05
"""Seconds after home's first frame before the other screens' sheets are read (about
20 ms of parsing, kept out of the start-up; a screen opened sooner reads its own and
restyles every widget, some 40 ms more)."""


class Crashed(Exception):
    """What Textual shows after an unhandled error: one paragraph, no traceback."""

    def __init__(self, paragraph: str) -> None:
        super().__init__(paragraph)
        self.paragraph = paragraph

    def __rich__(self) -> Text:
        return Text(self.paragraph)


class HoldTheLineApp(TypeAheadApp[None]):
    """Hold the Line."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "app.tcss", "screens/dialog.tcss",
        *sorted(f"screens/{sheet.name}" for sheet in (Path(__file__).parent / "screens").glob(
            "*.tcss") if sheet.name != "dialog.tcss"),
    ]
    """Every screen's styles, read by the app rather than as each screen first opens:
    a screen's own ``CSS_PATH`` read then made Textual parse all the styles again and
    restyle every widget (about 40 ms when dialling, more on a slow machine). Those home
    needs are read before it is drawn, the others just after (``FIRST_SHEETS``). Each
    sheet styles only its own screen (``tests/test_architecture.py``), so reading them
    together, or later, changes nothing on screen."""
    COMMANDS = TypeAheadApp.COMMANDS | {PlaybookCommands}
    TITLE = "Hold the Line"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit",
                tooltip="Quit (asks first while a call runs: it is kept as interrupted)"),
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
        start_incoming: bool = False,
        config: Config | None = None,
        env: dict[str, str] | None = None,
        resume: str = "",
    ) -> None:
        super().__init__()
        self.service = service
        self.config = config or Config(Path(os.devnull))
        self.keymap = keymap_for(self.config, env if env is not None else {})
        """Binding id → keys in force (defaults, multiplexer-safe, then the user's)."""
        self._start = start
        self._ask_to_start = ask_to_start
        self._start_playbook = start_playbook
        self._start_case = start_case
        self._start_incoming = start_incoming
        self._resume = resume
        """An interrupted call to continue at once (``holdtheline call --resume``)."""
        self._later_sheets: list[PurePath] = []
        """Screens' stylesheets read after home's first frame (see ``FIRST_SHEETS``)."""
        if not (start or ask_to_start or resume):
            # Parsing every screen's styles took ~60 ms of a ~700 ms start on home.
            self._later_sheets = [path for path in self.css_path
                                  if path.name not in FIRST_SHEETS]
            self.css_path = [path for path in self.css_path if path.name in FIRST_SHEETS]
        self._collector_lock = threading.Lock()
        self._collector_pauses = 0
        self._collector_was_on = True
        self._problems_named: list[Problem] = []
        """Storage problems already named to the user (each is named once)."""
        self._restore_waiting = False
        """A restore is to be offered once the user is not typing (see ``_offer_restore``)."""
        self.ended_by_signal: int | None = None
        """The signal that ended the app (SIGTERM, SIGHUP, SIGINT), if one did."""
        self._run_over = threading.Event()
        """Set when ``run`` has returned (the exit watchdog then has nothing to do)."""

    def get_driver_class(self) -> type[Driver]:
        """Textual's own driver, except on Linux/macOS terminals: the one that keeps
        pastes as text and survives bytes that are not UTF-8 (``tui.terminal``)."""
        from textual.drivers.linux_driver import LinuxDriver

        found = super().get_driver_class()
        if found is LinuxDriver:
            from tui.terminal import SafeLinuxDriver

            return SafeLinuxDriver
        return found

    def on_mount(self) -> None:
        from tui.screens.home import HomeScreen

        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in ENDING_SIGNALS:
                loop.add_signal_handler(signum, self.end_by_signal, signum)
        self.set_keymap(self.keymap)
        self._apply_theme()
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
        self._storage_notices()
        # A call file found damaged later (by a search, a case, an export) is named and
        # its backup offered the same way: the store records it in its problems.
        self.set_interval(STORAGE_CHECK_SECONDS, self._check_storage)
        # Everything loaded so far (the index, the cases, the screens) lives as long as the
        # app: keep it out of the collector's passes, so they stay short while typing; then
        # the collector runs again (start-up pauses it: ``tui.launch.pause_collector``).
        self.call_after_refresh(self._first_paint_done)
        if self._resume:
            self.continue_call(self._resume)
        elif self._start is not None:
            self.begin_call(self._start)
        elif self._ask_to_start:
            self.open_start_dialog(case_title=self._start_case, playbook_id=self._start_playbook,
                                   incoming=self._start_incoming)

    def _first_paint_done(self) -> None:
        gc.freeze()
        gc.enable()
        if self._later_sheets:
            self.set_timer(LATER_SHEETS_AFTER, self._read_later_sheets)
        # A long history: home was made from the digests, and the rows are read now. In
        # any case what home makes from every row is made here, not after the first call.
        self.run_worker(self._finish_loading, thread=True, group="read-rows",
                        exit_on_error=False)

    def _read_later_sheets(self) -> None:
        """The other screens' styles (see ``CSS_PATH``): parsed, with no restyle, as
        none of them styles a screen on show."""
        sheets = [path for path in self._later_sheets
                  if not self.stylesheet.has_source(str(path), "")]
        self._later_sheets = []
        for path in sheets:
            self.stylesheet.read(path)
        if sheets:
            self.stylesheet.parse()

    def _finish_loading(self) -> None:
        """The index rows the open left for after the first paint, read in a worker."""
        with self.collector_paused():
            try:
                self.service.finish_loading()
            except ServiceError as error:
                self.call_from_thread(self.notify, f"Could not read the history: {error}",
                                      title="History", severity="error", markup=False)

    # -- calls ------------------------------------------------------------------------
    def open_start_dialog(
        self, case_id: str | None = None, playbook_id: str = "", case_title: str = "",
        incoming: bool = False,
    ) -> None:
        """Ask for the case and the organisation, then dial (or answer, ``incoming``)."""
        from tui.screens.start_call import StartCallDialog

        case = self.service.cases.find(case_id) if case_id else None
        dialog = StartCallDialog(
            self.service.cases.list("open"),
            self.service.sorted_playbooks(),
            case_title=case.title if case else case_title,
            playbook_id=playbook_id,
            incoming=incoming,
            open_followups=self.service.followups.open_for,
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

    def continue_call(self, call_id: str) -> None:
        """Continue an interrupted call: the same call, its timer going on."""
        from tui.screens.call import CallScreen

        try:
            session = self.service.calls.resume(call_id)
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

    def open_letter(self, case_id: str, document_id: str = "") -> None:
        """Write a letter from the case (or open a saved one again)."""
        from tui.screens.letter import LetterScreen

        self.push_screen(LetterScreen(case_id, document_id))

    def open_call(self, call: Call, case_title: str,
                  changed: Callable[[Call], None] | None = None) -> None:
        """A past call, read-only except for corrections (kept with the original);
        ``changed`` gets the call as saved when one was made."""
        from tui.screens.call_detail import CallDetailScreen

        def closed(result: Call | None) -> None:
            if result is not None and changed is not None:
                changed(result)

        self.push_screen(CallDetailScreen(call, case_title, self.service.calls.claims_on(call)),
                         closed)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: the screen's own actions by what they do, then the usual ones."""
        from tui.screens.commands import screen_actions

        for title, help_text, binding in screen_actions(screen):
            assert binding.id is not None
            keys = " or ".join(self.keys_for(binding.id))
            yield SystemCommand(title, f"{keys} · {help_text}" if help_text else keys,
                                partial(self.run_action, binding.action, screen))
        if (screen is self.screen and not isinstance(screen, ModalScreen)
                and not self.service.calls.live_sessions()):
            yield from self._global_commands(screen)
        yield from super().get_system_commands(screen)

    def _global_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Where to go from any screen (when no call is running)."""
        from tui.screens.history import HistoryScreen
        from tui.screens.home import HomeScreen

        if not isinstance(screen, HomeScreen):
            yield SystemCommand("Start a call…", "Pick the case and whom you are calling",
                                self.open_start_dialog)
        yield SystemCommand("Open case…", "Type to find a case, open or resolved",
                            self.pick_case)
        if not isinstance(screen, HomeScreen | HistoryScreen):
            yield SystemCommand("History", "Every call: filter, sort, open",
                                lambda: self.push_screen(HistoryScreen()))
        if not isinstance(screen, HistoryScreen):
            yield SystemCommand("Export…", "Dossier, spreadsheet, backup or calendar",
                                self.open_export_dialog)

    def pick_case(self) -> None:
        """A type-to-search list of every case, open and resolved."""
        from textual.command import SimpleCommand

        from tui.screens.commands import search_literal

        commands = [SimpleCommand(case.title, partial(self.open_case, case.id), case.status)
                    for case in self.service.cases.list()]
        search_literal(self.screen, commands, "Open which case? Type to search…")

    # -- export -------------------------------------------------------------------------
    def open_export_dialog(self, case_title: str = "") -> None:
        """Ask for a format, a case and a file, then export in the background."""
        from tui.screens.export_dialog import export_form

        titles = [case.title for case in self.service.cases.list()]
        today = self.service.today().isoformat()
        self.push_screen(export_form(titles, today, case_title), self._export_chosen)

    def _export_chosen(self, values: dict[str, str] | None) -> None:
        from tui.screens.export_dialog import ALL_CASES, MASKED

        if values is None:
            return
        fmt = values["format"]
        choice = ExportChoice(
            fmt,
            None if values["case"] == ALL_CASES else values["case"],
            with_extension(values["path"], fmt),
            values["mask"] == MASKED,
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
        left_out = self.service.calls_kept_aside()
        if not left_out:
            self.call_from_thread(
                self.notify, f"Exported {plural(result.calls, 'call')} to {result.path}",
                markup=False, timeout=8,
            )
            return
        # Evidence with a call missing says so; the backup is offered again.
        restorable = self.service.restorable()
        self.call_from_thread(
            self.notify, f"Exported {plural(result.calls, 'call')} to {result.path}. NOT in "
            f"it, found damaged and kept aside in damaged/: {'; '.join(left_out)}. "
            + ("Put them back from your backup (offered now), then export again."
               if restorable else "No backup holds a good copy."),
            title="Export incomplete", severity="warning", timeout=20, markup=False)
        self.call_from_thread(self._offer_restore_again, restorable)

    def _offer_restore_again(self, restorable: list[Problem]) -> None:
        self._restore_waiting = True
        self._offer_restore(restorable)

    # -- settings -----------------------------------------------------------------------
    def _apply_theme(self) -> None:
        """The theme from the config file; changes by the user are remembered there."""
        wanted = self.config.theme
        if wanted and wanted in self.available_themes:
            self.theme = wanted
        elif wanted:
            self.notify(f"Unknown theme '{wanted}' in {self.config.path}; using "
                        f"{self.theme}.", severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name == self.config.theme or self.config.path == Path(os.devnull):
            return
        self.config.theme = theme.name
        try:
            save_theme(self.config.path, theme.name)
        except ConfigError as error:
            self.notify(str(error), severity="warning", markup=False)

    def keys_for(self, binding_id: str) -> list[str]:
        """The keys bound to ``binding_id`` now (for "press it again" prompts)."""
        return keys_for(binding_id, self.keymap)

    # -- keys ---------------------------------------------------------------------------
    def action_toggle_help(self) -> None:
        """F1: the screen's help and keys in a box that scrolls; F1 again closes it."""
        from tui.screens.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpDialog.for_screen(self.screen, self.keys_for("help")))

    async def action_quit(self) -> None:
        """Quit; with a call still running, ask first (the same key again quits)."""
        from tui.screens.confirm import ConfirmKeyDialog

        if isinstance(self.screen, ConfirmKeyDialog) and self.screen.action_label == "Quit":
            self.screen.dismiss(True)
            return
        if not self.service.calls.live_sessions():
            self._quit_now()
            return
        dialog = ConfirmKeyDialog(
            "A call is still running. Quit anyway? It will be kept as interrupted, and you "
            "can continue it later (home screen, or holdtheline call --resume).",
            self.keys_for("quit"), "Quit")
        self.push_screen(dialog, self._quit_confirmed)

    def _quit_confirmed(self, yes: bool | None) -> None:
        if yes:
            self._quit_now()

    def end_by_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP (terminal closed) or SIGINT: keep a running call as
        interrupted, write everything, restore the terminal, exit 128 + signal."""
        if self.ended_by_signal is not None:
            return
        self.ended_by_signal = signum
        self._end_after_typing(signum, time.monotonic() + SIGNAL_DRAIN_SECONDS)

    def _end_after_typing(self, signum: int, deadline: float) -> None:
        """Keys already received (held by the type-ahead gate on a busy machine) are
        handled first, for at most ``SIGNAL_DRAIN_SECONDS``; then everything is saved."""
        if self.typing_pending() and time.monotonic() < deadline:
            self.set_timer(0.02, partial(self._end_after_typing, signum, deadline))
            return
        try:
            self.service.shutdown()
        finally:
            self._exit_for_sure(128 + signum)
            self.exit(return_code=128 + signum)

    def run(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().run(*args, **kwargs)
        finally:
            self._run_over.set()

    def _exit_for_sure(self, code: int) -> None:
        """Everything is saved and the app is closing: if it has not closed within
        ``EXIT_WATCHDOG_SECONDS`` (see there), close the data (its lock let go) and end
        the process with ``code``. Not in tests (headless): the process is theirs."""
        if self.is_headless:
            return

        def watchdog() -> None:
            if self._run_over.wait(EXIT_WATCHDOG_SECONDS):
                return
            try:
                self.service.close()
            finally:
                os._exit(code)

        threading.Thread(target=watchdog, name="htl-exit-watchdog", daemon=True).start()

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled error: save the call, write a crash log without user text,
        and show one paragraph instead of a traceback with local variables.

        Textual 8.2 (pinned) has no public hook for this: ``App._handle_exception``
        prints ``Traceback(show_locals=True)``, which would put the user's notes and
        member numbers on the terminal. Only what it shows is replaced here.
        """
        if isinstance(error, Crashed):
            super()._handle_exception(error)
            return
        if not self._running and isinstance(error, NoMatches):
            # Closing while a screen was still being built (a dial, then ctrl+q or a
            # closed terminal at once): Textual removes its parts before they mount,
            # and a mount handler looking for one fails. Nothing is left to show;
            # everything is written as on any quit.
            try:
                self.service.shutdown()
            except Exception:  # noqa: BLE001 - already closing: never a second error
                pass
            return
        try:
            saved = self.service.shutdown()
        except Exception:
            saved = False
        log = write_crash_log(error, self.service.crash_log_dir)
        report = Crashed(crash_message(log, saved))
        report.__cause__ = error
        super()._handle_exception(report)

    def background_failed(self, what: str, error: Exception) -> None:
        """Work in the background failed (a damaged file, an I/O error): one line, the app
        goes on (and a running call with it)."""
        self.notify(f"Could not {what}: {error}", title="Not loaded", severity="error",
                    timeout=12, markup=False)

    @contextmanager
    def collector_paused(self) -> Iterator[None]:
        """No collector passes while a worker reads in bulk (the history's 50,000 calls):
        each full pass walked everything read so far, again and again, and held every
        thread, the screen included. Counted, so two workers may overlap; the collector
        runs again when the last ends (if it ran before the first began), with what was
        read frozen (``keep_loaded``)."""
        with self._collector_lock:
            if self._collector_pauses == 0:
                self._collector_was_on = gc.isenabled()
                gc.disable()
            self._collector_pauses += 1
        try:
            yield
        finally:
            with self._collector_lock:
                self._collector_pauses -= 1
                if self._collector_pauses == 0 and self._collector_was_on:
                    gc.freeze()  # what was read stays: no pass walks it when turned back on
                    gc.enable()

    def keep_loaded(self) -> None:
        """What a screen has just loaded in bulk (a history, a rep directory) stays while it
        is shown: keep it out of the collector's full passes, so typing never waits for a
        pass over tens of thousands of objects. (Frozen objects are still freed as usual
        when nothing refers to them.)"""
        gc.freeze()

    def _quit_now(self) -> None:
        """Keep a running call as interrupted, write everything, leave; if the saves fail,
        say so and ask (never leave silently with changes unsaved)."""
        if self.service.shutdown(timeout=QUIT_FLUSH_SECONDS):
            self._exit_for_sure(0)
            self.exit()
            return
        self._ask_about_unsaved()

    def _ask_about_unsaved(self) -> None:
        from tui.screens.storage import SaveFailedDialog

        status = self.service.save_status
        self.push_screen(SaveFailedDialog(status.error or "the disk does not answer",
                                          self.service.unsaved(), str(self._elsewhere())),
                         self._unsaved_choice)

    def _elsewhere(self) -> Path:
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        return Path.home() / f"holdtheline-unsaved-{stamp}.json"

    def _unsaved_choice(self, choice: str | None) -> None:
        if choice == "retry":
            self._quit_now()
        elif choice == "elsewhere":
            target = self._elsewhere()
            try:
                count = self.service.save_unsaved_to(target)
            except ServiceError as error:
                self.notify(str(error), severity="error", markup=False)
                self._ask_about_unsaved()
                return
            self.exit(return_code=1, message=(
                f"holdtheline: the data folder could not be written; {plural(count, 'record')} "
                f"not saved there were written to {target} instead"))
        elif choice == "quit":
            lost = self.service.unsaved()
            self.exit(return_code=1, message=(
                "holdtheline: quit with changes NOT saved (" + (self.service.save_status.error
                or "saves failing") + "): " + "; ".join(lost)))

    # -- the data files -----------------------------------------------------------------
    def _check_storage(self) -> None:
        if not self._storage_notices() and self._restore_waiting:
            self._offer_restore()

    def _storage_notices(self) -> bool:
        """Name every damaged, rebuilt or conflicting file not named yet; offer the backup
        in one key. False when the problems are those already seen."""
        problems = self.service.storage_problems()
        named = self._problems_named
        if len(problems) == len(named) and all(
                a is b for a, b in zip(problems, named, strict=True)):
            return False
        new = [problem for problem in problems if not any(problem is seen for seen in named)]
        self._problems_named = problems
        if not new:
            return True
        for problem in new:
            if problem.kind == "rebuilt":
                self.notify(f"{problem.describe()}. Nothing was lost.", title="Index rebuilt",
                            timeout=8, markup=False)
            elif problem.kind == "undone":
                self.notify(problem.reason[:1].upper() + problem.reason[1:] + ".",
                            title="Import not finished", severity="warning", timeout=15,
                            markup=False)
            elif problem.kind == "conflict":
                self.notify(f"{problem.describe()}", title="Sync conflict", severity="warning",
                            timeout=12, markup=False)
        restorable = self.service.restorable()
        busy = self._busy()
        for problem in new:
            if problem.kind not in ("damaged", "missing"):
                continue
            if not any(problem is good for good in restorable):
                self.notify(f"{problem.describe()}; no backup holds a good copy.",
                            title="Damaged file", severity="error", timeout=12, markup=False)
            elif busy:
                self.notify(f"{problem.describe()}. A backup holds a good copy: restoring it "
                            "is offered once this call or dialog ends, or you leave this "
                            "field.", title="Damaged file", severity="warning", timeout=12,
                            markup=False)
        if any(problem is good for problem in new for good in restorable):
            self._restore_waiting = True
            self._offer_restore(restorable)
        return True

    def _busy(self) -> bool:
        """Would a dialog now take keys meant for something else? A live call (under
        whatever it opened), a dialog already open, a field or a pick-list typed in."""
        from textual.widgets import Input, TextArea

        from tui.screens.call import CallScreen
        from tui.widgets.pick_list import PickList

        return (any(isinstance(screen, CallScreen) for screen in self.screen_stack)
                or isinstance(self.screen, ModalScreen)
                or isinstance(self.focused, (Input, TextArea, PickList)))

    def _offer_restore(self, restorable: list[Problem] | None = None) -> None:
        """The restore dialog, unless the user is busy (then at a later check).
        ``restorable``: the files to offer, when just found (they are read from the
        backups otherwise)."""
        from tui.screens.storage import RestoreDialog

        if self._busy():
            return
        self._restore_waiting = False
        if restorable is None:
            restorable = self.service.restorable()
        if restorable:
            self.push_screen(RestoreDialog([p.headline() for p in restorable]),
                             self._restore_chosen)

    def _restore_chosen(self, yes: bool | None) -> None:
        if not yes:
            return
        try:
            done = self.service.restore_damaged()
        except ServiceError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify("Restored " + "; ".join(done), title="Restored", markup=False)
        from tui.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_lists()
