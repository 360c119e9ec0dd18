"""One case: identifiers, payments, notices and deadlines, claims, documents, calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from tui.domain.checks import (
    amount_hint,
    check_amount,
    check_days,
    check_state,
    date_check,
    date_hint,
)
from tui.domain.corrections import IDENTIFIER, identifier_history, item_values
from tui.domain.deadlines import CHECK_NOTICE
from tui.domain.items import (
    CORRECTED,
    KIND_WORDS,
    case_history,
    item_history,
    item_label,
    removed_label,
    step_lines,
)
from tui.domain.model import PAYMENT_METHODS, Call, Case, Revisable
from tui.domain.money import shown
from tui.domain.stats import sparkline
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_duration, format_local
from tui.screens.base import AppScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.corrections import HistoryDialog, PickDialog
from tui.screens.form import Field, FormDialog
from tui.service import CaseView, ServiceError
from tui.widgets.key_footer import KeyFooter
from tui.widgets.quick_table import QuickTable

TABS = ("overview", "payments", "notices", "claims", "documents", "calls")
TAB_KINDS = {"payments": "payment", "notices": "notice", "claims": "claim",
             "documents": "document"}
TABLES = {"identifier": "identifiers-table", "payment": "payments-table",
          "notice": "notices-table", "claim": "claims-table", "document": "documents-table"}
"""Each kind of record and the table that lists it."""
WHY = "Why (optional)"
MARK = f" {CORRECTED}"
"""After the first cell of a corrected row."""


def marked(item: Revisable, text: str) -> Text:
    """A row's first cell, with ✎ when the item was corrected."""
    return cell(text + (MARK if item.corrected else ""))


def form_values(item: object) -> dict[str, str]:
    """An item's fields as a form shows them (numbers as text, 0 days as blank)."""
    assert isinstance(item, Revisable)
    found: dict[str, str] = {}
    for name, value in item_values(item).items():
        if isinstance(value, bool) or value is None:
            found[name] = "" if value is None else ("yes" if value else "no")
        elif name == "deadline_days":
            found[name] = str(value) if value else ""
        else:
            found[name] = str(value)
    return found


def cell(text: str, style: str = "") -> Text:
    """User text, literal, cut with … when too long."""
    return Text(visible(text), style=style, no_wrap=True, overflow="ellipsis")


class CaseScreen(AppScreen[None]):
    """Everything needed to keep one story straight."""

    CSS_PATH = "case.tcss"
    HELP = """\
## Case

Keys `1`–`6` switch tabs (6 is the timeline of calls, payments, notices,
claims and documents; Enter opens a call). `a` adds to the tab you are on (an identifier, a
payment, a notice, a claim or a document sent). `s` resolves or reopens the case, `c`
calls about it. `w` writes a letter filled from the case (a dispute, a complaint, a
confirmation of a call…) to review, edit and keep with its documents; Enter on a
saved letter in the documents tab opens it again (`e` corrects its date, how and to whom).

Corrections keep the original: Enter or `e` on a row opens it in the same form to
correct it (say why if you like); the row is marked ✎ and `v` shows its history: the
value first recorded, then each correction with its date. `r` renames the case or
corrects its state (kept the same way), `h` shows every correction to the case's title,
state and identifiers. `delete` removes the selected row after asking (and why): it is
kept, counts in no total, and `u` lists removed rows to restore one.

Deadlines are counted from the notice dates you enter: always check the date
printed on your notice.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="case-back"),
        Binding("c", "call", "Call", id="case-call", tooltip="Call about this case"),
        Binding("a", "add", "Add", id="case-add", tooltip="Add to this tab"),
        Binding("e", "correct", "Edit", id="case-correct",
                tooltip="Correct the selected row (the original is kept)"),
        Binding("v", "history", "History", id="case-history",
                tooltip="History of this item: as first recorded, then each correction"),
        Binding("delete", "remove", "Remove", id="case-remove",
                tooltip="Remove the selected row (asks first; kept, can be restored)"),
        Binding("u", "removed", "Removed", show=False, id="case-removed",
                tooltip="Rows removed from this case: restore one"),
        Binding("r", "rename", "Rename", show=False, id="case-rename",
                tooltip="Rename the case or correct its state (the original is kept)"),
        Binding("h", "case_history", "Changes", show=False, id="case-changes",
                tooltip="Every correction to the case's title, state and identifiers"),
        Binding("s", "toggle_status", "Resolve", id="case-status",
                tooltip="Resolve the case, or reopen it"),
        Binding("x", "export", "Export", id="case-export",
                tooltip="Export this case: dossier, spreadsheet, backup or calendar"),
        Binding("w", "letter", "Letter", id="case-letter",
                tooltip="Write a letter filled from this case: review, edit, save"),
        *[
            Binding(str(number), f"tab('{tab}')", tab.capitalize(), show=False,
                    id=f"case-tab-{tab}")
            for number, tab in enumerate(TABS, start=1)
        ],
    ]

    COMMAND_TITLES: ClassVar[dict[str, str]] = {
        "case-call": "Call about this case…", "case-add": "Add to this tab…",
        "case-remove": "Remove the selected row…", "case-rename": "Rename the case…",
        "case-correct": "Correct the selected row…", "case-history": "History of this item",
        "case-removed": "Restore a removed row…",
        "case-changes": "Corrections to the case's title, state and identifiers",
        "case-status": "Resolve or reopen the case", "case-export": "Export this case…",
        "case-letter": "Write a letter…",
    }
    """How the command palette names each action (binding id → title)."""

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self._calls: dict[str, Call] = {}

    @property
    def case(self) -> Case:
        return self.service.cases.get(self.case_id)

    # -- layout -----------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="case-title")
        with TabbedContent(id="case-tabs", initial="overview"):
            with TabPane("1 Overview", id="overview"):
                with VerticalScroll():
                    yield Static("", id="case-deadlines")
                    yield Static("Identifiers", classes="section-title")
                    yield QuickTable(id="identifiers-table", cursor_type="row")
                    yield Static("", id="case-followups")
                    yield Static("", id="case-stats")
            with TabPane("2 Payments", id="payments"):
                yield Static("", id="payments-total")
                yield QuickTable(id="payments-table", cursor_type="row", zebra_stripes=True)
            with TabPane("3 Notices", id="notices"):
                yield QuickTable(id="notices-table", cursor_type="row", zebra_stripes=True)
            with TabPane("4 Claims", id="claims"):
                with VerticalScroll():
                    yield Static("", id="claims-disputed")
                    yield QuickTable(id="claims-table", cursor_type="row", zebra_stripes=True)
            with TabPane("5 Documents", id="documents"):
                yield QuickTable(id="documents-table", cursor_type="row", zebra_stripes=True)
            with TabPane("6 Timeline", id="calls"):
                yield QuickTable(id="case-calls-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        columns = {
            "identifiers-table": ("What", "Value"),
            "payments-table": ("Date", "Amount", "Method", "Confirmation", "Account"),
            "notices-table": ("Date", "Notice", "Notice ID", "Deadline", "Says"),
            "claims-table": ("Question", "Party", "Says", "When", "Who"),
            "documents-table": ("Date", "What", "How", "To", "Tracking"),
            "case-calls-table": ("When", "What", "Detail"),
        }
        for table_id, labels in columns.items():
            table = self.query_one(f"#{table_id}", DataTable)
            for label in labels:
                table.add_column(label, key=label.lower())

    def on_screen_resume(self) -> None:
        self.refresh_case()

    def refresh_case(self) -> None:
        """Redraw every tab from the service's view of the case."""
        view = self.service.cases.view(self.case_id)
        case = view.case
        status = "resolved" if case.status == "resolved" else "open"
        title = Text()
        title.append(visible(case.title), style="bold")
        title.append(f"  · {status} · {plural(len(view.summaries), 'call')}"
                     f" · opened {format_local(case.created_at, 'YYYY-MM-DD')}", style="dim")
        if case.home_state:
            title.append(f" · you are in {visible(case.home_state)}", style="dim")
        if any(set(r.before) & {"title", "home_state", "member"} for r in case.revisions):
            title.append(" · ✎ corrected (h)", style="dim")
        self.query_one("#case-title", Static).update(title)

        self._show_overview(view)
        self._show_records(view)

    def _show_overview(self, view: CaseView) -> None:
        deadlines = view.deadlines
        text = Text()
        text.append("Deadlines", style="bold")
        if not deadlines:
            text.append("\nNone yet: add a notice (tab 3) with the deadline it starts.",
                        style="dim")
        for deadline in deadlines:
            style = {"passed": "bold red", "today": "bold red", "soon": "bold yellow"}.get(
                deadline.status, "")
            text.append(f"\n▸ {visible(deadline.describe())}", style=style)
            text.append(f"  from {visible(deadline.notice)} of {deadline.start.isoformat()}",
                        style="dim")
        if deadlines:
            text.append(f"\n{CHECK_NOTICE}", style="italic")
        self.query_one("#case-deadlines", Static).update(text)

        text = Text()
        text.append("Follow-ups", style="bold")
        if not view.followups:
            text.append("\nNo promises with a date yet.", style="dim")
        for item in view.followups:
            state = item.status(view.today)
            style = {"broken": "bold red", "today": "bold"}.get(state, "")
            text.append(f"\n{state:<8} {item.due.isoformat()}  ", style=style)
            text.append(f"{visible(item.text)} — {visible(item.organisation)}")
        broken = view.broken_by_organisation
        if broken:
            text.append("\nBroken promises: ", style="bold red")
            text.append(", ".join(f"{visible(org)} {count}" for org, count in broken.items()))
        self.query_one("#case-followups", Static).update(text)
        stats = view.stats
        text = Text()
        text.append("Totals", style="bold")
        text.append(
            f"\n{plural(stats.calls, 'call')} · {format_duration(stats.hold_seconds)} on hold "
            f"(longest {format_duration(stats.longest_hold)}) · "
            f"{format_duration(stats.talk_seconds)} talking · {plural(stats.distinct_reps, 'rep')}"
            f" ({stats.refused_id} refused an ID) · promises: {stats.promises_made} made, "
            f"{stats.kept} kept, {stats.broken} broken"
            + (f" ({stats.kept_late} kept late)" if stats.kept_late else "")
        )
        if stats.not_recorded_seconds >= 1:
            text.append(f"\nNot recorded: {format_duration(stats.not_recorded_seconds)} (the app "
                        "was closed during calls that then continued; neither hold nor talk)",
                        style="dim")
        if stats.hold_per_call:
            text.append("\nHold per call: ", style="dim")
            text.append(sparkline(stats.hold_per_call), style="yellow")
        self.query_one("#case-stats", Static).update(text)

    def _show_records(self, view: CaseView) -> None:
        case = view.case
        self._fill("identifiers-table", [
            (key, [cell(key + (MARK if identifier_history(case, key) else "")), cell(value)])
            for key, value in case.identifiers.items()
        ])
        total = Text(f"Total paid: {shown(view.paid)} in "
                     f"{plural(len(case.payments), 'payment')}", style="bold")
        removed = len(self.service.cases.removed(case.id))
        if removed:
            total.append(f"   {plural(removed, 'row')} removed from this case (u lists them)",
                         style="dim")
        self.query_one("#payments-total", Static).update(total)
        self._fill("payments-table", [
            (p.id, [marked(p, p.date), cell(shown(p.amount)), p.method,
                    cell(p.confirmation), cell(p.account)])
            for p in sorted(case.payments, key=lambda p: p.date)
        ])
        notices = []
        for notice in sorted(case.notices, key=lambda n: n.date):
            deadline = next((v for v in view.deadlines if v.notice.startswith(notice.name)
                             and v.start.isoformat() == notice.date), None)
            due = f"{deadline.name}: {deadline.due.isoformat()}" if deadline else ""
            notices.append((notice.id, [marked(notice, notice.date), cell(notice.name),
                                        cell(notice.notice_id), cell(due),
                                        cell(notice.says)]))
        self._fill("notices-table", notices)
        groups = view.claim_groups
        disputed = Text()
        for group in groups:
            if not group.disagree:
                continue
            disputed.append(f"≠ {visible(group.question)}\n", style="bold yellow")
            latest = group.latest_by_party()
            width = max(len(visible(party)) for party in latest)
            for party, claim in latest.items():
                who = f", {visible(claim.who)}" if claim.who else ""
                disputed.append(f"   {visible(party):<{width}} says ", style="dim")
                disputed.append(visible(claim.says), style="bold")
                disputed.append(f"  ({claim.date}{who})\n", style="dim")
        disputed.rstrip()
        widget = self.query_one("#claims-disputed", Static)
        widget.display = bool(disputed.plain)
        widget.update(disputed)
        claim_rows = []
        for group in groups:
            for claim in sorted(group.claims, key=lambda c: c.date):
                style = "yellow" if group.disagree else ""
                claim_rows.append((claim.id, [
                    cell(claim.question + (MARK if claim.corrected else ""), style),
                    cell(claim.party, style), cell(claim.says, style), claim.date,
                    cell(claim.who),
                ]))
        self._fill("claims-table", claim_rows)
        self._fill("documents-table", [
            (d.id, [marked(d, d.date), cell(d.what), cell(d.how), cell(d.to),
                    cell(d.tracking)])
            for d in sorted(case.documents, key=lambda d: d.date)
        ])
        self._calls = {call.id: call for call in view.calls}
        timeline = []
        for number, event in enumerate(view.timeline):
            when = (format_local(event.at, "YYYY-MM-DD HH:mm") if len(event.at) > 10
                    else event.at)
            key = event.call_id or f"event-{number}"
            style = "bold" if event.kind == "call" else ""
            timeline.append((key, [when, cell(event.kind, style), cell(event.text, style)]))
        self._fill("case-calls-table", timeline)

    def _fill(self, table_id: str, rows: list[tuple[str, list[Any]]]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear()
        for key, values in rows:
            table.add_row(*values, key=key)

    # -- actions ----------------------------------------------------------
    def _active_tab(self) -> str:
        return self.query_one(TabbedContent).active or "overview"

    def action_tab(self, tab: str) -> None:
        """Show ``tab`` with its table focused (Enter acts on the highlighted row)."""
        self.query_one(TabbedContent).active = tab
        table = {"overview": "identifiers-table", "calls": "case-calls-table"}.get(
            tab, f"{tab}-table")
        self.query_one(f"#{table}", DataTable).focus()

    def action_export(self) -> None:
        self.htl.open_export_dialog(self.case.title)

    def action_letter(self) -> None:
        self.htl.open_letter(self.case_id)

    def action_call(self) -> None:
        self.htl.open_start_dialog(case_id=self.case_id)

    def _apply(self, change: Callable[[], object], done: str = "") -> None:
        """Ask the service for a change; show its one-line message if it refuses."""
        try:
            change()
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if done:
            self.notify(done, markup=False)
        self.refresh_case()

    def action_rename(self) -> None:
        case = self.case
        fields = [Field("title", "Case title", value=case.title, required=True),
                  Field("home_state", "Your US state (for the call-recording warning)",
                        placeholder="MA", value=case.home_state, check=check_state),
                  Field("member", "Whom the case is about, if not you", value=case.member,
                        placeholder="e.g. my mother, Ana Reyes"),
                  Field("reason", WHY, placeholder="typo, the state I moved to…")]
        self._ask("Rename the case", fields,
                  lambda values: self.service.cases.rename(self.case_id, values))

    def action_toggle_status(self) -> None:
        reopen = self.case.status == "resolved"
        self._apply(lambda: self.service.cases.toggle_status(self.case_id),
                    "Case reopened." if reopen else "Case resolved.")

    def _ask(self, title: str, fields: list[Field],
             then: Callable[[dict[str, str]], object], note: str = "") -> None:
        self._ask_form(FormDialog(title, fields, note), then)

    def action_add(self) -> None:
        tab = self._active_tab()
        kind = "identifier" if tab in ("overview", "calls") else TAB_KINDS[tab]
        cases = self.service.cases
        adders: dict[str, Callable[[dict[str, str]], object]] = {
            "identifier": lambda values: cases.add_identifier(self.case_id, values),
            "payment": lambda values: cases.add_payment(self.case_id, values),
            "notice": lambda values: cases.add_notice(self.case_id, values),
            "claim": lambda values: cases.add_claim(self.case_id, values),
            "document": lambda values: cases.add_document(self.case_id, values),
        }
        self._ask_form(self._record_form(kind), adders[kind])

    def _record_form(self, kind: str, item: object = None, key: str = "") -> FormDialog:
        """The form that adds a ``kind`` record; given ``item`` (an identifier: ``key``),
        the same form filled with it, to correct it, with a "Why" line."""
        day = self.service.today()
        today = day.isoformat()
        case = self.case
        when = date_field(day, case.home_state)
        correcting = item is not None or bool(key)
        verb = "Correct" if correcting else "Add"
        note = ""
        if kind == "identifier":
            title = f"{verb} an identifier"
            fields = [
                Field("key", "What it is", "Member ID, billing account number…", required=True,
                      suggestions=["Member ID", "Billing account number", "Application ID",
                                   "Policy number", "Group number", "Claim number"]),
                Field("value", "Value", required=True),
            ]
        elif kind == "payment":
            title = f"{verb} a payment"
            fields = [
                when("date", "Date paid", today),
                Field("amount", "Amount", "412.50", required=True, check=check_amount,
                      hint=amount_hint),
                Field("method", "Method", choices=PAYMENT_METHODS),
                Field("confirmation", "Bank confirmation number"),
                Field("account", "Account billed / paid from"),
            ]
        elif kind == "notice":
            title = f"{verb} a notice"
            names = self.service.cases.known_deadlines()
            fields = [
                when("date", "Date on the notice", today),
                Field("name", "Name of the notice", "Termination notice", required=True),
                Field("notice_id", "Notice ID"),
                Field("says", "What it says"),
                Field("deadline_name", "Deadline it starts", "Reinstatement window",
                      suggestions=sorted(names)),
                Field("deadline_days", "Days to the deadline", "35", check=check_days),
            ]
            note = "Check the date printed on your notice: the clock runs from it."
        elif kind == "claim":
            dialog = claim_dialog(case, day)
            title, fields = f"{verb}: who says what", dialog.fields
        else:
            title = f"{verb} a document sent"
            fields = [
                when("date", "Date sent", today),
                Field("what", "What", "Payment history and bank statements", required=True),
                Field("how", "How", "certified mail, fax, email, portal", required=True),
                Field("to", "To whom"),
                Field("tracking", "Tracking or confirmation number"),
            ]
        if correcting:
            current = ({"key": key, "value": case.identifiers.get(key, "")} if key
                       else form_values(item))
            for spec in fields:
                if spec.key in current:
                    spec.value = current[spec.key]
            fields.append(Field("reason", WHY, "typo, misheard, read from the letter…"))
            note = "The value first recorded is kept with the correction."
        return FormDialog(title, fields, note)

    def _ask_form(self, dialog: FormDialog,
                  then: Callable[[dict[str, str]], object]) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._apply(lambda: then(values))

        self.app.push_screen(dialog, done)

    def _selected(self) -> tuple[str, str, str] | None:
        """(kind, key, label) of the highlighted row of the tab shown; None if none."""
        tab = self._active_tab()
        if tab == "calls":
            return None
        kind = "identifier" if tab == "overview" else TAB_KINDS[tab]
        table = self.query_one(f"#{TABLES[kind]}", DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        label = " · ".join(str(c) for c in table.get_row(row_key) if str(c))[:60]
        return kind, str(row_key.value), label

    def action_remove(self) -> None:
        if self._active_tab() == "calls":
            self.notify("Calls are never deleted.", severity="warning")
            return
        selected = self._selected()
        if selected is None:
            return
        kind, key, label = selected
        dialog = ConfirmDialog(f"Remove this row?\n{label}\nIt is kept (u lists removed "
                               "rows) and counts in no total.", ask_reason=True)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._apply(lambda: self.service.cases.remove(self.case_id, kind, key,
                                                              dialog.reason),
                            "Removed; u lists removed rows to restore one.")

        self.app.push_screen(dialog, confirmed)

    def action_correct(self) -> None:
        """Open the highlighted row in its form, to correct it."""
        if self._active_tab() == "calls":
            self._open_call_row()
            return
        selected = self._selected()
        if selected is None:
            self.notify("Nothing to correct here yet.", severity="warning")
            return
        self._correct(selected[0], selected[1])

    def _correct(self, kind: str, key: str) -> None:
        case = self.case
        if kind == "identifier":
            dialog = self._record_form(kind, key=key)
        else:
            dialog = self._record_form(kind, self.service.cases.item(case, kind, key))

        def then(values: dict[str, str]) -> None:
            reason = values.pop("reason", "")
            revision = self.service.cases.correct(self.case_id, kind, key, values, reason)
            self.notify("Corrected; the original is kept (v shows the history)."
                        if revision else "Nothing changed.", markup=False)

        self._ask_form(dialog, then)

    def action_history(self) -> None:
        """The highlighted row's history: as first recorded, then each correction."""
        selected = self._selected()
        if selected is None:
            self.notify("Choose a row first.", severity="warning")
            return
        kind, key, _ = selected
        case = self.case
        item: Revisable | None = None
        if kind == "identifier":
            steps = case_history(case, [IDENTIFIER + key])
        else:
            item = self.service.cases.item(case, kind, key)
            steps = item_history(item, str(getattr(item, "date", "")))
        lines = step_lines(steps)
        if len(steps) == 1:
            lines = [("Not corrected", "This is the value as first recorded.")]
        what = (f"{key}: {case.identifiers.get(key, '')}" if kind == "identifier"
                else item_label(kind, item))
        self.app.push_screen(HistoryDialog(f"History of this {KIND_WORDS[kind]}", lines,
                                           subtitle=what))

    def action_case_history(self) -> None:
        """Every correction of the case's title, state, member and identifiers."""
        case = self.case
        steps = case_history(case)
        lines = step_lines(steps, "When the case was opened")
        if len(steps) == 1:
            lines = [("No corrections", "The title, state and identifiers are as first "
                      "recorded.")]
        self.app.push_screen(HistoryDialog(f"Corrections to the case: {case.title}", lines))

    def action_removed(self) -> None:
        """Rows removed from the case: pick one to restore it."""
        entries = self.service.cases.removed(self.case_id)
        if not entries:
            self.notify("Nothing has been removed from this case.", markup=False)
            return
        options = [(str(number), f"{entry.at[:10]}  {removed_label(entry)}"
                    + (f" — why: {entry.reason}" if entry.reason else ""))
                   for number, entry in enumerate(entries)]

        def picked(choice: str | None) -> None:
            if choice is None:
                return
            entry = entries[int(choice)]
            self._apply(lambda: self.service.cases.restore(self.case_id, entry.kind,
                                                           entry.item_id),
                        f"Restored: {removed_label(entry)}")

        self.app.push_screen(PickDialog("Removed rows: Enter restores one", options), picked)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        table_id = event.data_table.id or ""
        kind = next((k for k, t in TABLES.items() if t == table_id), None)
        if kind == "document" and any(d.id == event.row_key.value and d.text
                                      for d in self.case.documents):
            return  # a saved letter: Enter opens it (e corrects it)
        if kind is not None:
            self._correct(kind, str(event.row_key.value))

    def _open_call_row(self) -> None:
        table = self.query_one("#case-calls-table", DataTable)
        if table.row_count:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            call = self._calls.get(str(row_key.value))
            if call is not None:
                self.htl.open_call(call, self.case.title)

    @on(DataTable.RowSelected, "#documents-table")
    def _open_letter(self, event: DataTable.RowSelected) -> None:
        document = next((d for d in self.case.documents if d.id == event.row_key.value), None)
        if document is not None and document.text:
            self.htl.open_letter(self.case_id, document.id)

    @on(DataTable.RowSelected, "#case-calls-table")
    def _open_call(self, event: DataTable.RowSelected) -> None:
        call = self._calls.get(str(event.row_key.value))
        if call is not None:
            self.htl.open_call(call, self.case.title)


def claim_dialog(case: Case, today: date, party: str = "", who: str = "") -> FormDialog:
    """Record what one party says about one question."""
    questions = list(dict.fromkeys(claim.question for claim in case.claims))
    parties = list(dict.fromkeys(claim.party for claim in case.claims))
    return FormDialog("Who says what", [
        Field("question", "Question", "Coverage effective date", required=True,
              suggestions=questions),
        Field("says", "They say", "1 Feb", required=True),
        Field("party", "Who says it (organisation)", value=party, required=True,
              suggestions=parties),
        Field("who", "Said by (rep)", value=who),
        date_field(today, case.home_state)("date", "When", today.isoformat()),
    ])


def date_field(today: date, state: str) -> Callable[[str, str, str], Field]:
    """Date fields that take every form the date parser knows and show what they read."""

    def make(key: str, label: str, value: str) -> Field:
        return Field(key, label, "2026-11-24, 11/24/2026, yesterday…", value, True,
                     check=date_check(today, state), hint=date_hint(today, state))

    return make
