"""One past call: its whole timeline. What was recorded can be corrected here (a hold's
start or end, a note, a reference number, a promise, a rep), each correction kept with
the original; an item can be removed (kept, restorable)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from tui.domain.holds import describe_correction, hold_span
from tui.domain.items import KIND_WORDS, item_history, item_label, removed_label, step_lines
from tui.domain.model import CALL_ITEM_KINDS, ROLES, Call, Claim, HoldSegment, Revisable
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local
from tui.domain.timeline import call_events, not_recorded_text
from tui.screens.base import AppScreen
from tui.screens.confirm import ConfirmDialog
from tui.screens.corrections import HistoryDialog, PickDialog
from tui.screens.form import Field, FormDialog
from tui.service import ServiceError
from tui.widgets.key_footer import KeyFooter

KIND_STYLE = {
    "dial": "bold", "end": "bold", "hold": "yellow", "rep": "cyan", "reference": "bold green",
    "promise": "bold magenta", "claim": "bold yellow", "playbook": "dim", "note": "",
    "gap": "bold",
}


def call_items(call: Call) -> list[tuple[str, Revisable]]:
    """The call's notes, references, promises and reps, in that order, with their kind."""
    return [(kind, item) for kind in CALL_ITEM_KINDS for item in call.items(kind)]


def item_correction_dialog(kind: str, item: Revisable) -> FormDialog:
    """The item's values in a form to correct them, with a "Why" line."""
    values = item.to_dict()
    if kind == "note":
        fields = [Field("text", "Note", value=str(values["text"]), required=True)]
    elif kind == "reference":
        fields = [Field("number", "Reference number", value=str(values["number"]),
                        required=True)]
    elif kind == "promise":
        fields = [Field("text", "What they promised", value=str(values["text"]),
                        required=True),
                  Field("due", "Due (a date; blank for none)", "2026-12-01, 12/01/2026…",
                        value=str(values["due"] or ""))]
    else:
        fields = [Field("first_name", "First name", value=str(values["first_name"])),
                  Field("rep_id", "Rep ID", value=str(values["rep_id"])),
                  Field("id_refused", "Refused to give an ID", choices=("no", "yes"),
                        value="yes" if values["id_refused"] else "no"),
                  Field("role", "Role", choices=ROLES, value=str(values["role"])),
                  Field("department", "Department", value=str(values["department"]))]
    fields.append(Field("reason", "Why (optional)", "typo, misheard, wrong call…"))
    return FormDialog(f"Correct this {KIND_WORDS[kind]}", fields,
                      note="What was first recorded is kept with the correction.")


class CallDetailScreen(AppScreen[Call | None]):
    """A past call; dismissed with the call as saved when something was corrected or
    removed (None otherwise)."""

    CSS_PATH = "call_detail.tcss"
    HELP = """\
## A past call

Read-only. Every stamp is time into the call and wall time.

`h` fixes a hold's start or end (a forgotten or late ctrl+o): the correction is
kept with the original, the totals use it, and the timeline marks the hold as
corrected. A hold cannot start before the call, end after it, or overlap another.

`e` corrects a note, a reference number, a promise (its text or due date) or a rep
(name, ID, role, department): pick it, change it, say why if you like. The timeline
marks it ✎ corrected and `v` shows its history: as first recorded, then each
correction with its date. A promise whose date had passed unkept stays broken in
every total even if its date is corrected afterwards.

`delete` removes an item after asking (and why): it is kept, listed under "Removed",
counts in no total, and `u` restores it.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail-back"),
        Binding("e", "correct", "Correct", id="detail-correct",
                tooltip="Correct a note, reference, promise or rep (the original is kept)"),
        Binding("v", "history", "History", id="detail-history",
                tooltip="History of a corrected item: as first recorded, then each correction"),
        Binding("h", "fix_hold", "Fix hold", id="detail-fix-hold",
                tooltip="Correct a hold's start or end (the original is kept)"),
        Binding("delete", "remove", "Remove", id="detail-remove",
                tooltip="Remove a note, reference, promise or rep (asks first; kept)"),
        Binding("u", "restore", "Restore", id="detail-restore",
                tooltip="Put back an item removed from this call"),
    ]

    def __init__(self, call: Call, case_title: str, claims: list[Claim] | None = None) -> None:
        super().__init__()
        self.call = call
        self.case_title = case_title
        self.claims = claims or []
        self.changed = False

    def compose(self) -> ComposeResult:
        call = self.call
        yield Header()
        head = Text()
        head.append(visible(call.organisation), style="bold")
        head.append(f"  {format_local(call.started_at, 'dddd YYYY-MM-DD HH:mm')}")
        head.append(f"   Case: {visible(self.case_title)}", style="dim")
        head.append(f"\nLength {format_duration(call.duration_seconds)} · "
                    f"on hold {format_duration(call.hold_seconds())} · "
                    f"talking {format_duration(call.talk_seconds())} · "
                    f"outcome: {visible(call.outcome or 'in progress')}")
        if call.gaps:
            head.append(f" · {not_recorded_text(call)}")
        corrected = sum(1 for segment in call.hold_segments if segment.corrected)
        if corrected:
            head.append(f"\n{corrected} of {len(call.hold_segments)} holds corrected "
                        "(the originals are kept)", style="dim")
        items = sum(1 for _, item in call_items(call) if item.corrected)
        if items:
            head.append(f"\n{plural(items, 'item')} corrected ✎ (v shows what they were)",
                        style="dim")
        if call.summary:
            head.append(f"\nSummary: {visible(call.summary)}")
        refs = ", ".join(visible(r.number) for r in call.references)
        if refs:
            head.append(f"\nReference numbers: {refs}", style="bold")
        elif call.reference_refused:
            head.append("\nThe rep refused to give a reference number", style="bold yellow")
        if call.recorded:
            consent = "consent asked" if call.consent_asked else "consent NOT recorded"
            head.append(f"\nRecorded ({consent})", style="dim")
        yield Static(head, id="detail-head")
        lines = Text()
        for event in call_events(call, self.claims):
            stamp = format_elapsed(event.elapsed or 0.0)
            lines.append(f"{stamp} ", style="bold")
            lines.append(f"{format_local(event.at, 'HH:mm:ss')}  ", style="dim")
            lines.append(visible(event.text), style=KIND_STYLE.get(event.kind, ""))
            lines.append("\n")
        removed = [entry for entry in call.removed if not entry.restored]
        if removed:
            lines.append("\nRemoved after the call (kept; counted in no total; u restores):",
                         style="bold")
            for entry in removed:
                why = f" — why: {entry.reason}" if entry.reason else ""
                lines.append(f"\n  {format_local(entry.at, 'YYYY-MM-DD HH:mm')}  ", style="dim")
                lines.append(visible(removed_label(entry) + why), style="dim strike")
        lines.rstrip()
        with VerticalScroll(id="detail-timeline"):
            yield Static(lines)
        yield KeyFooter()

    # -- corrections of notes, references, promises and reps ----------------------------
    def _pick(self, title: str, items: list[tuple[str, Revisable]],
              then: Callable[[str, str], None]) -> None:
        """Pick one of ``items`` (kind, item), then ``then(kind, item id)``."""
        if not items:
            self.notify("Nothing to choose here.", severity="warning")
            return
        options = [(f"{kind}:{getattr(item, 'id', '')}",
                    KIND_WORDS[kind] + ": " + item_label(kind, item)
                    + (" ✎" if item.corrected else "")) for kind, item in items]

        def picked(choice: str | None) -> None:
            if choice is not None:
                kind, _, item_id = choice.partition(":")
                then(kind, item_id)

        self.app.push_screen(PickDialog(title, options), picked)

    def action_correct(self) -> None:
        if self.call.is_live:
            self.notify("Finish the call first.", severity="warning")
            return
        self._pick("Correct which?", call_items(self.call), self._edit_item)

    def _edit_item(self, kind: str, item_id: str) -> None:
        item = self.call.item(kind, item_id)
        if item is not None:
            self.app.push_screen(item_correction_dialog(kind, item),
                                 partial(self._item_corrected, kind, item_id))

    def _item_corrected(self, kind: str, item_id: str, values: dict[str, str] | None) -> None:
        if values is None:
            return
        reason = values.pop("reason", "")
        self._change(lambda: self.service.calls.correct_item(self.call.id, kind, item_id,
                                                             values, reason),
                     "Corrected; the original is kept (v shows the history).")

    def _change(self, change: Callable[[], object], done: str) -> None:
        try:
            result = change()
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        if result is None:
            self.notify("Nothing changed.", markup=False)
            return
        self.call = self.service.calls.load(self.call.id)
        self.changed = True
        self.refresh(recompose=True)
        self.notify(done, markup=False)

    def action_history(self) -> None:
        corrected: list[tuple[str, Revisable]] = [
            ("hold", segment) for segment in self.call.hold_segments if segment.corrected]
        corrected += [(kind, item) for kind, item in call_items(self.call) if item.corrected]
        if not corrected:
            self.notify("Nothing on this call has been corrected.", markup=False)
            return
        if len(corrected) == 1:
            self._show_history(*(corrected[0][0], str(getattr(corrected[0][1], "id", ""))))
            return
        self._pick("History of which?", corrected, self._show_history)

    def _show_history(self, kind: str, item_id: str) -> None:
        item = (self.call.hold_by_id(item_id) if kind == "hold"
                else self.call.item(kind, item_id))
        if item is None:
            return
        steps = item_history(item, str(getattr(item, "at", "")
                                       or getattr(item, "start", "")
                                       or getattr(item, "joined_at", "")))
        self.app.push_screen(HistoryDialog(f"History of this {KIND_WORDS[kind]}",
                                           step_lines(steps), subtitle=item_label(kind, item)))

    def action_remove(self) -> None:
        if self.call.is_live:
            self.notify("Finish the call first.", severity="warning")
            return
        self._pick("Remove which?", call_items(self.call), self._confirm_remove)

    def _confirm_remove(self, kind: str, item_id: str) -> None:
        item = self.call.item(kind, item_id)
        if item is None:
            return
        dialog = ConfirmDialog(f"Remove this {KIND_WORDS[kind]}?\n{item_label(kind, item)}"
                               "\nIt is kept (u restores it) and counts in no total.",
                               ask_reason=True)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change(lambda: self.service.calls.remove_item(
                    self.call.id, kind, item_id, dialog.reason), "Removed; u restores it.")

        self.app.push_screen(dialog, confirmed)

    def action_restore(self) -> None:
        entries = [entry for entry in self.call.removed if not entry.restored]
        if not entries:
            self.notify("Nothing has been removed from this call.", markup=False)
            return
        options = [(str(number), removed_label(entry)) for number, entry in enumerate(entries)]

        def picked(choice: str | None) -> None:
            if choice is not None:
                entry = entries[int(choice)]
                self._change(lambda: self.service.calls.restore_item(
                    self.call.id, entry.kind, entry.item_id), "Restored.")

        self.app.push_screen(PickDialog("Put back which?", options), picked)

    # -- hold corrections ----------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(self.call if self.changed else None)

    def action_fix_hold(self) -> None:
        """Pick a hold (if there are several), then its new start and end."""
        from textual.command import SimpleCommand

        holds = self.call.hold_segments
        if not holds:
            self.notify("This call has no hold to fix.", severity="warning")
            return
        if len(holds) == 1:
            self._edit(holds[0])
            return
        commands = [
            SimpleCommand(f"Hold {number}: {hold_span(segment)}", partial(self._edit, segment),
                          describe_correction(segment) or format_duration(
                              segment.seconds(self.call.duration_seconds)))
            for number, segment in enumerate(holds, start=1)
        ]
        self.app.search_commands(commands, placeholder="Fix which hold? Type to search…")

    def _edit(self, segment: HoldSegment) -> None:
        from tui.screens.hold_fix import hold_correction_dialog

        self.app.push_screen(hold_correction_dialog(segment),
                             partial(self._corrected, segment.id))

    def _corrected(self, hold_id: str, values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            call = self.service.calls.correct_hold(self.call.id, hold_id, values["start"],
                                                   values["end"], values["reason"])
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        segment = call.hold_by_id(hold_id)
        if segment is None or call.to_dict() == self.call.to_dict():
            self.notify("Nothing changed.", markup=False)
            return
        self.call = call
        self.changed = True
        self.refresh(recompose=True)
        self.notify(f"Hold corrected to {hold_span(segment)}; the original is kept.",
                    markup=False)
