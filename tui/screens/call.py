"""The live call: timer, HOLD, reps, notes and the playbook panel."""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tui.domain.live import LiveCall
from tui.domain.model import INTERRUPTED, Case
from tui.domain.text import visible
from tui.domain.timefmt import format_elapsed, to_iso
from tui.playbooks import Playbook
from tui.screens.end_call import EndCallDialog, EndCallResult
from tui.screens.recording import RecordingChoice, RecordingDialog
from tui.widgets.call_clock import CallClock
from tui.widgets.notes_log import NotesLog
from tui.widgets.playbook_panel import PlaybookPanel
from tui.widgets.rep_form import RepForm

if TYPE_CHECKING:
    from tui.app import HoldTheLineApp

HEARTBEAT_SECONDS = 5.0
"""How often the call's running length is saved even when nothing is typed."""


class CallScreen(Screen[None]):
    """A call in progress. Every edit is saved in the background."""

    CSS_PATH = "call.tcss"
    AUTO_FOCUS = "#rep-name"
    HELP = """\
## Live call

Type the rep's **first name**, Tab to their **ID**, role and department.
`ctrl+n` jumps to the note line; Enter adds the note with its time stamps.

`ctrl+k` records who says what (a claim) on the case; `f2` records whether
the call is recorded and consent was asked; `f5` redials a dropped call.

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
        Binding("ctrl+b", "switch_playbook", "Playbook", priority=True, id="switch-playbook",
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
                tooltip="The call dropped: end it as disconnected and dial again"),
    ]

    def __init__(self, live: LiveCall, case: Case, playbook: Playbook | None) -> None:
        super().__init__()
        self.live = live
        self.case_id = case.id
        self.case_title = case.title
        self.playbook = playbook
        self._last_status = ""

    @property
    def htl(self) -> HoldTheLineApp:
        return self.app  # type: ignore[return-value]

    # -- layout -----------------------------------------------------------
    def compose(self) -> ComposeResult:
        call = self.live.call
        title = Text.assemble(
            (visible(call.organisation), "bold"),
            ("  " + visible(call.number_dialled) if call.number_dialled else ""),
            ("   Case: ", "dim"),
            visible(self.case_title),
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
                yield Input(
                    placeholder="Note (Enter adds it) · ref: 12345 · promise: call back in 3 days",
                    id="note-input",
                    select_on_focus=False,
                )
            yield PlaybookPanel(id="playbook-panel")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        call = self.live.call
        self.query_one(RepForm).load(self.live.current_rep, len(call.reps))
        self.query_one("#note-input", Input).value = call.draft_note
        self._show_playbook()
        log = self.query_one(NotesLog)
        log.add_entry("note", f"Dialled {call.organisation}", 0.0, call.started_at)
        self._refresh_chain()
        self._refresh_title()
        if call.redial_of:
            log.add_entry("rep", "Redialled after a dropped call", 0.0, call.started_at)
        self._tick()
        self.set_interval(0.5, self._tick)
        self.set_interval(0.25, self._show_save_state)
        self.set_interval(HEARTBEAT_SECONDS, self._heartbeat)
        self._save(index=True)

    def _refresh_title(self) -> None:
        call = self.live.call
        badge = self.query_one("#recording-state", Static)
        badge.update("● REC " if call.recorded else "")
        badge.display = call.recorded

    @property
    def case(self) -> Case:
        case = self.htl.store.get_case(self.case_id)
        assert case is not None
        return case

    def _show_playbook(self) -> None:
        names = {pid: pb.name for pid, pb in self.htl.playbooks.items()}
        call = self.live.call
        self.query_one(PlaybookPanel).show(
            self.playbook, call.organisation, call.checklist, names,
            facts=self.case.facts(), read_out=call.read_out,
        )

    # -- saving -----------------------------------------------------------
    def _save(self, index: bool = False) -> None:
        self.live.touch()
        self.htl.store.save_call(self.live.call, index=index)
        self._show_save_state()

    def _heartbeat(self) -> None:
        if self.live.call.is_live:
            self._save()

    def _show_save_state(self) -> None:
        status = self.htl.store.status
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
            state.update(text)
            state.set_classes(cls)

    # -- display ----------------------------------------------------------
    def _tick(self) -> None:
        live = self.live
        self.query_one(CallClock).show(
            live.elapsed(), live.hold_seconds(), live.talk_seconds(), live.call.on_hold
        )

    def _refresh_chain(self) -> None:
        reps = self.live.call.reps
        chain = Text("Reps: ", style="dim")
        for number, rep in enumerate(reps, start=1):
            if number > 1:
                chain.append(" → ", style="dim")
            style = "bold" if number == len(reps) else ""
            chain.append(f"{number}. {visible(rep.label())}", style=style)
            chain.append(f" {format_elapsed(rep.joined_elapsed)}", style="dim")
        self.query_one("#rep-chain", Static).update(chain)

    # -- events -----------------------------------------------------------
    @on(RepForm.Edited)
    def _rep_edited(self, event: RepForm.Edited) -> None:
        setattr(self.live.current_rep, event.field, event.value)
        self._refresh_chain()
        self._save(index=False)

    @on(Input.Changed, "#note-input")
    def _draft_changed(self, event: Input.Changed) -> None:
        if event.value == self.live.call.draft_note:
            return
        self.live.call.draft_note = event.value
        self._save()

    @on(Input.Submitted, "#note-input")
    def _note_submitted(self, event: Input.Submitted) -> None:
        line = event.value
        result = self.live.enter_line(line)
        if result is None:
            if line.strip():
                self.notify("Nothing after the prefix: type the number or the promise.",
                            severity="warning")
            return
        entry = self.live.call
        if result.kind == "reference":
            stamp = entry.references[-1]
            self.query_one(NotesLog).add_entry("reference", result.text, stamp.elapsed, stamp.at)
        elif result.kind == "promise":
            stamp = entry.promises[-1]
            due = f"due {result.due}" if result.due else "no date understood"
            self.query_one(NotesLog).add_entry(
                "promise", result.text, stamp.elapsed, stamp.at, due
            )
        else:
            note = entry.notes[-1]
            self.query_one(NotesLog).add_entry("note", result.text, note.elapsed, note.at)
        entry.draft_note = ""
        event.input.value = ""
        self._save()

    @on(PlaybookPanel.FactToggled)
    def _fact_toggled(self, event: PlaybookPanel.FactToggled) -> None:
        read_out = self.live.call.read_out
        if event.done and event.fact not in read_out:
            read_out.append(event.fact)
        elif not event.done and event.fact in read_out:
            read_out.remove(event.fact)
        self._save()

    @on(PlaybookPanel.StepToggled)
    def _step_toggled(self, event: PlaybookPanel.StepToggled) -> None:
        self.live.call.checklist[event.key] = event.done
        self._save()

    # -- playbooks ----------------------------------------------------------
    def switch_playbook(self, playbook: Playbook) -> None:
        """Show ``playbook`` from now on; the call records the switch."""
        if self.playbook is not None and playbook.id == self.playbook.id:
            return
        self.playbook = playbook
        self.live.use_playbook(playbook.id, playbook.name)
        self._show_playbook()
        use = self.live.call.playbooks_used[-1]
        log = self.query_one(NotesLog)
        log.add_entry("hold", f"Playbook: {playbook.name}", use.elapsed, use.at)
        self._save(index=True)

    def _pick(self, playbooks: list[Playbook], placeholder: str) -> None:
        from textual.command import SimpleCommand

        commands = [
            SimpleCommand(visible(pb.name), partial(self.switch_playbook, pb),
                          visible(pb.main_number or pb.kind))
            for pb in playbooks
        ]
        self.app.search_commands(commands, placeholder=placeholder)

    def action_switch_playbook(self) -> None:
        self._pick(self.htl.sorted_playbooks(), "Switch to which playbook? Type to search…")

    def action_escalate(self) -> None:
        targets = [
            self.htl.playbooks[target]
            for target in (self.playbook.escalate_to if self.playbook else [])
            if target in self.htl.playbooks
        ]
        if not targets:
            self.notify("This playbook names no escalation target.", severity="warning")
        elif len(targets) == 1:
            self.switch_playbook(targets[0])
        else:
            self._pick(targets, "Escalate to…")

    def action_focus_steps(self) -> None:
        self.query_one(PlaybookPanel).focus_steps()

    # -- actions ----------------------------------------------------------
    def action_focus_note(self) -> None:
        self.query_one("#note-input", Input).focus()

    def action_toggle_hold(self) -> None:
        on_hold = self.live.toggle_hold()
        segment = self.live.call.hold_segments[-1]
        log = self.query_one(NotesLog)
        if on_hold:
            log.add_entry("hold", "On hold", segment.start_elapsed, segment.start)
        else:
            assert segment.end is not None and segment.end_elapsed is not None
            length = format_elapsed(segment.end_elapsed - segment.start_elapsed)
            log.add_entry(
                "hold", f"Off hold (held {length})", segment.end_elapsed, segment.end
            )
        self._tick()
        self._save()

    def action_next_rep(self) -> None:
        previous = self.live.current_rep.label()
        rep = self.live.next_rep()
        form = self.query_one(RepForm)
        form.load(rep, len(self.live.call.reps))
        form.focus_name()
        self.query_one(NotesLog).add_entry(
            "rep", f"Transferred from {previous}", rep.joined_elapsed, rep.joined_at
        )
        self._refresh_chain()
        self._save()

    def action_claim(self) -> None:
        """ctrl+k: who says what, with the organisation and rep filled in."""
        from tui.screens.case import claim_dialog

        today = self.live.local_today().date().isoformat()
        party = self.playbook.name if self.playbook else self.live.call.organisation
        rep = self.live.current_rep
        who = rep.label() if rep.first_name.strip() else ""
        self.app.push_screen(claim_dialog(self.case, today, party, who), self._claim_saved)

    def _claim_saved(self, values: dict[str, str] | None) -> None:
        from tui.screens.case import claim_from

        if values is None:
            return
        case = self.case
        claim = claim_from(values, self.live.call.id)
        case.claims.append(claim)
        self.htl.store.save_case(case)
        elapsed, at = self.live.elapsed(), to_iso(self.live.clock.now())
        self.query_one(NotesLog).add_entry(
            "promise", f"{claim.question}: {claim.party} says {claim.says}", elapsed, at,
        )
        self.notify("Claim saved on the case.", markup=False)

    def action_recording(self) -> None:
        call = self.live.call
        choice = RecordingChoice(call.recorded, call.consent_asked, call.their_state)
        self.app.push_screen(RecordingDialog(self.case.home_state, choice), self._recording)

    def _recording(self, choice: RecordingChoice | None) -> None:
        if choice is None:
            return
        call = self.live.call
        call.recorded, call.consent_asked = choice.recorded, choice.consent_asked
        call.their_state = choice.their_state
        self._refresh_title()
        self._save()

    def action_redial(self) -> None:
        """The line dropped: keep this call as disconnected and dial again at once."""
        self.live.end("disconnected")
        self.htl.store.save_call(self.live.call, index=True)
        self.htl.redial(self.live.call)

    def action_end_call(self) -> None:
        self.app.push_screen(EndCallDialog(self.live), self._ended)

    def _ended(self, result: EndCallResult | None) -> None:
        if result is None:
            return
        self.live.end(result.outcome, result.summary, result.references, result.promises,
                      result.next_step, result.reference_refused)
        self.htl.store.save_call(self.live.call, index=True)
        self.htl.call_finished(self.live.call)

    def interrupt(self) -> None:
        """The app is quitting with this call still running: save it as interrupted."""
        if self.live.call.is_live:
            self.live.end(INTERRUPTED)
            self.htl.store.save_call(self.live.call, index=True)
