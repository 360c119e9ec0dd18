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

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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


# -- the engine ------------------------------------------------------------------------
class LetterEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, strict about missing values, with no file access and
    a cap on ``*`` and ``**`` so no template can fill the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int) and abs(right) > 64:
                raise SecurityError("powers above 64 are not allowed in a letter")
            return left**right
        for value, count in ((left, right), (right, left)):
            if isinstance(value, str | list | tuple) and isinstance(count, int) \
                    and len(value) * count > MAX_REPEAT:
                raise SecurityError("a letter may not repeat text that many times")
        return left * right


ENVIRONMENT = LetterEnvironment(
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)
"""One environment for every letter: no loader, so ``include`` can reach no file."""


def namespace(value: Any) -> Any:
    """Plain dicts and lists as objects a template reads with dots (``case.title``)."""
    if isinstance(value, Mapping):
        return SimpleNamespace(**{key: namespace(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return [namespace(item) for item in value]
    return value


def render_part(part: Part, values: Mapping[str, Any], letter_id: str = "") -> str:
    """One template filled with ``values`` (plain dicts, lists, text and flags)."""
    try:
        template = ENVIRONMENT.from_string(part.source)
        text = template.render(**{key: namespace(item) for key, item in values.items()})
    except TemplateSyntaxError as error:
        at = part.problem(error.lineno or 1, 1, error.message or "template error")
        raise LetterError(str(at)) from None
    except SecurityError as error:
        raise LetterError(f"letter {letter_id}: refused: {error}") from None
    except TemplateError as error:
        raise LetterError(f"letter {letter_id}: {error.message or error}") from None
    if len(text) > MAX_OUTPUT:
        raise LetterError(f"letter {letter_id} is longer than {MAX_OUTPUT} characters")
    return text.strip("\n")


# -- checking a template when it is loaded ---------------------------------------------
_TAG = re.compile(r"\{\{|\{%")


def _in_tag(text: str, at: int) -> bool:
    """True when position ``at`` of a line is inside ``{{ … }}`` or ``{% … %}``."""
    opened = max(text.rfind("{{", 0, at), text.rfind("{%", 0, at))
    closed = max(text.rfind("}}", 0, at), text.rfind("%}", 0, at))
    return opened >= 0 and opened > closed


def _column_of(source: str, line: int, word: str) -> int:
    """1-based column of ``word`` on ``line`` of ``source`` (inside a tag if it is there
    too), else of the first tag on that line, else 1."""
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return 1
    text = lines[line - 1]
    if word:
        found = [m.start() for m in re.finditer(rf"(?<![\w]){re.escape(word)}\b", text)]
        inside = [at for at in found if _in_tag(text, at)]
        if inside or found:
            return (inside or found)[0] + 1
    tag = _TAG.search(text)
    return tag.start() + 1 if tag else 1


def _shape_name(shape: Schema) -> str:
    if shape == FLAG:
        return "a yes/no value"
    if shape == TEXT:
        return "text"
    if isinstance(shape, list):
        return "a list (loop over it with {% for … in … %})"
    return "a group of fields"


class _FieldChecker:
    """Walks a template's syntax tree and names every field that does not exist."""

    def __init__(self, part: Part, fields: Mapping[str, Schema]) -> None:
        self.part = part
        self.fields = fields
        self.scopes: list[dict[str, Schema]] = [{}]
        self.problems: list[PlaybookProblem] = []

    def report(self, node: nodes.Node, word: str, message: str) -> None:
        line = getattr(node, "lineno", 1) or 1
        column = _column_of(self.part.source, line, word)
        self.problems.append(self.part.problem(line, column, message))

    def lookup(self, name: str) -> tuple[bool, Schema]:
        for scope in reversed(self.scopes):
            if name in scope:
                return True, scope[name]
        if name in self.fields:
            return True, self.fields[name]
        return name in GLOBALS, ANY

    def bind(self, target: nodes.Node, shape: Schema) -> None:
        if isinstance(target, nodes.Name):
            self.scopes[-1][target.name] = shape
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, ANY)
        elif isinstance(target, nodes.NSRef):
            self.visit(target)

    def member(self, node: nodes.Node, owner: Schema, name: str, path: str) -> Schema:
        if owner is ANY or owner in (TEXT, FLAG):
            return ANY
        if isinstance(owner, list):
            self.report(node, name, f"{path} is {_shape_name(owner)}, so it has no field "
                                    f"'{name}'")
            return ANY
        if name not in owner:
            close = difflib.get_close_matches(name, list(owner), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(owner))
            self.report(node, name, f"unknown field '{path}.{name}'{hint}; {path} has: {known}")
            return ANY
        return owner[name]

    def expression(self, node: nodes.Node) -> tuple[Schema, str]:
        """The shape of an expression, and how to name it in a message."""
        if isinstance(node, nodes.Name):
            known, shape = self.lookup(node.name)
            if not known:
                close = difflib.get_close_matches(node.name, list(self.fields), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.report(node, node.name, f"unknown field '{node.name}'{hint}; letters can "
                                             f"use: {', '.join(sorted(self.fields))}")
            return shape, node.name
        if isinstance(node, nodes.Getattr):
            owner, path = self.expression(node.node)
            return self.member(node, owner, node.attr, path), f"{path}.{node.attr}"
        if isinstance(node, nodes.Getitem):
            owner, path = self.expression(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                key = node.arg.value
                return self.member(node, owner, key, path), f"{path}.{key}"
            self.visit(node.arg)
            if isinstance(owner, list):
                return owner[0], f"{path}[…]"
            return ANY, path
        if isinstance(node, nodes.Filter):
            if node.node is not None:
                shape, path = self.expression(node.node)
            else:
                shape, path = ANY, "filter"
            self._filter_name(node)
            for argument in [*node.args, *(k.value for k in node.kwargs)]:
                self.visit(argument)
            return (shape if node.name in KEEPS_SHAPE else ANY), path
        self.visit(node)
        return ANY, "value"

    def _filter_name(self, node: nodes.Filter) -> None:
        if node.name not in ENVIRONMENT.filters:
            self.report(node, node.name, f"no filter named '{node.name}'")

    def visit(self, node: nodes.Node) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem | nodes.Filter):
            if not (isinstance(node, nodes.Name) and node.ctx != "load"):
                self.expression(node)
            return
        if isinstance(node, nodes.Include | nodes.Import | nodes.FromImport | nodes.Extends):
            self.report(node, "", "a letter cannot include, import or extend other "
                                  "templates: write the text in this letter")
            return
        if isinstance(node, nodes.Test):
            self.visit(node.node)
            if node.name not in ENVIRONMENT.tests:
                self.report(node, node.name, f"no test named '{node.name}'")
            for argument in [*node.args, *(k.value for k in node.kwargs)]:
                self.visit(argument)
            return
        if isinstance(node, nodes.For):
            shape, _path = self.expression(node.iter)
            item = shape[0] if isinstance(shape, list) else ANY
            self.scopes.append({"loop": ANY})
            self.bind(node.target, item)
            if node.test is not None:
                self.visit(node.test)
            for child in node.body:
                self.visit(child)
            self.scopes.pop()
            for child in node.else_:
                self.visit(child)
            return
        if isinstance(node, nodes.Assign):
            shape, _path = self.expression(node.node)
            self.bind(node.target, shape)
            return
        if isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.visit(child)
            self.bind(node.target, TEXT)
            return
        if isinstance(node, nodes.Macro | nodes.CallBlock):
            self.scopes.append({"caller": ANY, "varargs": ANY, "kwargs": ANY})
            for arg in node.args:
                self.bind(arg, ANY)
            for default in node.defaults:
                self.visit(default)
            if isinstance(node, nodes.Macro):
                self.scopes[0][node.name] = ANY
            else:
                self.visit(node.call)
            for child in node.body:
                self.visit(child)
            self.scopes.pop()
            return
        if isinstance(node, nodes.With):
            for value in node.values:
                self.visit(value)
            self.scopes.append({})
            for target in node.targets:
                self.bind(target, ANY)
            for child in node.body:
                self.visit(child)
            self.scopes.pop()
            return
        for child in node.iter_child_nodes():
            self.visit(child)


def check_part(part: Part, fields: Mapping[str, Schema] = FIELDS) -> list[PlaybookProblem]:
    """Every problem with one template: syntax, unknown fields, filters, includes."""
    try:
        tree = ENVIRONMENT.parse(part.source)
    except TemplateSyntaxError as error:
        line = error.lineno or 1
        return [part.problem(line, _column_of(part.source, line, ""),
                             f"template: {error.message or 'syntax error'}")]
    checker = _FieldChecker(part, fields)
    for child in tree.body:
        checker.visit(child)
    if checker.problems:
        return checker.problems
    try:
        ENVIRONMENT.from_string(part.source)
    except TemplateError as error:
        line = getattr(error, "lineno", 1) or 1
        return [part.problem(line, _column_of(part.source, line, ""),
                             f"template: {error.message or error}")]
    return []


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
