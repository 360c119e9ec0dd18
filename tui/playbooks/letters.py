"""Letter templates: data, never code.

A playbook may carry ``letters:`` (see docs/playbooks.md), and a ``letters/`` folder
next to the playbooks holds letters for any organisation. Each letter has a ``to``,
a ``subject`` and a ``body``, written with ``{{ case.title }}``-style fields and
``{% for p in case.payments %}`` loops, rendered by Jinja's immutable sandbox:

* every field a template names is checked against :data:`FIELDS` when the file is
  loaded, so a misspelt field is a ``file:line:column`` problem like any other;
* a missing value at render time is an error (``StrictUndefined``), never a blank;
* no template can reach Python: the sandbox refuses private attributes, and
  ``include``, ``import`` and ``extends`` are refused when the file is loaded;
* values (the user's notes, names, confirmation numbers) are inserted as the text
  they are: a note holding ``{{ x }}`` comes out as ``{{ x }}``.

No Textual, no domain records here: the values come from ``tui.export.letters``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.playbooks.model import Cite, PlaybookProblem
from tui.playbooks.yamlsafe import ScalarNode

# -- the fields a template can use -------------------------------------------------------
TEXT = "text"
"""A leaf value: text (numbers are text too)."""
FLAG = "yes/no"
"""A leaf value that is true or false, for ``{% if %}``."""

Schema = Any
"""``TEXT``, ``FLAG``, a dict of named fields, or a one-item list (a list of those)."""

REP = {"name": TEXT, "id": TEXT, "label": TEXT, "refused_id": FLAG, "role": TEXT,
       "department": TEXT, "organisation": TEXT, "dates": TEXT}
PROMISE = {"text": TEXT, "due": TEXT, "status": TEXT, "broken": FLAG, "organisation": TEXT,
           "date": TEXT, "rep": TEXT}
PAYMENT = {"date": TEXT, "amount": TEXT, "method": TEXT, "confirmation": TEXT,
           "account": TEXT, "note": TEXT, "label": TEXT}
CLAIM = {"question": TEXT, "party": TEXT, "says": TEXT, "date": TEXT, "who": TEXT}
NOTE = {"time": TEXT, "at": TEXT, "text": TEXT}
CALL = {
    "number": TEXT, "date": TEXT, "time": TEXT, "organisation": TEXT, "phone": TEXT,
    "incoming": FLAG, "duration": TEXT, "hold": TEXT, "talk": TEXT, "reps": [REP],
    "reps_text": TEXT, "references": [TEXT], "references_text": TEXT,
    "reference_refused": FLAG, "promises": [PROMISE], "notes": [NOTE], "said": [CLAIM],
    "summary": TEXT, "outcome": TEXT, "next_step": TEXT,
}
FIELDS: dict[str, Schema] = {
    "today": TEXT,
    "me": {"name": TEXT, "phone": TEXT, "email": TEXT, "address": TEXT,
           "address_lines": [TEXT], "date_of_birth": TEXT, "contact": TEXT},
    "org": {"name": TEXT, "playbook": TEXT, "kind": TEXT, "phone": TEXT},
    "case": {
        "title": TEXT, "about": TEXT, "member": TEXT, "status": TEXT, "started": TEXT,
        "identifiers": [{"name": TEXT, "value": TEXT}], "identifiers_text": TEXT,
        "payments": [PAYMENT], "paid_total": TEXT, "payment_count": TEXT,
        "notices": [{"date": TEXT, "name": TEXT, "notice_id": TEXT, "says": TEXT}],
        "deadlines": [{"name": TEXT, "due": TEXT, "start": TEXT, "notice": TEXT,
                       "days_left": TEXT, "passed": FLAG, "text": TEXT}],
        "claims": [CLAIM],
        "conflicts": [{"question": TEXT, "claims": [CLAIM], "text": TEXT}],
        "promises": [PROMISE], "broken_promises": [PROMISE],
        "references": [{"number": TEXT, "date": TEXT, "organisation": TEXT}],
        "reps": [REP], "calls": [CALL], "call_count": TEXT, "hold_total": TEXT,
        "documents": [{"date": TEXT, "what": TEXT, "how": TEXT, "to": TEXT,
                       "tracking": TEXT}],
    },
    "call": {**CALL, "exists": FLAG},
}
"""Every field a letter can name. ``tui.export.letters.letter_fields`` fills exactly
these (a test checks both agree); docs/playbooks.md lists them for authors."""

ANY: Schema = None
"""A value whose shape is not known (a loop counter, a filter's result)."""
GLOBALS = {"loop", "range", "namespace", "dict", "lipsum", "cycler", "joiner", "true",
           "false", "none", "True", "False", "None"}
KEEPS_SHAPE = {"sort", "reverse", "list", "selectattr", "rejectattr", "unique", "default",
               "d", "batch", "slice"}
"""Filters whose result has the shape of what they filter."""

LETTER_KEYS = ("id", "title", "about", "to", "subject", "body", "needs_call", "source",
               "status", "checked", "disagree", "note")
"""The keys of one letter in a ``letters:`` list."""
MAX_OUTPUT = 200_000
"""A letter longer than this many characters is refused (a runaway loop)."""
MAX_REPEAT = 10_000
"""``'x' * n`` and ``**`` may not make anything bigger than this."""


class LetterError(Exception):
    """A letter that cannot be filled in; the message is one line for people."""


@dataclass(frozen=True)
class Part:
    """One template (the ``to``, ``subject`` or ``body`` of a letter) and where it was
    written, so a problem inside it is reported at the file's line and column."""

    source: str
    path: Path
    line: int
    """1-based line in the file of the template's first line."""
    column: int
    """1-based column in the file of the template's first character."""
    block_indent: int = -1
    """For a ``|`` block: the column (0-based) its lines are indented to; -1 otherwise."""

    def position(self, line: int, column: int = 1) -> tuple[int, int]:
        """File line and column of ``line``/``column`` (1-based) inside the template."""
        if self.block_indent >= 0:
            return self.line + line - 1, self.block_indent + column
        if line <= 1:
            return self.line, self.column + column - 1
        return self.line + line - 1, column

    def problem(self, line: int, column: int, message: str) -> PlaybookProblem:
        at_line, at_column = self.position(line, column)
        return PlaybookProblem(self.path, at_line, at_column, message)


@dataclass
class LetterTemplate:
    """A letter to fill from a case: data read from a playbook or a letters file."""

    id: str
    title: str
    to: Part
    subject: Part
    body: Part
    about: str = ""
    needs_call: bool = False
    """It confirms or follows up one call: refused for a case with no call."""
    playbook_id: str = ""
    """The playbook it belongs to; empty for a letter any organisation can use."""
    cite: Cite | None = None
    source_path: Path | None = None
    line: int = 0
    column: int = 0
    origin: str = "shipped"
    problems: list[PlaybookProblem] = field(default_factory=list)

    @property
    def for_any(self) -> bool:
        return not self.playbook_id

    def render(self, values: Mapping[str, Any]) -> tuple[str, str, str]:
        """(to, subject, body) filled from ``values``; ``LetterError`` if it cannot be."""
        return tuple(  # type: ignore[return-value]
            render_part(part, values, self.id) for part in (self.to, self.subject, self.body)
        )


# -- the engine (``tui.playbooks.templates``, imported when first needed) ---------------
def render_part(part: Part, values: Mapping[str, Any], letter_id: str = "") -> str:
    """One template filled with ``values`` (plain dicts, lists, text and flags)."""
    from tui.playbooks import templates

    return templates.render_part(part, values, letter_id)


def check_part(part: Part, fields: Mapping[str, Schema] | None = None) -> list[PlaybookProblem]:
    """Every problem with one template: syntax, unknown fields, filters, includes."""
    from tui.playbooks import templates

    return templates.check_part(part, FIELDS if fields is None else fields)


def part_of(node: ScalarNode, path: Path) -> Part:
    """The template written in ``node``, with the place each of its lines was written."""
    mark = node.start_mark
    source = str(node.value)
    style = getattr(node, "style", None)
    if style in ("|", ">"):
        buffer = getattr(mark, "buffer", None) or ""
        lines = buffer.split("\n")
        indent = 0
        for text in lines[mark.line + 1:]:
            if text.strip():
                indent = len(text) - len(text.lstrip(" "))
                break
        return Part(source, path, mark.line + 2, indent + 1, block_indent=indent)
    quoted = 1 if style in ("'", '"') else 0
    return Part(source, path, mark.line + 1, mark.column + 1 + quoted)


def fields_list(schema: Schema = None, prefix: str = "") -> list[tuple[str, str]]:
    """(field, kind) for every field, e.g. ``("case.payments[].confirmation", "text")``."""
    schema = FIELDS if schema is None else schema
    found: list[tuple[str, str]] = []
    for name, shape in schema.items():
        path = f"{prefix}{name}"
        if isinstance(shape, dict):
            found += fields_list(shape, path + ".")
        elif isinstance(shape, list):
            item = shape[0]
            if isinstance(item, dict):
                found.append((path, "list"))
                found += fields_list(item, path + "[].")
            else:
                found.append((path, f"list of {item}"))
        else:
            found.append((path, shape))
    return found


def missing_fields(values: Mapping[str, Any], schema: Schema = None,
                   prefix: str = "") -> list[str]:
    """Fields in ``schema`` that ``values`` does not fill (checked on every list item)."""
    schema = FIELDS if schema is None else schema
    missing: list[str] = []
    for name, shape in schema.items():
        path = f"{prefix}{name}"
        if name not in values:
            missing.append(path)
            continue
        value = values[name]
        if isinstance(shape, dict):
            missing += missing_fields(value, shape, path + ".")
        elif isinstance(shape, list):
            if not isinstance(value, list):
                missing.append(path)
                continue
            for item in value:
                if isinstance(shape[0], dict):
                    missing += missing_fields(item, shape[0], path + "[].")
                elif not isinstance(item, str):
                    missing.append(path + "[]")
        elif shape == FLAG and not isinstance(value, bool):
            missing.append(path)
        elif shape == TEXT and not isinstance(value, str):
            missing.append(path)
    return sorted(set(missing))


def relevant_first(templates: Sequence[LetterTemplate],
                   used: Sequence[str]) -> list[LetterTemplate]:
    """Letters of the playbooks in ``used`` (in that order) first, then letters for any
    organisation, then the rest by title."""
    order = {pid: index for index, pid in enumerate(used)}

    def key(template: LetterTemplate) -> tuple[int, int, str]:
        if template.playbook_id in order:
            return 0, order[template.playbook_id], template.title.casefold()
        if template.for_any:
            return 1, 0, template.title.casefold()
        return 2, 0, template.title.casefold()

    return sorted(templates, key=key)
