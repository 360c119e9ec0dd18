"""Write a letter: pick a template, review and edit the letter filled from the case,
save it to the case's documents (and, if wanted, as a PDF, text or Markdown file)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tui.domain.text import visible
from tui.playbooks import LetterTemplate
from tui.screens.base import AppScreen
from tui.screens.case import date_field
from tui.screens.form import Field, FormDialog
from tui.service import ServiceError
from tui.service.letters import SEND_METHODS, placeholders
from tui.widgets.key_footer import KeyFooter


class LetterScreen(AppScreen[None]):
    """A letter filled from the case, to review, edit and keep."""

    CSS_PATH = "letter.tcss"
    AUTO_FOCUS = "#letter-templates"
    HELP = """\
## Write a letter

Pick a letter on the left (`up`/`down`, Enter fills it from the case and its
calls); the letter opens on the right to review and edit. Text in
[square brackets] is for you to fill in or delete. `ctrl+s` saves it to the
case's documents with the date you send it, and can also write a PDF, text or
Markdown copy. `f2` goes back to the list of letters; `esc` leaves (twice, if
there are edits not saved).
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", id="letter-back"),
        Binding("ctrl+s", "save", "Save…", priority=True, id="letter-save",
                tooltip="Save the letter to the case's documents (and a file, if wanted)"),
        Binding("f2", "templates", "Letters", id="letter-templates",
                tooltip="Go to the list of letters"),
    ]
    COMMAND_TITLES: ClassVar[dict[str, str]] = {
        "letter-save": "Save the letter to the case…", "letter-templates": "Choose a letter…",
    }

    def __init__(self, case_id: str, document_id: str = "") -> None:
        super().__init__()
        self.case_id = case_id
        self.document_id = document_id
        """The saved letter being edited again, if any (saving replaces it)."""
        self.templates: list[LetterTemplate] = []
        self.letter_id = ""
        self.call_id = ""
        self.recipient = ""
        self._base = ""
        """The text as filled or last saved: anything else is an edit."""
        self._saved = False
        self._warned = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="letter-title")
        with Horizontal(id="letter-body"):
            yield OptionList(id="letter-templates")
            yield TextArea("", id="letter-text", soft_wrap=True, tab_behavior="focus")
        yield Static("", id="letter-about")
        yield KeyFooter()

    def on_mount(self) -> None:
        case = self.service.cases.get(self.case_id)
        self.templates = self.service.letters.templates(self.case_id)
        names = self.service.playbook_names()
        options = []
        for template in self.templates:
            label = Text(visible(template.title))
            owner = "any organisation" if template.for_any else names.get(
                template.playbook_id, template.playbook_id)
            label.append(f"\n{visible(owner)}", style="dim")
            options.append(Option(label, id=template.id))
        listing = self.query_one("#letter-templates", OptionList)
        listing.add_options(options)
        document = next((d for d in case.documents if d.id == self.document_id), None)
        if document is not None and document.text:
            self.letter_id, self.call_id, self.recipient = (document.letter, document.call_id,
                                                            document.to)
            self._show(document.text)
            self._base, self._saved = document.text, True
            index = next((n for n, t in enumerate(self.templates) if t.id == document.letter),
                         None)
            if index is not None:
                listing.highlighted = index
        elif self.templates:
            listing.highlighted = 0
            self.fill(self.templates[0].id)
        self._title()

    # -- showing ----------------------------------------------------------------------
    def _title(self) -> None:
        case = self.service.cases.get(self.case_id)
        title = Text()
        title.append(visible(case.title), style="bold")
        template = next((t for t in self.templates if t.id == self.letter_id), None)
        if template is not None:
            title.append(f"  · {visible(template.title)}")
        state = "edited, not saved" if self.dirty else (
            "saved to the case" if self._saved else "draft, not saved")
        title.append(f"  · {state}", style="yellow" if self.dirty else "dim")
        self.query_one("#letter-title", Static).update(title)

    def _show(self, text: str) -> None:
        area = self.query_one("#letter-text", TextArea)
        area.load_text(text)
        self._about()

    def _about(self) -> None:
        template = next((t for t in self.templates if t.id == self.letter_id), None)
        about = Text()
        if template is not None and template.about:
            about.append(visible(template.about), style="italic")
        left = placeholders(self.text)
        if left:
            about.append("\nTo fill in: ", style="bold yellow")
            about.append(visible(", ".join(left)))
        self.query_one("#letter-about", Static).update(about)

    @property
    def text(self) -> str:
        return self.query_one("#letter-text", TextArea).text

    @property
    def dirty(self) -> bool:
        """Edited since it was filled or saved."""
        return self.text != self._base

    # -- filling ----------------------------------------------------------------------
    def fill(self, letter_id: str) -> bool:
        """Fill the letter from the case; False (and a message) if it cannot be."""
        try:
            draft = self.service.letters.draft(letter_id, self.case_id)
        except ServiceError as error:
            self.notify(str(error), severity="warning", markup=False)
            return False
        self.letter_id = letter_id
        self.call_id = draft.call.id if draft.call else ""
        self.recipient = draft.recipient
        self.document_id = ""
        self._show(draft.text)
        self._base, self._saved = self.text, False
        self._title()
        return True

    @on(OptionList.OptionSelected, "#letter-templates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        letter_id = event.option.id or ""
        if self.dirty and self._warned != f"replace:{letter_id}":
            self._warned = f"replace:{letter_id}"
            self.notify("This letter has edits not saved: Enter again replaces it, ctrl+s "
                        "saves it first.", severity="warning", markup=False)
            return
        self._warned = ""
        if self.fill(letter_id):
            self.query_one("#letter-text", TextArea).focus()

    @on(OptionList.OptionHighlighted, "#letter-templates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        template = next((t for t in self.templates if t.id == event.option.id), None)
        if template is not None and template.about and template.id != self.letter_id:
            self.query_one("#letter-about", Static).update(
                Text(f"{visible(template.title)}: {visible(template.about)}", style="italic"))

    @on(TextArea.Changed, "#letter-text")
    def _edited(self) -> None:
        self._warned = ""
        self._title()

    # -- actions ----------------------------------------------------------------------
    def action_templates(self) -> None:
        self.query_one("#letter-templates", OptionList).focus()

    def action_leave(self) -> None:
        if self.dirty and self._warned != "leave":
            self._warned = "leave"
            self.notify("The letter is not saved: esc again leaves without saving, ctrl+s "
                        "saves it.", severity="warning", markup=False)
            return
        self.app.pop_screen()

    def action_save(self) -> None:
        if not self.text.strip():
            self.notify("Choose a letter first (Enter on the list).", severity="warning")
            return
        today = self.service.today()
        case = self.service.cases.get(self.case_id)
        name = f"holdtheline-{self.letter_id or 'letter'}-{today.isoformat()}.pdf"
        dialog = FormDialog("Save the letter to the case", [
            date_field(today, case.home_state)("date", "Date sent (or to be sent)",
                                               today.isoformat()),
            Field("how", "How it is sent", choices=SEND_METHODS, required=True),
            Field("to", "To whom", value=self.recipient),
            Field("tracking", "Tracking or fax confirmation number"),
            Field("path", "Also write a copy to (.pdf, .txt or .md; leave empty for none)",
                  value=str(Path.home() / name)),
        ], note="The letter is kept with the case, as you edited it. A copy written to a "
                "file is private to you (mode 0600).")
        self.app.push_screen(dialog, self._save_chosen)

    def _save_chosen(self, values: dict[str, str] | None) -> None:
        if values is None:
            return
        text = self.text
        try:
            document = self.service.letters.save(self.case_id, self.letter_id, text, values,
                                                 call_id=self.call_id,
                                                 document_id=self.document_id)
        except ServiceError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.document_id = document.id
        self._base, self._saved = text, True
        self._warned = ""
        where = f" and written to {document.file}" if document.file else ""
        left = placeholders(text)
        self.notify(f"Saved to the case's documents{where}."
                    + (f" Still to fill in: {', '.join(left)}" if left else ""),
                    severity="warning" if left else "information", markup=False, timeout=8)
        self._title()
