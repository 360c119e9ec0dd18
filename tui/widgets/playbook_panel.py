"""The side panel: the playbook for whoever is being called.

NEVER warnings stay pinned at the top; below them, in a scrolling column:
what to say for the highlighted step, the steps as a checklist, numbers and
menu path, what to have ready, escalation targets, deadlines and the sources
whose status is not "ok". All text is shown literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.domain.text import visible
from tui.playbooks import Playbook
from tui.widgets.shown import shown

FLAG = {"weak": "unverified", "stale": "may be out of date", "conflict": "sources disagree"}


def step_key(playbook: Playbook, index: int) -> str:
    """How a ticked step is stored in the call's checklist."""
    return f"{playbook.id}#{index + 1}: {playbook.steps[index].title}"


class PlaybookPanel(Vertical):
    """Shows one playbook; posts ``StepToggled`` when a step is ticked."""

    @dataclass
    class FactToggled(Message):
        """A case fact was ticked as read out (or unticked)."""

        fact: str
        done: bool

    @dataclass
    class StepToggled(Message):
        """A step was ticked or unticked."""

        key: str
        done: bool

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.playbook: Playbook | None = None
        self._names: dict[str, str] = {}
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Static("", id="panel-never")
        with VerticalScroll(id="panel-scroll"):
            yield Static("", id="panel-say")
            yield Static("Steps  (ctrl+l, space ticks)", id="panel-steps-title",
                         classes="panel-heading", markup=False)
            yield SelectionList[int](id="panel-steps", compact=True)
            yield Static("Your facts  (space ticks what you read out)", id="panel-facts-title",
                         classes="panel-heading", markup=False)
            yield SelectionList[str](id="panel-facts", compact=True)
            yield Static("", id="panel-phones")
            yield Static("", id="panel-ready")
            yield Static("", id="panel-escalate")
            yield Static("", id="panel-deadlines")
            yield Static("", id="panel-sources")

    def show(
        self,
        playbook: Playbook | None,
        organisation: str,
        checklist: dict[str, bool],
        names: dict[str, str],
        facts: list[str] | None = None,
        read_out: list[str] | None = None,
    ) -> None:
        """Show ``playbook`` with the call's ticks; ``names`` maps ids to names.

        ``facts`` are the case's own facts to read out; ``read_out`` those
        already ticked on this call.
        """
        self._show_facts(facts or [], read_out or [])
        self.playbook = playbook
        self._names = names
        self.border_title = shown(playbook.name if playbook else organisation)
        never = self.query_one("#panel-never", Static)
        steps = self.query_one("#panel-steps", SelectionList)
        if playbook is None:
            never.display = False
            self._set("#panel-phones", Text(
                f"No playbook for {visible(organisation)}.\n"
                "Note every name, ID and reference number. Switch with ctrl+b.",
                style="dim",
            ))
            for name in ("#panel-say", "#panel-ready", "#panel-escalate",
                         "#panel-deadlines", "#panel-sources"):
                self._set(name, None)
            steps.display = False
            self.query_one("#panel-steps-title").display = False
            return
        never.display = bool(playbook.never)
        never.update(self._never_text(playbook))
        self._set("#panel-phones", self._phones_text(playbook))
        self._loading = True
        try:
            steps.clear_options()
            steps.add_options(
                Selection(Content(f"{i + 1}. {visible(step.title)}"), i,
                          checklist.get(step_key(playbook, i), False))
                for i, step in enumerate(playbook.steps)
            )
        finally:
            self._loading = False
        steps.display = bool(playbook.steps)
        self.query_one("#panel-steps-title").display = bool(playbook.steps)
        first_open = next(
            (i for i in range(len(playbook.steps))
             if not checklist.get(step_key(playbook, i), False)),
            0,
        )
        if playbook.steps:
            steps.highlighted = first_open
        self._show_say(first_open)
        self._set("#panel-ready", self._list_text("Have ready", playbook.before_you_call, "•"))
        self._set("#panel-escalate", self._escalate_text(playbook))
        self._set("#panel-deadlines", self._deadlines_text(playbook))
        self._set("#panel-sources", self._sources_text(playbook))
        self.query_one("#panel-scroll").scroll_home(animate=False)

    def _show_facts(self, facts: list[str], read_out: list[str]) -> None:
        widget = self.query_one("#panel-facts", SelectionList)
        self._loading = True
        try:
            widget.clear_options()
            widget.add_options(
                Selection(Content(visible(fact)), fact, fact in read_out) for fact in facts
            )
        finally:
            self._loading = False
        widget.display = bool(facts)
        self.query_one("#panel-facts-title").display = bool(facts)

    # -- pieces -------------------------------------------------------------
    def _set(self, selector: str, text: Text | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = text is not None and bool(text.plain.strip())
        widget.update(text or "")

    @staticmethod
    def _never_text(playbook: Playbook) -> Text:
        text = Text()
        text.append("NEVER", style="bold")
        for item in playbook.never:
            text.append(f"\n✗ {visible(item)}")
        return text

    @staticmethod
    def _phones_text(playbook: Playbook) -> Text:
        text = Text()
        for number, phone in enumerate(playbook.phones):
            if number:
                text.append("\n\n")
            text.append(visible(phone.number), style="bold")
            text.append(f"  {visible(phone.label)}")
            if phone.tty:
                text.append(f"\nTTY {visible(phone.tty)}", style="dim")
            if phone.hours:
                text.append(f"\n{visible(phone.hours)}", style="dim")
            if phone.menu:
                text.append("\nMenu: ", style="bold")
                text.append(" › ".join(visible(choice) for choice in phone.menu))
        return text

    @staticmethod
    def _list_text(title: str, items: list[str], bullet: str) -> Text:
        text = Text()
        text.append(title, style="bold")
        for item in items:
            text.append(f"\n{bullet} {visible(item)}")
        return text if items else Text()

    def _escalate_text(self, playbook: Playbook) -> Text:
        if not playbook.escalate_to:
            return Text()
        text = Text()
        text.append("Escalate to  (ctrl+g)", style="bold")
        for target in playbook.escalate_to:
            text.append(f"\n↗ {visible(self._names.get(target, target))}")
        return text

    @staticmethod
    def _deadlines_text(playbook: Playbook) -> Text:
        if not playbook.deadlines:
            return Text()
        text = Text()
        text.append("Deadlines", style="bold")
        for deadline in playbook.deadlines:
            start = f" from {visible(deadline.from_)}" if deadline.from_ else ""
            text.append(f"\n▸ {visible(deadline.name)}: {deadline.days} days{start}")
        text.append("\nCheck the date on your notice.", style="italic")
        return text

    @staticmethod
    def _sources_text(playbook: Playbook) -> Text:
        if not playbook.sources:
            return Text()
        flagged = [s for s in playbook.sources if s.status in FLAG]
        text = Text()
        text.append(f"Sources: {len(playbook.sources)}", style="bold")
        if flagged:
            text.append(f", {len(flagged)} flagged", style="bold")
        for source in flagged:
            text.append(f"\n⚠ {FLAG[source.status]}: ", style="bold")
            text.append(f"{visible(source.title)} ({visible(source.date)})")
        return text

    def _show_say(self, index: int | None) -> None:
        playbook = self.playbook
        if playbook is None or index is None or not 0 <= index < len(playbook.steps):
            self._set("#panel-say", None)
            return
        step = playbook.steps[index]
        text = Text()
        text.append(f"Step {index + 1}: {visible(step.title)}", style="bold")
        if step.say:
            text.append("\nSay: ", style="bold")
            text.append(f"“{visible(step.say)}”", style="italic")
        for tip in step.tips:
            text.append(f"\n· {visible(tip)}", style="dim")
        self._set("#panel-say", text)

    # -- events -------------------------------------------------------------
    @on(SelectionList.SelectionHighlighted, "#panel-steps")
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        event.stop()
        self._show_say(event.selection_index)

    @on(SelectionList.SelectionToggled, "#panel-steps")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        if self._loading or self.playbook is None:
            return
        index = int(event.selection.value)
        done = index in event.selection_list.selected
        self.post_message(self.StepToggled(step_key(self.playbook, index), done))

    @on(SelectionList.SelectionToggled, "#panel-facts")
    def _fact_toggled(self, event: SelectionList.SelectionToggled) -> None:
        event.stop()
        if self._loading:
            return
        fact = str(event.selection.value)
        self.post_message(self.FactToggled(fact, fact in event.selection_list.selected))

    @on(SelectionList.SelectionHighlighted, "#panel-facts")
    def _fact_highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        event.stop()

    def focus_steps(self) -> None:
        steps = self.query_one("#panel-steps", SelectionList)
        if steps.display:
            steps.focus()
