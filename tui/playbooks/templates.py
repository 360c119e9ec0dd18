"""The template engine behind letters: Jinja's immutable sandbox, rendering, and the
checks made when a template is loaded.

Apart from ``tui.playbooks.letters`` so that Jinja is imported only when a letter is
checked or written, not at every start of the app (the shipped letters are checked by
the test suite).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from tui.playbooks.letters import (
    ANY,
    FIELDS,
    FLAG,
    GLOBALS,
    KEEPS_SHAPE,
    MAX_OUTPUT,
    MAX_REPEAT,
    TEXT,
    LetterError,
    Part,
    Schema,
)
from tui.playbooks.model import PlaybookProblem


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
    """Every problem with one template: syntax, unknown fields, filters, includes, and
    what only compiling it finds (a block defined twice)."""
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
