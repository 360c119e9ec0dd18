"""The live call: timer, HOLD, reps, notes and the playbook panel."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tui.domain.holds import describe_correction
from tui.domain.model import Call
from tui.domain.reps import RepIndex
from tui.domain.text import plural, visible
from tui.domain.timefmt import format_duration, format_elapsed, format_local_time
from tui.playbooks import Playbook
from tui.screens.base import AppScreen
from tui.screens.end_call import EndCallDialog
from tui.screens.recording import RecordingDialog
from tui.service import (
    CallRequest,
    EndCallResult,
    LiveSession,
    RecordingChoice,
    ServiceError,
)
from tui.widgets.call_clock import CallClock
from tui.widgets.key_footer import KeyFooter
from tui.widgets.notes_log import NotesLog
from tui.widgets.playbook_panel import PlaybookPanel
from tui.widgets.rep_form import RepForm
from tui.widgets.shown import update_static
from tui.widgets.text_field import NoteLine

HEARTBEAT_SECONDS = 5.0
"""How often the call's running length is saved even when nothing is typed."""
MIN_SIZE = (40, 12)
"""The smallest window the call is drawn in; below it, a calm "make it larger"."""


@dataclass
class CallClosed:
    """How a call screen ended: hung up, or dropped and to be dialled again."""

    call: Call
    redial: CallRequest | None = None


class CallScreen(AppScreen[CallClosed]):
    """A call in progress: shows the session and forwards every edit to it.

    Dismissed with a ``CallClosed`` when the call ends (or drops, for a redial).
    """

    CSS_PATH = "call.tcss"
    AUTO_FOCUS = "#rep-name"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-w-tiny"), (MIN_SIZE[0], "-w-narrow"), (80, "-w-wide"),
    ]
    """Width classes: below 80 columns the playbook goes under the call (stacked)."""
    VERTICAL_BREAKPOINTS = [
        (0, "-h-tiny"), (MIN_SIZE[1], "-h-short"), (16, "-h-medium"), (24, "-h-tall"),
    ]
    """Height classes: below 24 lines the timer is one line and the fields lose their gaps."""
    HELP = """\
## Live call

Type the rep's **first name**, Tab to their **ID**, role and department.
`ctrl+n` jumps to the note line; Enter adds the note with its time stamps.

`ctrl+k` records who says what (a claim) on the case; `f2` records whether
the call is recorded and consent was asked; `f5` redials a dropped call.

`f7` shows the whole playbook full-screen (the NEVER list first, every
item in full); `f7` or `esc` goes back to where you were typing. The call
keeps running meanwhile.

`f9` says "on hold since N minutes ago" (forgot ctrl+o?): the hold is
back-dated and the correction kept with the time you pressed. Redialling a
dropped call shows its reps, references and last notes; `ctrl+y` carries on
with the same rep. A continued call (after the app closed) shows its record so
far and the time the app was closed.

On the note line, start with `ref:` to record a **reference number**
(`ref: 88213`) or `promise:` to record a **promise**
(`promise: will call back in 3 days`). Dates like "in 3 days",
"next tuesday" and "2026-12-01" are understood.

Everything is saved to disk within a second while you type.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "focus_note", "Note", priority=True, id="note",
                tooltip="Go to the note line"),
        Binding("ctrl+o", "toggle_hold", "Hold", priority=True, id="hold",
                tooltip="Start or stop a hold segment"),
        Binding("ctrl+r", "next_rep", "Transfer", priority=True, id="next-rep",
                tooltip="Transferred: add the next representative"),
        Binding("ctrl+t", "end_call", "End", priority=True, id="end-call",
                tooltip="Hang up: outcome, summary, references, promises"),
        Binding("ctrl+b,f6", "switch_playbook", "Playbook", priority=True, id="switch-playbook",
                tooltip="Show another organisation's playbook (transferred?)"),
        Binding("ctrl+g", "escalate", "Escalate", priority=True, id="escalate",
                tooltip="Open the playbook of an escalation target"),
        Binding("ctrl+l", "focus_steps", "Steps", priority=True, id="steps", show=False,
                tooltip="Go to the playbook's checklist (space ticks a step)"),
        Binding("ctrl+k", "claim", "Claim", priority=True, id="claim", show=False,
                tooltip="Record who says what (e.g. the effective date they give)"),
        Binding("f2", "recording", "Recording", priority=True, id="recording", show=False,
                tooltip="Recording this call? Consent asked?"),
        Binding("f5", "redial", "Redial", priority=True, id="redial", show=False,
                tooltip="The call dropped: end it as disconnected and dial again (asks first)"),
        Binding("f8", "rep_directory", "Reps", priority=True, id="call-reps", show=False,
                tooltip="Every rep of this organisation you have spoken to, and their record"),
        Binding("f3", "focus_rep_name", "Rep name", priority=True, id="rep-name", show=False,
                tooltip="Go to the current rep's first name"),
        Binding("f4", "focus_rep_id", "Rep ID", priority=True, id="rep-id", show=False,
                tooltip="Go to the current rep's ID"),
        Binding("f7", "toggle_panel", "Panel", priority=True, id="panel",
                tooltip="The whole playbook full-screen (NEVER list first), and back"),
        Binding("escape", "panel_back", "Back", id="panel-back", show=False,
                tooltip="Back from the full-screen playbook to where you were typing"),
        Binding("f9", "hold_fix", "Hold since", priority=True, id="hold-fix", show=False,
                tooltip="On hold since N minutes ago (forgot ctrl+o): back-dates the hold, "
                "keeping the time pressed"),
        Binding("ctrl+y", "same_rep", "Same rep", priority=True, id="same-rep",
                tooltip="Redial: carry on with the dropped call's rep (fills name, ID, role, "
                "department)"),
    ]

    COMMAND_TITLES: ClassVar[dict[str, str]] = {
        "note": "Note: go to the note line", "hold": "Hold on / off",
        "next-rep": "Transfer: the next rep", "end-call": "End call…",
        "switch-playbook": "Switch playbook…", "escalate": "Escalate…",
        "steps": "Steps: the playbook's checklist", "claim": "Claim: who says what…",
        "recording": "Recording and consent…", "redial": "Redial: the call dropped…",
        "rep-name": "Rep name", "rep-id": "Rep ID", "call-reps": "Rep directory…",
        "panel": "Panel: the whole playbook full-screen",
        "hold-fix": "On hold since… (back-date a hold)",
        "same-rep": "Same rep as the dropped call",
    }
    """How the command palette names each action (binding id → title)."""

    def __init__(self, session: LiveSession) -> None:
        super().__init__()
        self.session = session
        self._last_status = ""
        self._reps = RepIndex([])
        """Every rep seen before (loaded in the background), to recognise one again."""
        self._focus_before_panel: Widget | None = None
        self._last_focus: Widget | None = None
        self._tally: Text | None = None

    # -- layout -----------------------------------------------------------
    def compose(self) -> ComposeResult:
        call = self.session.call
        title = Text.assemble(
            ("↙ They called: " if call.incoming else "", "bold yellow"),
            (visible(call.organisation), "bold"),
            ("  " + visible(call.number_dialled) if call.number_dialled else ""),
            ("   Case: ", "dim"),
            visible(self.session.case.title),
        )
        with Horizontal(id="call-title-bar"):
            yield Static(title, id="call-title")
            yield Static("", id="recording-state")
            yield Static("", id="save-state")
        yield CallClock(id="call-clock")
        with Horizontal(id="call-body"):
            with Vertical(id="call-main"):
                yield Static("", id="rep-chain")
                yield RepForm(id="rep-form")
                yield NotesLog(id="notes-log")
                yield NoteLine(
                    placeholder="Note (Enter adds it) · ref: 12345 · promise: call back in 3 days",
                    id="note-input",
                )
            yield PlaybookPanel(id="playbook-panel")
        yield Static(
            f"Make the window larger.\n\nThe call needs at least {MIN_SIZE[0]}×{MIN_SIZE[1]}. "
            "It is still running; everything typed so far is kept.",
            id="too-small", markup=False,
        )
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        call = self.session.call
        self.query_one(RepForm).load(self.session.current_rep, len(call.reps))
        self.query_one("#note-input", Input).value = call.draft_note
        self._show_playbook()
        log = self.query_one(NotesLog)
        opening = (f"{call.organisation} called" if call.incoming
                   else f"Dialled {call.organisation}")
        log.add_entry("note", opening, 0.0, call.started_at)
        for key in call.fulfils:
            log.add_entry("promise", f"This is the call they promised ({key}): marked kept",
                          0.0, call.started_at)
        self._refresh_chain()
        self._refresh_title()
        if call.redial_of:
            log.add_entry("rep", "Redialled after a dropped call", 0.0, call.started_at)
        self._show_earlier(log)
        self._tick()
        self.set_interval(0.5, self._tick)
        self.set_interval(0.25, self._show_save_state)
        self.set_interval(HEARTBEAT_SECONDS, self.session.heartbeat)
        # After the first frame: reading earlier calls would share the interpreter with
        # drawing this screen.
        self.call_after_refresh(self._load_reps)
        self.set_interval(1.0, self._watch_hold)

    @work(thread=True, exclusive=True, group="call-reps", exit_on_error=False)
    def _load_reps(self) -> None:
        """Who the reps of this organisation were (hints only: a failure must never end
        the live call; it is said and the call goes on)."""
        worker = get_current_worker()
        try:
            with self.htl.collector_paused():
                # Stopped when the call ends: an organisation called thousands of times
                # took seconds to read, competing with whatever came next.
                records = self.service.rep_directory(self.session.call.organisation,
                                                     stop=lambda: worker.is_cancelled)
                if worker.is_cancelled:
                    return
                found = RepIndex(records)  # here, not on the screen: thousands of reps
        except Exception as error:  # noqa: BLE001
            self.app.call_from_thread(self.htl.background_failed, "read earlier reps", error)
            return
        self.app.call_from_thread(self._reps_loaded, found)

    def _reps_loaded(self, found: RepIndex) -> None:
        self._reps = found
        self.htl.keep_loaded()
        self._refresh_chain()

    def _refresh_title(self) -> None:
        call = self.session.call
        badge = self.query_one("#recording-state", Static)
        badge.update("● REC " if call.recorded else "")
        badge.display = call.recorded

    def _show_playbook(self) -> None:
        call = self.session.call
        self.query_one(PlaybookPanel).show(
            self.session.playbook, call.organisation, call.checklist,
            self.service.playbook_names(), today=self.service.today(),
            facts=self.session.facts(), read_out=call.read_out,
        )

    # -- saving -----------------------------------------------------------
    def _show_save_state(self) -> None:
        status = self.session.save_status
        if status.error:
            text, cls = f"NOT SAVED: {status.error} — retrying", "-error"
        elif status.overdue(time.monotonic()):
            text, cls = "Saving…", "-pending"
        else:
            # Calm: edits normally reach the disk in a fraction of a second.
            text, cls = "✓ Saved", "-saved"
        if text != self._last_status:
            self._last_status = text
            state = self.query_one("#save-state", Static)
            state.update(Text(visible(text)))
            state.set_classes(cls)

    # -- display ----------------------------------------------------------
    def _tick(self) -> None:
        session = self.session
        self.query_one(CallClock).show(
            session.elapsed(), session.hold_seconds(), session.talk_seconds(),
            session.call.on_hold,
        )

    def _refresh_chain(self) -> None:
        reps = self.session.call.reps
        chain = Text("Reps: ", style="dim")
        for number, rep in enumerate(reps, start=1):
            if number > 1:
                chain.append(" → ", style="dim")
            style = "bold" if number == len(reps) else ""
            chain.append(f"{number}. {visible(rep.label())}", style=style)
            chain.append(f" {format_elapsed(rep.joined_elapsed)}", style="dim")
        call = self.session.call
        for record in self._reps.matches(call.organisation, self.session.current_rep,
                                         exclude_call=call.id)[:1]:
            style = "bold red" if record.broken else "bold yellow"
            chain.append(f"\n↺ {visible(record.label)}: ", style=style)
            chain.append(visible(record.summary()), style=style if record.broken else "")
        update_static(self.query_one("#rep-chain", Static), chain)

    # -- events -----------------------------------------------------------
    @on(RepForm.Edited)
    def _rep_edited(self, event: RepForm.Edited) -> None:
        same_rep_before = self.session.can_use_same_rep()
        self.session.set_rep_field(event.field, event.value)
        self._refresh_chain()
        self._show_save_state()
        if self.session.can_use_same_rep() != same_rep_before:
            # Only when ctrl+y comes or goes: refreshing the bindings rebuilds the footer,
            # and doing that on every key left its old widgets for the collector (long
            # collector passes while typing a name, growing through the call).
            self.refresh_bindings()

    @on(Input.Changed, "#note-input")
    def _draft_changed(self, event: Input.Changed) -> None:
        if self.session.set_draft(event.value):
            self._show_save_state()
        # A promise's date is shown as it is understood, before the line is entered.
        event.input.border_subtitle = Text(self.session.understood_due(event.value))

    @on(NoteLine.Entered)
    def _note_entered(self, event: NoteLine.Entered) -> None:
        line = event.text
        if event.pasted_lines:
            note = self.session.add_note(line)
            self.query_one(NotesLog).add_entry("note", note.text, note.elapsed, note.at)
            self.notify(f"Pasted {plural(event.pasted_lines, 'line')} as one note.",
                        markup=False)
            return
        result = self.session.enter_line(line)
        if result is None:
            if line.strip():
                self.notify("Nothing after the prefix: type the number or the promise.",
                            severity="warning")
            return
        call = self.session.call
        log = self.query_one(NotesLog)
        if result.kind == "reference":
            ref = call.references[-1]
            log.add_entry("reference", result.text, ref.elapsed, ref.at)
        elif result.kind == "promise":
            promise = call.promises[-1]
            due = f"due {result.due}" if result.due else "no date understood"
            log.add_entry("promise", result.text, promise.elapsed, promise.at, due)
            if result.due and result.due < self.session.today().isoformat():
                self.notify(f"That promise's date ({result.due}) has already passed: "
                            "check it with the rep.", severity="warning", markup=False)
        else:
            note = call.notes[-1]
            log.add_entry("note", result.text, note.elapsed, note.at)
        self._show_save_state()

    @on(PlaybookPanel.FactToggled)
    def _fact_toggled(self, event: PlaybookPanel.FactToggled) -> None:
        self.session.set_fact_read(event.fact, event.done)

    @on(PlaybookPanel.StepToggled)
    def _step_toggled(self, event: PlaybookPanel.StepToggled) -> None:
        self.session.set_step(event.key, event.done)

    # -- playbooks ----------------------------------------------------------
    def switch_playbook(self, playbook: Playbook) -> None:
        """Show ``playbook`` from now on; the call records the switch."""
        use = self.session.switch_playbook(playbook)
        if use is None:
            return
        self._show_playbook()
        self.query_one(NotesLog).add_entry("hold", f"Playbook: {playbook.name}", use.elapsed,
                                           use.at)

    def _pick(self, playbooks: list[Playbook], placeholder: str) -> None:
        from textual.command import SimpleCommand

        from tui.screens.commands import search_literal

        commands = [
            SimpleCommand(pb.name, partial(self.switch_playbook, pb), pb.main_number or pb.kind)
            for pb in playbooks
        ]
        search_literal(self, commands, placeholder)

    def action_switch_playbook(self) -> None:
        self._pick(self.service.sorted_playbooks(), "Switch to which playbook? Type to search…")

    def action_escalate(self) -> None:
        targets = self.session.escalation_targets()
        if not targets:
            self.notify("This playbook names no escalation target.", severity="warning")
        elif len(targets) == 1:
            self.switch_playbook(targets[0])
        else:
            self._pick(targets, "Escalate to…")

    def action_focus_steps(self) -> None:
        self.query_one(PlaybookPanel).focus_steps()

    # -- layout actions -------------------------------------------------------
    @property
    def panel_full(self) -> bool:
        """Is the playbook shown full-screen (``f7``)?"""
        return self.has_class("-panel-full")

    def action_toggle_panel(self) -> None:
        """f7: the whole playbook full-screen; again, back to where typing was."""
        if self.panel_full:
            self.action_panel_back()
            return
        self._focus_before_panel = self.focused
        panel = self.query_one(PlaybookPanel)
        self.add_class("-panel-full")
        panel.set_full(True)
        panel.focus()
        self.refresh_bindings()

    def action_panel_back(self) -> None:
        """esc (or f7 again): the call's fields again, focus where it was."""
        self._leave_panel(restore_focus=True)

    def _leave_panel(self, restore_focus: bool) -> None:
        if not self.panel_full:
            return
        self.remove_class("-panel-full")
        self.query_one(PlaybookPanel).set_full(False)
        before, self._focus_before_panel = self._focus_before_panel, None
        if restore_focus:
            if before is not None and before.is_attached and before.focusable:
                before.focus()
            else:
                self.query_one("#note-input", Input).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """esc leaves the full-screen panel only when it is shown; ``ctrl+y`` (same rep)
        only on a redial whose first rep is not noted yet."""
        if action == "panel_back":
            return self.panel_full
        if action == "same_rep":
            return self.session.can_use_same_rep()
        return True

    @property
    def too_small(self) -> bool:
        """Is the window below :data:`MIN_SIZE` (only "make it larger" shown)?"""
        return self.has_class("-w-tiny") or self.has_class("-h-tiny")

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        """Remember where typing goes; a key that goes to a field of the call
        (ctrl+n, f3…) leaves the full-screen panel."""
        self._last_focus = event.widget
        if self.panel_full and event.widget in self.query_one("#call-main").walk_children():
            self._leave_panel(restore_focus=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._restore_focus)

    def _restore_focus(self) -> None:
        """Back from too small: typing goes where it went before (Textual drops the
        focus of a field that disappears)."""
        if self.too_small or self.focused is not None or not self.is_active:
            return
        last = self._last_focus
        if last is not None and last.is_attached and last.region.area:
            last.focus()
        else:
            self.query_one("#note-input", Input).focus()

    # -- actions ----------------------------------------------------------
    def action_focus_note(self) -> None:
        self.query_one("#note-input", Input).focus()

    def action_toggle_hold(self) -> None:
        segment = self.session.toggle_hold()
        log = self.query_one(NotesLog)
        if segment.end is None or segment.end_elapsed is None:
            log.add_entry("hold", "On hold", segment.start_elapsed, segment.start)
        else:
            length = format_elapsed(segment.end_elapsed - segment.start_elapsed)
            log.add_entry(
                "hold", f"Off hold (held {length})", segment.end_elapsed, segment.end
            )
        self._tick()

    def action_next_rep(self) -> None:
        previous, rep = self.session.next_rep()
        form = self.query_one(RepForm)
        form.load(rep, len(self.session.call.reps))
        form.focus_name()
        self.query_one(NotesLog).add_entry(
            "rep", f"Transferred from {previous}", rep.joined_elapsed, rep.joined_at
        )
        self._refresh_chain()

    def action_claim(self) -> None:
        """ctrl+k: who says what, with the organisation and rep filled in."""
        from tui.screens.case import claim_dialog

        party, who = self.session.claim_defaults()
        dialog = claim_dialog(self.session.case, self.session.today(), party, who)
        self.app.push_screen(dialog, self._claim_saved)

    def _claim_saved(self, values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            claim = self.session.add_claim(values)
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.query_one(NotesLog).add_entry(
            "claim", f"{claim.question}: {claim.party} says {claim.says}",
            claim.recorded_elapsed or 0.0, claim.recorded_at,
        )
        self.notify("Claim saved on the case.", markup=False)

    def action_recording(self) -> None:
        call = self.session.call
        choice = RecordingChoice(call.recorded, call.consent_asked, call.their_state)
        dialog = RecordingDialog(self.session.case.home_state, choice)
        self.app.push_screen(dialog, self._recording)

    def _recording(self, choice: RecordingChoice | None) -> None:
        if choice is None:
            return
        self.session.set_recording(choice)
        self._refresh_title()

    def action_redial(self) -> None:
        """The line dropped: after the same key again, keep this call as disconnected and
        dial again."""
        from tui.screens.confirm import ConfirmKeyDialog

        dialog = ConfirmKeyDialog(
            "Did the call drop? This call will be kept as disconnected and the number "
            "dialled again as a new call, linked to it.",
            self.htl.keys_for("redial"), "Redial")
        self.app.push_screen(dialog, self._redial_confirmed)

    def _redial_confirmed(self, yes: bool | None) -> None:
        if yes:
            request = self.session.drop_for_redial()
            self.dismiss(CallClosed(self.session.call, request))

    def action_rep_directory(self) -> None:
        from tui.screens.reps import RepDirectoryScreen

        self.app.push_screen(RepDirectoryScreen(self.session.call.organisation))

    def action_focus_rep_name(self) -> None:
        self.query_one(RepForm).focus_name()

    def action_focus_rep_id(self) -> None:
        self.query_one(RepForm).focus_id()

    def action_end_call(self) -> None:
        self.app.push_screen(EndCallDialog(self.session), self._ended)

    def _ended(self, result: EndCallResult | None) -> None:
        if result is None:
            return
        call = self.session.end(result)
        self.dismiss(CallClosed(call))

    # -- continued calls, redials, hold watch, hold fixes ----------------------------------
    def _show_earlier(self, log: NotesLog) -> None:
        """A continued call's record so far; a redial's dropped call."""
        from tui.screens.call_context import replay, show_dropped

        session = self.session
        if session.resumed is not None:
            replay(log, session.call, self.service.calls.claims_on(session.call))
            gap = session.resumed
            self.notify(f"Call continued: the app was closed for "
                        f"{format_duration(gap.seconds())}"
                        + ("; you were on hold (ctrl+o if no longer)" if gap.was_on_hold
                           else "") + ".", markup=False, timeout=8)
        if session.dropped is not None:
            keys = self.htl.keys_for("same-rep") if session.can_use_same_rep() else []
            show_dropped(log, session.dropped, keys)
        self._watch_hold()

    def _watch_hold(self) -> None:
        """Time on hold with the organisation (earlier calls + this one); the hold alert."""
        from tui.screens.call_context import hold_tally

        tally = hold_tally(self.session)
        if tally != self._tally:
            self._tally = tally
            self.query_one(NotesLog).border_subtitle = tally
        minutes = self.htl.config.hold_alert_minutes
        segment = self.session.hold_alert(minutes)
        if segment is not None:
            self.app.bell()
            self.notify(f"On hold for {minutes} min (since {format_local_time(segment.start)}).",
                        title="Still on hold", severity="warning", timeout=15, markup=False)

    def action_same_rep(self) -> None:
        try:
            rep = self.session.same_rep_as_dropped()
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.query_one(RepForm).load(rep, len(self.session.call.reps))
        self._refresh_chain()
        self.query_one(NotesLog).add_entry(
            "rep", f"Same rep as the dropped call: {rep.label()}", self.session.elapsed(),
            self.session.now_iso())
        self.refresh_bindings()

    def action_hold_fix(self) -> None:
        from tui.screens.hold_fix import hold_since_dialog

        self.app.push_screen(hold_since_dialog(self.session.call.on_hold), self._hold_fixed)

    def _hold_fixed(self, values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            segment = self.session.hold_since(values["minutes"])
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.query_one(NotesLog).add_entry(
            "hold", f"On hold since {format_local_time(segment.start)} "
            f"({describe_correction(segment)})", segment.start_elapsed, segment.start)
        self._tick()
        self._watch_hold()
