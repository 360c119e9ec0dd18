"""All playbooks: a list, a preview, and any files that could not be loaded."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from tui.domain.text import plural, visible
from tui.playbooks.render import render_text
from tui.screens.base import AppScreen
from tui.widgets.key_footer import KeyFooter


class PlaybooksScreen(AppScreen[None]):
    """Browse playbooks before a call."""

    CSS_PATH = "playbooks.tcss"
    AUTO_FOCUS = "#playbook-list"
    HELP = """\
## Playbooks

Every playbook the app found: shipped ones, your own (in your config folder)
and any folder given with `--playbooks`. Yours override shipped ones with the
same id. Files that could not be loaded are listed with the exact line and
column of each problem; run `holdtheline playbooks validate FILE` to re-check.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="playbooks-back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        problems = self.service.problems
        if problems:
            text = Text(f"{plural(len({p.path for p in problems}), 'file')} could not be loaded\n",
                        style="bold")
            text.append("\n".join(visible(str(problem)) for problem in problems))
            yield Static(text, id="playbook-problems")
        with Horizontal(id="playbooks-body"):
            yield OptionList(
                *[
                    Option(
                        Text.assemble(
                            visible(p.name), "\n",
                            (f"{visible(p.id)} · {p.kind} · {p.origin}", "dim"),
                        ),
                        id=p.id,
                    )
                    for p in self.service.sorted_playbooks()
                ],
                id="playbook-list",
            )
            with VerticalScroll(id="playbook-preview"):
                yield Static("", id="playbook-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        options = self.query_one("#playbook-list", OptionList)
        if options.option_count:
            options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#playbook-list")
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        playbook = self.service.playbooks.get(event.option.id or "")
        if playbook is None:
            return
        names = self.service.playbook_names()
        self.query_one("#playbook-text", Static).update(Text(render_text(playbook, names)))
        self.query_one("#playbook-preview").scroll_home(animate=False)
