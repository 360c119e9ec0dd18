"""The side panel: the playbook for whoever is being called.

NEVER warnings stay pinned at the top, each in full; below them, in a
scrolling column: what to say for the highlighted step, the steps as a
checklist, the case's facts to read out, numbers and menu path, what to have
ready, escalation targets, deadlines, links, what the office cannot help with,
and how recently the facts were checked. Every fact carries its trust label
when there is something to say ("unverified", "sources disagree: 30 or 60
days", "due for re-check (last checked 2025-03)"). All text is shown
literally: it is built as Content, never parsed as markup.

When the NEVER list is taller than its share of the panel it scrolls, and a
line under it says so. ``full`` shows the whole panel as one scrolling page
(the call screen's full-screen panel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from tui.domain.text import visible
from tui.playbooks import Playbook, Trust, trust_of
from tui.widgets.shown import shown
from tui.widgets.ticks import Checklist

WARN_STYLE = "$text-warning bold"
NOTE_STYLE = "$foreground-muted italic"


def step_key(playbook: Playbook, index: int) -> str:
    """How a ticked step is stored in the call's checklist."""
    return f"{playbook.id}#{index + 1}: {playbook.steps[index].title}"


def trust_label(trust: Trust) -> Content:
    """A fact's trust label to put after it, styled by level; empty when plain ok."""
    if not trust.label or trust.level not in ("warn", "note"):
        return Content("")
    if trust.flagged:
        return Content.styled(f"⚠ {visible(trust.label)}", WARN_STYLE)
    return Content.styled(visible(trust.label), NOTE_STYLE)


def with_trust(text: Content, trust: Trust) -> Content:
    """``text`` followed by its trust label (if any), two spaces apart."""
    label = trust_label(trust)
    return Content.assemble(text, "  ", label) if label else text


class BulletList(Vertical):
    """A titled list whose items wrap under their own text (a hanging indent)."""

    DEFAULT_CSS = """
    BulletList {
        height: auto;
        & > .bullet-item { height: auto; }
        & > .bullet-item > .bullet-mark { width: 2; height: 1; }
        & > .bullet-item > .bullet-text { width: 1fr; height: auto; }
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._title = Content("")
        self._mark = "•"
        self._items: list[Content] = []

    def compose(self) -> ComposeResult:
        if self._title:
            yield Static(self._title, classes="bullet-title")
        for item in self._items:
            with Horizontal(classes="bullet-item"):
                yield Static(self._mark, classes="bullet-mark", markup=False)
                yield Static(item, classes="bullet-text")

    def set_items(self, title: Content, mark: str, items: Iterable[Content]) -> None:
        """Show ``items`` under ``title``; hidden when there are none."""
        self._title, self._mark, self._items = title, mark, list(items)
        self.display = bool(self._items)
        self.refresh(recompose=True)


class PlaybookPanel(VerticalScroll, can_focus=False):
    """Shows one playbook; posts ``StepToggled`` / ``FactToggled`` when ticked."""

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
        self._today = dt.date.min

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="panel-never", can_focus=False):
            yield BulletList(id="panel-never-list")
        yield Static("", id="panel-never-more")
        with VerticalScroll(id="panel-scroll", can_focus=False):
            yield Static("", id="panel-say")
            yield Static("Steps  (ctrl+l, space ticks)", id="panel-steps-title",
                         classes="panel-heading", markup=False)
            yield Checklist[int](id="panel-steps", compact=True)
            yield Static("Your facts  (space ticks what you read out)", id="panel-facts-title",
                         classes="panel-heading", markup=False)
            yield Checklist[str](id="panel-facts", compact=True)
            yield Static("", id="panel-phones")
            yield BulletList(id="panel-ready")
            yield Static("", id="panel-escalate")
            yield BulletList(id="panel-deadlines")
            yield BulletList(id="panel-links")
            yield BulletList(id="panel-cannot")
            yield Static("", id="panel-trust")

    # -- showing a playbook ---------------------------------------------------
    def show(
        self,
        playbook: Playbook | None,
        organisation: str,
        checklist: dict[str, bool],
        names: dict[str, str],
        today: dt.date,
        facts: list[str] | None = None,
        read_out: list[str] | None = None,
    ) -> None:
        """Show ``playbook`` with the call's ticks; ``names`` maps ids to names.

        Trust labels are judged on ``today`` (the app's date). ``facts`` are the
        case's own facts to read out; ``read_out`` those already ticked on this call.
        """
        self._show_facts(facts or [], read_out or [])
        self.playbook = playbook
        self._names = names
        self._today = today
        self.border_title = shown(playbook.name if playbook else organisation)
        steps = self.query_one("#panel-steps", SelectionList)
        if playbook is None:
            self._show_none(organisation)
            return
        self._show_never(playbook)
        self._set("#panel-phones", self._phones_text(playbook))
        self._loading = True
        try:
            steps.clear_options()
            steps.add_options(
                Selection(self._step_prompt(playbook, i), i,
                          checklist.get(step_key(playbook, i), False))
                for i in range(len(playbook.steps))
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
        self._list("#panel-ready", "Have ready", "•", playbook.before_you_call)
        self._set("#panel-escalate", self._escalate_text(playbook))
        self._show_deadlines(playbook)
        self.query_one("#panel-links", BulletList).set_items(
            Content.styled("Links", "bold"), "→",
            (with_trust(Content.assemble((visible(link.label), "bold"), "\n",
                                         visible(link.url)), self._trust(link))
             for link in playbook.links),
        )
        self._list("#panel-cannot", "Cannot help with", "–", playbook.cannot_help_with)
        self._set("#panel-trust", self._trust_text(playbook))
        self.query_one("#panel-scroll").scroll_home(animate=False)
        self.scroll_home(animate=False)
        self.call_after_refresh(self._show_never_more)

    def _show_none(self, organisation: str) -> None:
        self.query_one("#panel-never").display = False
        self.query_one("#panel-never-more").display = False
        self._set("#panel-phones", Content.styled(
            f"No playbook for {visible(organisation)}.\n"
            "Note every name, ID and reference number. Switch with ctrl+b.", "dim"))
        for name in ("#panel-say", "#panel-escalate", "#panel-trust"):
            self._set(name, None)
        for name in ("#panel-ready", "#panel-deadlines", "#panel-links", "#panel-cannot"):
            self.query_one(name, BulletList).set_items(Content(""), "", [])
        self.query_one("#panel-steps").display = False
        self.query_one("#panel-steps-title").display = False

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

    def _show_never(self, playbook: Playbook) -> None:
        box = self.query_one("#panel-never")
        box.display = bool(playbook.never)
        self.query_one("#panel-never-list", BulletList).set_items(
            Content.styled("NEVER", "bold"), "✗",
            (with_trust(Content(visible(item)), self._trust(item)) for item in playbook.never),
        )

    def _show_never_more(self) -> None:
        """Under a NEVER list cut short by the panel's size: say so, and how to see it all."""
        box = self.query_one("#panel-never")
        hidden = box.display and box.show_vertical_scrollbar
        more = self.query_one("#panel-never-more", Static)
        more.display = hidden
        if hidden:
            count = len(self.playbook.never) if self.playbook else 0
            more.update(Content(f"▼ more below · f7 shows all {count}"))

    def on_mount(self) -> None:
        box = self.query_one("#panel-never")
        self.watch(box, "show_vertical_scrollbar", self._never_clipped, init=False)

    def _never_clipped(self, _clipped: bool) -> None:
        self.call_after_refresh(self._show_never_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_never_more)

    # -- pieces -------------------------------------------------------------
    def _trust(self, fact: object) -> Trust:
        return trust_of(fact, self._today)

    def _set(self, selector: str, text: Content | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = text is not None and bool(text.plain.strip())
        widget.update(text or "")

    def _list(self, selector: str, title: str, mark: str, items: list[str]) -> None:
        self.query_one(selector, BulletList).set_items(
            Content.styled(title, "bold"), mark,
            (with_trust(Content(visible(item)), self._trust(item)) for item in items),
        )

    def _step_prompt(self, playbook: Playbook, index: int) -> Content:
        step = playbook.steps[index]
        return with_trust(Content(f"{index + 1}. {visible(step.title)}"), self._trust(step))

    def _phones_text(self, playbook: Playbook) -> Content:
        parts: list[Content | str] = []
        for number, phone in enumerate(playbook.phones):
            if number:
                parts.append("\n\n")
            parts.append(with_trust(
                Content.assemble((visible(phone.number), "bold"), f"  {visible(phone.label)}"),
                self._trust(phone)))
            if phone.tty:
                parts += ["\n", with_trust(Content.styled(f"TTY {visible(phone.tty)}", "dim"),
                                           self._trust(phone.tty))]
            if phone.hours:
                parts += ["\n", with_trust(Content.styled(visible(phone.hours), "dim"),
                                           self._trust(phone.hours))]
            if phone.menu:
                labels = [trust_label(self._trust(choice)) for choice in phone.menu]
                menu = Content.assemble(
                    ("Menu: ", "bold"), " › ".join(visible(choice) for choice in phone.menu))
                shown = next((label for label in labels if label), Content(""))
                parts += ["\n", Content.assemble(menu, "  ", shown) if shown else menu]
        return Content.assemble(*parts)

    def _escalate_text(self, playbook: Playbook) -> Content:
        if not playbook.escalate_to:
            return Content("")
        lines: list[Content | str] = [Content.styled("Escalate to  (ctrl+g)", "bold")]
        for target in playbook.escalate_to:
            lines.append(f"\n↗ {visible(self._names.get(target, target))}")
        return Content.assemble(*lines)

    def _show_deadlines(self, playbook: Playbook) -> None:
        items = []
        for deadline in playbook.deadlines:
            start = f" from {visible(deadline.from_)}" if deadline.from_ else ""
            text = Content(f"{visible(deadline.name)}: {deadline.days} days{start}")
            items.append(with_trust(text, self._trust(deadline)))
        if items:
            items.append(Content.styled("Check the date on your notice.", "italic"))
        self.query_one("#panel-deadlines", BulletList).set_items(
            Content.styled("Deadlines", "bold"), "▸", items)

    def _trust_text(self, playbook: Playbook) -> Content:
        summary = playbook.trust_summary(self._today)
        flagged = any(self._trust(fact).flagged for _, fact in playbook.facts())
        return Content.assemble(
            ("About these facts", "bold"), "\n",
            (visible(summary), WARN_STYLE if flagged else ""),
            ("\n⚠ marks a fact to check before relying on it." if flagged else "", "dim"),
        )

    def _show_say(self, index: int | None) -> None:
        playbook = self.playbook
        if playbook is None or index is None or not 0 <= index < len(playbook.steps):
            self._set("#panel-say", None)
            return
        step = playbook.steps[index]
        parts: list[Content | str] = [with_trust(
            Content.styled(f"Step {index + 1}: {visible(step.title)}", "bold"),
            self._trust(step))]
        if step.say:
            parts += ["\n", Content.styled("Say: ", "bold"),
                      Content.styled(f"“{visible(step.say)}”", "italic")]
        for tip in step.tips:
            parts += ["\n", with_trust(Content.styled(f"· {visible(tip)}", "dim"),
                                       self._trust(tip))]
        self._set("#panel-say", Content.assemble(*parts))

    # -- full-screen ----------------------------------------------------------
    def set_full(self, full: bool) -> None:
        """Show the whole panel as one scrolling page (or back to pinned NEVER)."""
        self.set_class(full, "-full")
        self.can_focus = full
        self.scroll_home(animate=False)
        self.call_after_refresh(self._show_never_more)

    # -- events -------------------------------------------------------------
    @on(SelectionList.SelectionHighlighted, "#panel-steps")
    def _highlighted(self, event: SelectionList.SelectionHighlighted) -> None:
        event.stop()
        self._show_say(event.selection_index)
        if event.selection_list.has_focus:
            # The step's text above has changed height: once laid out again, bring
            # the list in use back into view.
            self.call_after_refresh(self.call_after_refresh, self._steps_in_view)

    def _steps_in_view(self) -> None:
        steps = self.query_one("#panel-steps")
        self.query_one("#panel-scroll").scroll_to_widget(steps, animate=False, top=True)

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
