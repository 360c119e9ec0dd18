"""A strict, safe YAML reader for playbooks.

Built on PyYAML's pure-Python composer with the base resolver, so every
scalar stays the string that was written (``0123456``, ``NO`` and
``12:30:45`` are never turned into numbers or booleans). Anchors, aliases and
tags are refused; nesting depth, the number of values and file size are
capped; text that could not be saved as UTF-8 (lone surrogates) and raw
characters that make the file display differently from what it holds (bidi
overrides, a byte-order mark in the middle) are refused. Every problem carries
its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.composer import Composer
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_BYTES = 256 * 1024
"""Playbooks larger than this are refused before parsing."""
MAX_DEPTH = 32
"""Deeper nesting is refused (no RecursionError, bounded time and memory)."""
MAX_NODES = 5_000
"""More values than this are refused: parsing stays well under a second (a big
playbook has about 1,500; pure-Python YAML needs ~10 s for 120,000 values)."""

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Bidi embedding, override and isolate controls: they reorder how text looks."""
_ODD_BREAKS = re.compile("[\u0085\u2028\u2029]")
"""NEL, line and paragraph separators: YAML 1.1 line breaks that editors hide."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(
    r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})"
)

COPY_HINT = "copy the text instead"
PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


class YamlProblem(Exception):
    """A problem at a line and column (1-based)."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def _where(node_or_event: Node | object) -> tuple[int, int]:
    mark = getattr(node_or_event, "start_mark", None)
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


class _StrictComposer(Composer):
    """Refuses anchors, aliases, explicit tags, deep nesting, too many values
    and text that cannot be encoded as UTF-8."""

    _depth = 0
    _nodes = 0
    _text = ""

    def compose_node(self, parent: Node | None, index: object) -> Node:
        event = self.peek_event()  # type: ignore[attr-defined]
        self._nodes += 1
        if self._nodes > MAX_NODES:
            line, column = _where(event)
            raise YamlProblem(line, column,
                              f"more than {MAX_NODES:,} values: a playbook needs a few hundred")
        if isinstance(event, ScalarEvent) and _SURROGATE.search(event.value):
            self._refuse_surrogate(event)
        if isinstance(event, AliasEvent):
            line, column = _where(event)
            raise YamlProblem(line, column, f"aliases (*name) are not allowed: {COPY_HINT}")
        if isinstance(event, (ScalarEvent, SequenceStartEvent, MappingStartEvent)):
            if event.anchor is not None:
                line, column = _where(event)
                raise YamlProblem(line, column, f"anchors (&name) are not allowed: {COPY_HINT}")
            tag = event.tag
            if tag is not None and tag not in ("!", *PLAIN_TAGS):
                line, column = _where(event)
                raise YamlProblem(line, column, f"tags like {tag} are not allowed")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                line, column = _where(event)
                raise YamlProblem(line, column, f"nested deeper than {MAX_DEPTH} levels")
            node: Node | None = super().compose_node(parent, index)  # type: ignore[arg-type]
            assert node is not None  # an event is always there: peek_event() gave one
            return node
        finally:
            self._depth -= 1

    def _refuse_surrogate(self, event: ScalarEvent) -> None:
        """A lone surrogate (``"\\uD800"``) would make every call that shows this
        text unsaveable later: point at its escape."""
        char = _SURROGATE.search(event.value)
        code = ord(char.group()) if char else 0xD800
        line, column = _where(event)
        escape = None
        if self._text and event.start_mark is not None and event.end_mark is not None:
            start, end = event.start_mark.index, event.end_mark.index
            escape = _SURROGATE_ESCAPE.search(self._text, start, end)
        if escape is not None:
            line, column = _position(self._text, escape.start())
        raise YamlProblem(
            line, column,
            f"lone surrogate U+{code:04X} cannot be saved as UTF-8 text: remove it, or write "
            "the character itself (an emoji as \\U0001F600, not as two \\u escapes)",
        )


class _StrictLoader(Reader, Scanner, Parser, _StrictComposer, BaseResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        BaseResolver.__init__(self)


@dataclass
class Located:
    """A value with the place it was written."""

    value: object
    line: int
    column: int


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``, counting line breaks as YAML does."""
    line, start = 1, 0
    for found in _LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, found.end()
    return line, offset - start + 1


_SLOW = object()
"""The fast path's answer when the file needs the careful reader (to load, or to say why not)."""
_PLAIN_START = (ScalarEvent, SequenceStartEvent, MappingStartEvent)


def _compose_fast(text: str) -> Node | None | object:
    """libyaml's parser and composer, for the usual file that breaks no rule: every rule of
    :class:`_StrictComposer` is checked on the parser's events first (a flat loop, no
    recursion), and any doubt -- a rule broken, an error, no libyaml -- gives ``_SLOW``,
    so every problem is still found and worded by the careful reader. The same nodes
    (the base resolver: every scalar stays a string), several times faster."""
    loader = getattr(yaml, "CBaseLoader", None)
    if loader is None or Reader.NON_PRINTABLE.search(text):
        return _SLOW
    try:
        depth = nodes = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, _PLAIN_START):
                nodes += 1
                if nodes > MAX_NODES or depth + 1 > MAX_DEPTH or event.anchor is not None:
                    return _SLOW
                if event.tag is not None and event.tag not in ("!", *PLAIN_TAGS):
                    return _SLOW
                if isinstance(event, ScalarEvent):
                    if _SURROGATE.search(event.value):
                        return _SLOW
                else:
                    depth += 1
            elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
                depth -= 1
            elif isinstance(event, AliasEvent):
                return _SLOW
        node: Node | None = yaml.compose(text, Loader=loader)
    except Exception:  # noqa: BLE001 - the careful reader says what is wrong
        return _SLOW
    _give_marks_their_text(node, text)
    return node


def _give_marks_their_text(root: Node | None, text: str) -> None:
    """libyaml's marks carry no text; the careful reader's carry the whole file (as its
    reader holds it, with a closing NUL) and their place in it, which letters read to
    find the lines of a block template. Make them alike."""
    buffer = text + "\0"
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        start, end = node.start_mark, node.end_mark
        node.start_mark = Mark(start.name, start.index, start.line, start.column, buffer,
                               start.index)
        node.end_mark = Mark(end.name, end.index, end.line, end.column, buffer, end.index)
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def compose(text: str) -> Node | None:
    """Parse ``text`` into a node tree, or raise YamlProblem."""
    fast = _compose_fast(text)
    if fast is not _SLOW:
        return fast  # type: ignore[return-value]
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)
        loader._text = text
        root: Node | None = loader.get_single_node()
        return root
    except YamlProblem:
        raise
    except ReaderError as error:
        line, column = _position(text, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise YamlProblem(
            line, column,
            f"control character {code:#04x} is not allowed: remove it, or write it as an "
            "escape inside double quotes",
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        parts = [part for part in (error.context, error.problem) if part]
        message = "; ".join(parts) or "invalid YAML"
        raise YamlProblem(line, column, message) from None
    except yaml.YAMLError as error:
        raise YamlProblem(1, 1, f"invalid YAML: {error}") from None
    except RecursionError:
        raise YamlProblem(1, 1, "nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def decode(raw: bytes) -> str:
    """UTF-8 text (one leading byte-order mark is allowed), or YamlProblem.

    Refuses raw bidi controls (the file would look different from what it
    holds, as in "Trojan Source"), raw NEL/line/paragraph separators (YAML
    breaks lines there, editors don't) and a byte-order mark anywhere but the
    start.
    Written as escapes inside double quotes (``"\\u202e"``), such characters
    load: text is data and is always shown with them made visible.
    """
    if len(raw) > MAX_BYTES:
        raise YamlProblem(0, 0, f"file is larger than {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(line, column, "not UTF-8 text") from None
    bidi = _BIDI.search(text)
    if bidi is not None:
        line, column = _position(text, bidi.start())
        raise YamlProblem(
            line, column,
            f"invisible bidi control U+{ord(bidi.group()):04X} is not allowed: it makes text "
            "display in a different order than it is written; remove it",
        )
    breaks = _ODD_BREAKS.search(text)
    if breaks is not None:
        line, column = _position(text, breaks.start())
        raise YamlProblem(
            line, column,
            f"invisible line break U+{ord(breaks.group()):04X} is not allowed: YAML breaks the "
            "line there but most editors do not show it; remove it",
        )
    bom = text.find("\ufeff")
    if bom >= 0:
        line, column = _position(text, bom)
        raise YamlProblem(line, column,
                          "byte-order mark (U+FEFF) in the middle of the file: remove it "
                          "(were two files joined?)")
    return text


def where(node: Node) -> tuple[int, int]:
    """1-based line and column of a node."""
    return _where(node)


__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "YamlProblem",
    "compose",
    "decode",
    "where",
]
