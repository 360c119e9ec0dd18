"""Home: open cases and recent calls; one key starts a call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

from rich.console import Console
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Header, Static

from tui.domain.model import INTERRUPTED
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_duration, format_when
from tui.screens.base import AppScreen
from tui.service import CaseRow, HomeView, ServiceError
from tui.widgets.key_footer import KeyFooter
from tui.widgets.quick_table import QuickTable
from tui.widgets.shown import update_static

CASE_ROWS = 60
"""Cases added to the table at a time (see ``HomeScreen._add_case_rows``)."""
BROKEN_LINES = 2
"""Lines the broken promises take at most above the follow-ups (the rest are counted)."""
BROKEN_NAME = 36
"""Cells of an organisation's name shown in that line (longer ones end in …)."""


def cell(text: str) -> Text:
    """A table cell showing user text literally, cut with … when too long."""
    return Text(visible(text), no_wrap=True, overflow="ellipsis")


def broken_promises(counts: Mapping[str, int], width: int, console: Console,
                    where: str) -> Text:
    """Broken promises per organisation, most first, in ``BROKEN_LINES`` lines of
    ``width`` cells: the organisations that fit, then how many more, the total and
    ``where`` the statistics list every one; so a long history never pushes the lists
    off screen."""
    most_first = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    total = sum(counts.values())
    label = "Broken promises: "
    names = [f"{visible(org)} {count}" for org, count in most_first]

    def said(shown: int) -> str:
        hidden = len(names) - shown
        if not hidden:
            return ", ".join(names)
        if shown < 0:  # (a narrow window)
            return f"{total:,} across {plural(len(names), 'organisation')}"
        if not shown:
            return f"{total:,} across {plural(len(names), 'organisation')} ({where})"
        return ", ".join(names[:shown]) + f" and {hidden} more ({total:,} in all: {where})"

    def fits(shown: int) -> bool:
        line = Text(label + said(shown))
        return (line.cell_len <= BROKEN_LINES * width  # (a quick no first)
                and len(line.wrap(console, max(width, 1))) <= BROKEN_LINES)

    shown = len(names)
    if not fits(shown):  # not every name in full: each cut, and those that fit
        names = [f"{_cut(visible(org), BROKEN_NAME)} {count}" for org, count in most_first]
        if not fits(shown):
            shown = 0 if fits(0) else -1  # (-1: not even the total and where to look)
            # Upwards: each text tried is about two lines long, however many there are.
            while 0 <= shown < len(names) - 1 and fits(shown + 1):
                shown += 1
    text = Text()
    text.append(label, style="bold red")
    text.append(said(shown))
    return text


def _cut(text: str, most: int) -> str:
    """``text`` in at most ``most`` cells (wide characters count two), ending in …"""
    shown = Text(text)
    shown.truncate(most, overflow="ellipsis")
    return shown.plain


class HomeScreen(AppScreen[None]):
    """The first thing the user sees."""

    CSS_PATH = "home.tcss"
    HELP = """\
## Home

Follow-ups from promises (broken ones first, and those done in the last week),
your cases (open ones first; resolved ones stay here) and your most recent calls.

Press `c` to start a call: pick or name the case, then who you are calling (in
either list, type the first letters of a name to find it; a name no entry has is
kept as typed).
`n` opens a new case; Enter on a case opens it (identifiers, payments,
notices and deadlines, claims, documents). Enter on a recent call opens it,
read-only. On a follow-up, `space` marks it done (or, if it is done, not done
again). `i` holds your details, which head the dossier.

A call still running when the app quit or died is kept as **interrupted**
(marked in Recent calls). On it, `u` continues it: the same call, with its
reps, notes and timer; the time the app was closed is kept apart.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "start_call", "Start call", id="start-call",
                tooltip="Start a new call (pick the case and the organisation)"),
        Binding("a", "answer", "They called", id="incoming-call",
                tooltip="A call came in: log it (who, from which number, which rep)"),
        Binding("n", "new_case", "New case", id="new-case",
                tooltip="Open a new case (a dispute many calls work on)"),
        Binding("h", "history", "History", id="history",
                tooltip="Every call: filter, sort, open, statistics, export"),
        Binding("d", "reps", "Reps", id="rep-directory",
                tooltip="Every rep you have spoken to: what they said and promised"),
        Binding("p", "playbooks", "Playbooks", id="playbooks",
                tooltip="Browse every playbook and any load errors"),
        Binding("space", "toggle_done", "Done", id="followup-done", show=False,
                tooltip="Mark the highlighted follow-up done"),
        Binding("i", "profile", "Your details", id="profile", show=False,
                tooltip="Who you are: heads the dossier and your letters"),
        Binding("r", "call_again", "Call again", id="call-again", show=False,
                tooltip="Call the highlighted recent call's organisation again "
                "(linked to it if it dropped)"),
        Binding("u", "continue_call", "Continue", id="continue-call",
                tooltip="Continue the highlighted interrupted call (the same call; the "
                "time the app was closed is kept apart)"),
    ]

    COMMAND_TITLES: ClassVar[dict[str, str]] = {
        "start-call": "Start a call…", "incoming-call": "They called: log an incoming call…",
        "new-case": "New case…", "history": "History",
        "playbooks": "Playbooks", "followup-done": "Follow-up done",
        "call-again": "Call again: the highlighted recent call",
        "profile": "Your details…", "rep-directory": "Rep directory",
        "continue-call": "Continue the highlighted interrupted call",
    }
    """How the command palette names each action (binding id → title)."""

    def __init__(self) -> None:
        super().__init__()
        self._interrupted: set[str] = set()
        """Ids of the interrupted calls listed in Recent calls."""
        self._today = date.min
        """The day dates are shown relative to (the home view's)."""
        self._could_continue = False
        """Whether the footer last showed ``u`` (continue)."""
        self._cases: list[CaseRow] = []
        """Every case as listed (the table shows the first of them, more as you scroll)."""
        self._broken: Mapping[str, int] = {}
        """Broken promises per organisation, as last listed."""
        self._followups_heading = Text()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static("", id="home-empty")
            yield Static("Follow-ups", classes="section-title", id="followups-title")
            yield QuickTable(id="followups-table", cursor_type="row")
            yield Static("Cases", classes="section-title")
            yield QuickTable(id="cases-table", cursor_type="row", zebra_stripes=True)
            yield Static("Recent calls", classes="section-title", id="recent-title")
            yield QuickTable(id="calls-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        cases = self.query_one("#cases-table", DataTable)
        cases.add_column("Case", key="case", width=40)
        cases.add_column("Calls", key="calls")
        cases.add_column("Last call", key="last")
        followups = self.query_one("#followups-table", DataTable)
        followups.add_column("", key="state", width=9)
        followups.add_column("Due", key="due", width=10)
        followups.add_column("Promised", key="what", width=30)
        followups.add_column("By", key="by", width=15)
        calls = self.query_one("#calls-table", DataTable)
        widths = {"When": 12, "Case": 12, "Organisation": 15, "Length": 7, "On hold": 7,
                  "Outcome": 11}
        for label in ("When", "Case", "Organisation", "Length", "On hold", "Outcome"):
            calls.add_column(label, key=label.lower(), width=widths.get(label))
        cases_table = self.query_one("#cases-table", QuickTable)
        cases_table.add_the_rest = lambda: self._add_case_rows(len(self._cases))
        cases_table.focus()

    def on_screen_resume(self) -> None:
        """Shown first, and again after every call: reload the lists. Not while a full
        screen covers it (``holdtheline call`` opens the call over it at once): they are
        reloaded when it shows, and building them from a long history first delayed the
        call by a second."""
        top = self.app.screen
        if top is self or top.styles.background.a < 1:  # a dialog shows home through it
            self.refresh_lists()

    def refresh_lists(self) -> None:
        """Reload every list from the service."""
        view = self.service.home()
        cases = self.query_one("#cases-table", DataTable)
        cases.clear()
        self._cases = view.cases
        self._today = view.today
        self._add_case_rows()
        calls = self.query_one("#calls-table", DataTable)
        calls.clear()
        self._interrupted = set()
        for summary, title in view.recent:
            outcome = cell(summary.outcome_label())
            if summary.outcome == INTERRUPTED:
                self._interrupted.add(summary.id)
                outcome.stylize("bold reverse")
            calls.add_row(
                format_when(summary.started_at, view.today),
                cell(title),
                cell(summary.organisation),
                format_duration(summary.duration_seconds),
                format_duration(summary.hold_seconds),
                outcome,
                key=summary.id,
            )
        recent = Text("Recent calls", style="bold")
        if self._interrupted:
            recent.append("  (u on an interrupted call continues it)", style="dim")
        self.query_one("#recent-title", Static).update(recent)
        self._could_continue = self._highlighted_call() in self._interrupted
        self.refresh_bindings()
        self._show_followups(view)
        empty = self.query_one("#home-empty", Static)
        empty.display = view.empty
        empty.update("No calls yet. Press  c  to start your first call.")

    def _add_case_rows(self, count: int = CASE_ROWS) -> None:
        """The next cases below those shown: a screenful and more at once, the rest as the
        cursor nears the end (hundreds of cases cost a table measuring every cell)."""
        table = self.query_one("#cases-table", DataTable)
        begin = table.row_count
        for row in self._cases[begin:begin + count]:
            last = format_when(row.last_call, self._today) if row.last_call else "—"
            shown = cell(row.case.title)
            if row.case.status == "resolved":
                shown.stylize("dim")
                shown.append("  resolved", style="dim italic")
            table.add_row(shown, str(row.calls), last, key=row.case.id)

    @on(DataTable.RowHighlighted, "#cases-table")
    def _case_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = event.data_table
        if event.cursor_row >= table.row_count - 5 and table.row_count < len(self._cases):
            self._add_case_rows()

    def _show_followups(self, view: HomeView) -> None:
        """Follow-ups not done yet: broken ones (date passed), today, upcoming."""
        table = self.query_one("#followups-table", DataTable)
        table.clear()
        for item in view.followups:
            state = item.status(view.today)
            style = {"broken": "bold red", "today": "bold", "kept": "dim",
                     "kept late": "dim red"}.get(state, "")
            label = {"broken": "BROKEN", "today": "due today", "upcoming": "upcoming",
                     "kept": "✓ kept", "kept late": "✓ late"}[state]
            table.add_row(
                Text(label, style=style), item.due.isoformat(), cell(item.text),
                cell(item.organisation), key=item.key,
            )
        table.display = bool(view.open_followups)
        title = self.query_one("#followups-title", Static)
        title.display = bool(view.open_followups)
        heading = Text("Follow-ups", style="bold")
        heading.append("  (space marks done, or not done again)", style="dim")
        self._broken = view.broken_by_organisation
        self._followups_heading = heading
        self._show_broken()

    def _show_broken(self) -> None:
        """The follow-ups' title, with the broken promises fitted to its width."""
        heading = self._followups_heading.copy()
        title = self.query_one("#followups-title", Static)
        if self._broken:
            body = self.query_one("#home-body")
            width = (self.size.width or self.app.size.width) - body.styles.gutter.width \
                - title.styles.gutter.width  # the title's text, inside both paddings
            # Named as the footers name them (History, then Stats): the keys may be
            # remapped, and finding them imports every screen (120 ms of the start).
            heading.append("\n")
            heading.append_text(broken_promises(self._broken, width, self.app.console,
                                                "History, then Stats"))
        update_static(title, heading)  # (a resize to the same width changes nothing)

    def on_resize(self, event: events.Resize) -> None:
        if self._broken:
            self._show_broken()

    def action_toggle_done(self) -> None:
        """Mark the highlighted follow-up done, or (if it is done) not done again."""
        table = self.query_one("#followups-table", DataTable)
        if not table.row_count or not table.has_focus:
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        followups = self.service.followups
        try:
            call_id, index = followups.by_key(key)
            done = not followups.is_done(call_id, index)
            text = followups.set_done(call_id, index, done)
        except ServiceError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(f"{'Done' if done else 'Not done'}: {text}", markup=False)
        self.refresh_lists()

    def action_call_again(self) -> None:
        table = self.query_one("#calls-table", DataTable)
        if not table.row_count or not table.has_focus:
            self.notify("Pick a call in Recent calls first (Tab to it).", severity="warning")
            return
        call_id = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.htl.call_again(call_id)

    # -- continuing an interrupted call ----------------------------------------------------
    def _highlighted_call(self) -> str | None:
        """The id of the call highlighted in Recent calls (when that table has focus)."""
        try:
            table = self.query_one("#calls-table", DataTable)
        except NoMatches:  # asked before the screen is composed
            return None
        if not table.row_count or not table.has_focus:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``u`` (continue) only on an interrupted call: shown in the footer only then."""
        if action == "continue_call":
            return self._highlighted_call() in self._interrupted
        return True

    @on(DataTable.RowHighlighted, "#calls-table")
    def _call_highlighted(self) -> None:
        self._refresh_continue()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._refresh_continue()

    def _refresh_continue(self) -> None:
        """The footer again only when ``u`` comes or goes: rebuilding it on every cursor
        move left its old widgets for the collector."""
        can_continue = self._highlighted_call() in self._interrupted
        if can_continue != self._could_continue:
            self._could_continue = can_continue
            self.refresh_bindings()

    def action_continue_call(self) -> None:
        call_id = self._highlighted_call()
        if call_id is None or call_id not in self._interrupted:
            self.notify("Pick an interrupted call in Recent calls first.", severity="warning")
            return
        self.htl.continue_call(call_id)

    def action_new_case(self) -> None:
        from tui.screens.form import Field, FormDialog

        def created(values: dict[str, str] | None) -> None:
            if values is None:
                return
            try:
                case = self.service.cases.open_or_create(values["title"])
            except ServiceError as error:
                self.notify(str(error), severity="warning", markup=False)
                return
            self.htl.open_case(case.id)

        self.app.push_screen(FormDialog("New case", [
            Field("title", "What is the dispute, in a few words?",
                  "Coverage restricted despite on-time payments", required=True),
        ]), created)

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def action_reps(self) -> None:
        from tui.screens.reps import RepDirectoryScreen

        self.app.push_screen(RepDirectoryScreen())

    def action_playbooks(self) -> None:
        from tui.screens.playbooks import PlaybooksScreen

        self.app.push_screen(PlaybooksScreen())

    def action_start_call(self, case_id: str | None = None) -> None:
        self.htl.open_start_dialog(case_id=case_id)

    def action_answer(self) -> None:
        """They called: the same dialog, for an incoming call."""
        self.htl.open_start_dialog(incoming=True)

    @on(DataTable.RowSelected, "#cases-table")
    def _case_chosen(self, event: DataTable.RowSelected) -> None:
        self.htl.open_case(str(event.row_key.value))

    @on(DataTable.RowSelected, "#calls-table")
    def _call_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a recent call opens it, read-only."""
        try:
            call = self.service.calls.load(str(event.row_key.value))
        except ServiceError as error:  # its file was found damaged: the app offers it back
            self.notify(str(error), severity="error", markup=False)
            self.refresh_lists()
            return
        case = self.service.cases.find(call.case_id)
        self.htl.open_call(call, case.title if case else "")

    def action_profile(self) -> None:
        from tui.screens.form import Field, FormDialog

        profile = self.service.profile()

        def saved(values: dict[str, str] | None) -> None:
            if values is None:
                return
            try:
                self.service.save_profile(values)
            except ServiceError as error:
                self.notify(str(error), severity="warning", markup=False)
                return
            self.notify("Your details are saved: they head the dossier.", markup=False)

        self.app.push_screen(FormDialog("Your details", [
            Field("name", "Your name", "Ana Reyes", profile.name),
            Field("phone", "Phone", "617-555-0100", profile.phone),
            Field("email", "Email", value=profile.email),
            Field("address", "Postal address", value=profile.address),
            Field("date_of_birth", "Date of birth (only if you want it in what you send)",
                  value=profile.date_of_birth),
        ], note="They head the dossier (masked when you share it publicly) and your "
                "letters."), saved)
