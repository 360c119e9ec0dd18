"""Letters: choosing a template, filling it from the case, saving it to the case's
documents and writing it as a file (text, Markdown or PDF)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tui.domain.dates import DateProblem, read_date
from tui.domain.model import Call, Case, DocumentSent, new_id
from tui.export.letters import compose_letter, letter_fields
from tui.playbooks import LetterError, LetterTemplate, Playbook, PlaybookProblem
from tui.playbooks.letters import relevant_first
from tui.service.base import Context, ServiceError
from tui.store.atomic import write_private_file

LETTER_FORMATS = ("txt", "md", "pdf")
LETTER_EXTENSIONS = {"txt": ".txt", "md": ".md", "pdf": ".pdf"}
SEND_METHODS = ("certified mail", "mail", "fax", "email", "online portal", "hand delivered")
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{3,80}\]")
_MD_SPECIALS = set("\\`*_[]<>|~#")


@dataclass
class LetterDraft:
    """A letter filled from the case, ready to review."""

    template: LetterTemplate
    case: Case
    call: Call | None
    text: str
    recipient: str
    """Whom it goes to (the organisation), for the documents list."""


def placeholders(text: str) -> list[str]:
    """``[square bracket]`` notes the template left for the writer to fill in."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def letter_markdown(text: str) -> str:
    """The letter as Markdown that shows exactly the text: specials escaped, every line
    break kept."""
    lines = []
    for line in text.split("\n"):
        escaped = "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in line)
        escaped = re.sub(r"^(\s*)([+=-])", r"\1\\\2", escaped)
        escaped = re.sub(r"^(\s*\d+)([.)])", r"\1\\\2", escaped)
        lines.append(escaped)
    out: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        out.append(line + ("  " if line.strip() and following.strip() else ""))
    return "\n".join(out).rstrip("\n") + "\n"


def letter_bytes(text: str, fmt: str, title: str, author: str = "") -> bytes:
    """The letter as the bytes of a ``txt``, ``md`` or ``pdf`` file."""
    if fmt == "txt":
        return (text.rstrip("\n") + "\n").encode("utf-8")
    if fmt == "md":
        return letter_markdown(text).encode("utf-8")
    if fmt == "pdf":
        from tui.export.pdf import letter_pdf

        return letter_pdf(text, title, author)
    raise ServiceError(f"unknown letter format {fmt} (one of {', '.join(LETTER_FORMATS)})")


def format_of(path: Path) -> str:
    """``pdf``, ``md`` or ``txt`` from a file name (``txt`` when it says nothing)."""
    suffix = path.suffix.lower().lstrip(".")
    return {"markdown": "md", "text": "txt"}.get(suffix, suffix) \
        if suffix in (*LETTER_FORMATS, "markdown", "text") else "txt"


def letter_catalogue(
    letters: list[LetterTemplate], playbooks: Mapping[str, Playbook],
) -> tuple[dict[str, LetterTemplate], list[PlaybookProblem]]:
    """Every letter by id: those for any organisation, then each playbook's; a second
    letter with an id already taken is a problem and left out."""
    found: dict[str, LetterTemplate] = {}
    problems: list[PlaybookProblem] = []
    every = list(letters) + [letter for playbook in sorted(playbooks.values(),
                                                           key=lambda p: p.id)
                             for letter in playbook.letters]
    for letter in every:
        if letter.id in found:
            first = found[letter.id]
            where = first.source_path.name if first.source_path else "another file"
            problems.append(PlaybookProblem(letter.source_path or Path(letter.id),
                                            letter.line, letter.column,
                                            f"letter id '{letter.id}' is already used in "
                                            f"{where}"))
            continue
        found[letter.id] = letter
    return found, problems


class LetterService:
    """Letters filled from a case: every change (saving one to the case) goes here."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # -- templates ----------------------------------------------------------------
    def catalogue(self) -> tuple[dict[str, LetterTemplate], list[PlaybookProblem]]:
        """Every letter by id, and any clash of ids."""
        return letter_catalogue(self._ctx.letters, self._ctx.playbooks)

    def templates(self, case_id: str | None = None) -> list[LetterTemplate]:
        """Every letter; for a case, those of the organisations it called first."""
        letters = list(self.catalogue()[0].values())
        used: list[str] = []
        if case_id is not None:
            for row in reversed(self._ctx.store.call_summaries(case_id)):
                for pid in self._chain(row.playbook_id):
                    if pid not in used:
                        used.append(pid)
        return relevant_first(letters, used)

    def get(self, letter_id: str) -> LetterTemplate:
        catalogue = self.catalogue()[0]
        if letter_id not in catalogue:
            known = ", ".join(sorted(catalogue)) or "none"
            raise ServiceError(f"no letter with id '{letter_id}' (known: {known})")
        return catalogue[letter_id]

    def _chain(self, playbook_id: str) -> list[str]:
        """The playbook and every playbook it extends."""
        chain: list[str] = []
        while playbook_id and playbook_id not in chain:
            chain.append(playbook_id)
            playbook = self._ctx.playbooks.get(playbook_id)
            playbook_id = playbook.extends if playbook else ""
        return chain

    def _call_for(self, template: LetterTemplate, calls: list[Call],
                  number: int | None) -> Call | None:
        if number is not None:
            if not 1 <= number <= len(calls):
                raise ServiceError(f"no call {number}: the case has {len(calls)} call(s), "
                                   "numbered from 1 (oldest) as in the dossier")
            return calls[number - 1]
        if template.for_any:
            return calls[-1] if calls else None
        for call in reversed(calls):
            used = [call.playbook_id, *(use.id for use in call.playbooks_used)]
            if any(template.playbook_id in self._chain(pid) for pid in used if pid):
                return call
        return None

    # -- drafting -----------------------------------------------------------------
    def find_case(self, case_text: str) -> Case:
        if not case_text.strip():
            raise ServiceError("--case needs a case title or id")
        found = self._ctx.store.find_case(case_text)
        if found is None:
            raise ServiceError(f"no case called '{case_text}'")
        return found

    def draft(self, letter_id: str, case_id: str, call_number: int | None = None) -> LetterDraft:
        """The letter filled from the case (and the call it is about)."""
        template = self.get(letter_id)
        store = self._ctx.store
        case = store.get_case(case_id)
        if case is None:
            raise ServiceError(f"no case {case_id}")
        calls = sorted(store.iter_calls(case.id), key=lambda c: c.started_at)
        call = self._call_for(template, calls, call_number)
        if template.needs_call and call is None:
            raise ServiceError(f"the letter '{template.title}' is about a call, and the case "
                               "has none" + (" to this organisation" if calls else ""))
        playbook: Playbook | None = self._ctx.playbooks.get(template.playbook_id)
        if playbook is None and call is not None:
            playbook = self._ctx.playbooks.get(call.playbook_id)
        values = letter_fields(case, calls, store.get_profile(), self._ctx.today(), call=call,
                               playbook=playbook)
        try:
            text = compose_letter(template, values)
        except LetterError as error:
            raise ServiceError(str(error)) from None
        recipient = call.organisation if call is not None else (
            playbook.name if playbook else "")
        return LetterDraft(template, case, call, text, recipient)

    # -- saving -------------------------------------------------------------------
    def save(self, case_id: str, letter_id: str, text: str, values: Mapping[str, str],
             call_id: str = "", document_id: str = "") -> DocumentSent:
        """Keep the letter (as reviewed) in the case's documents, with the date it was
        sent, how and to whom; with ``path``, also write a copy (format from its
        extension: .pdf, .md or .txt). ``document_id`` replaces a saved letter."""
        if not text.strip():
            raise ServiceError("The letter is empty.")
        case = self._ctx.store.get_case(case_id)
        if case is None:
            raise ServiceError(f"no case {case_id}")
        template = self.catalogue()[0].get(letter_id)
        title = template.title if template else "Letter"
        sent = str(values.get("date", "")).strip()
        if not sent:
            raise ServiceError("Date sent is needed.")
        try:
            sent_on = read_date(sent, self._ctx.today(), case.home_state).isoformat()
        except DateProblem as error:
            raise ServiceError(f"Date sent: {error}") from None
        how = str(values.get("how", "")).strip()
        if not how:
            raise ServiceError("How it was sent is needed.")
        typed = str(values.get("path", "")).strip()
        file = ""
        if typed:
            path = self.write(text, Path(typed).expanduser(), title)
            file = str(path)
        document = DocumentSent(
            id=document_id or new_id("doc"),
            date=sent_on,
            what=title,
            how=how,
            to=str(values.get("to", "")).strip(),
            tracking=str(values.get("tracking", "")).strip(),
            letter=letter_id,
            text=text,
            file=file,
            call_id=call_id,
            written_at=self._ctx.now_iso(),
        )
        updated = case.copy()
        updated.documents = [d for d in updated.documents if d.id != document.id]
        updated.documents.append(document)
        self._ctx.store.save_case(updated)
        return document

    def write(self, text: str, path: Path, title: str = "Letter", fmt: str = "") -> Path:
        """Write the letter atomically, 0600, as the format its name says (or ``fmt``)."""
        fmt = fmt or format_of(path)
        if fmt not in LETTER_FORMATS:
            raise ServiceError(f"unknown format {fmt} (one of {', '.join(LETTER_FORMATS)})")
        if path.suffix.lower() != LETTER_EXTENSIONS[fmt] and not (
                fmt == "txt" and path.suffix == "") and format_of(path) != fmt:
            path = path.with_name(path.name + LETTER_EXTENSIONS[fmt])
        if path.is_dir():
            raise ServiceError(f"{path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise ServiceError(f"the folder {path.parent} does not exist")
        data = letter_bytes(text, fmt, title, self._ctx.store.get_profile().name)
        try:
            write_private_file(path, data)
        except OSError as error:
            raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None
        return path
