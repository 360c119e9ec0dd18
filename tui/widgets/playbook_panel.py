"""The side panel: the playbook for whoever is being called."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.domain.text import visible
from tui.playbooks import Playbook


class PlaybookPanel(VerticalScroll):
    """Numbers, steps and NEVER warnings, shown literally."""

    can_focus = False

    def show(self, playbook: Playbook | None, organisation: str) -> None:
        """Replace the content with ``playbook`` (or a short hint when none)."""
        self.remove_children()
        if playbook is None:
            self.mount(
                Static(
                    Text(
                        f"No playbook for {visible(organisation)}.\n"
                        "Note every name, ID and reference number.",
                        style="dim",
                    ),
                    classes="panel-hint",
                )
            )
            return
        self.border_title = visible(playbook.name)
        widgets: list[Static] = []
        for phone in playbook.phones:
            line = Text.assemble((visible(phone.number), "bold"), "  ", visible(phone.label))
            if phone.hours:
                line.append(f"\n{visible(phone.hours)}", style="dim")
            if phone.menu:
                line.append("\nMenu: " + " › ".join(visible(m) for m in phone.menu))
            widgets.append(Static(line, classes="panel-phone"))
        if playbook.never:
            never = Text("NEVER\n", style="bold")
            never.append("\n".join(f"✗ {visible(item)}" for item in playbook.never))
            widgets.append(Static(never, classes="panel-never"))
        if playbook.steps:
            steps = Text("Steps\n", style="bold")
            for number, step in enumerate(playbook.steps, start=1):
                steps.append(f"{number}. {visible(step.title)}\n")
                if step.say:
                    steps.append(f"   “{visible(step.say)}”\n", style="italic")
            widgets.append(Static(steps, classes="panel-steps"))
        if playbook.before_you_call:
            ready = Text("Have ready\n", style="bold")
            ready.append("\n".join(f"• {visible(item)}" for item in playbook.before_you_call))
            widgets.append(Static(ready, classes="panel-ready"))
        self.mount_all(widgets)
