"""A strict, safe YAML reader for playbooks.

Built on PyYAML's pure-Python composer with the base resolver, so every
scalar stays the string that was written (``0123456``, ``NO`` and
``12:30:45`` are never turned into numbers or booleans). Anchors, aliases and
tags are refused, nesting depth and file size are capped, and duplicate keys
are errors. Every problem carries its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_BYTES = 256 * 1024
"""Playbooks larger than this are refused before parsing."""
MAX_DEPTH = 32
"""Deeper nesting is refused (no RecursionError, bounded time and memory)."""

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
    """Refuses anchors, aliases, explicit tags and deep nesting."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        event = self.peek_event()
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
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


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


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def compose(text: str) -> Node | None:
    """Parse ``text`` into a node tree, or raise YamlProblem."""
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)
        return loader.get_single_node()
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
    """UTF-8 text (a BOM is allowed), or YamlProblem."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(1, 1, f"file is larger than {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(line, column, "not UTF-8 text") from None
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
