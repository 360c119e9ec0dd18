"""Check a composed YAML tree against the playbook schema.

Every problem is collected (not just the first) with its line and column.
Unknown keys get a "did you mean …" suggestion.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from tui.playbooks.model import (
    KINDS,
    PLAYBOOK_SCHEMA_VERSION,
    SOURCE_STATUSES,
    Deadline,
    Phone,
    Playbook,
    PlaybookProblem,
    Source,
    Step,
)
from tui.playbooks.yamlsafe import MappingNode, Node, ScalarNode, SequenceNode, where

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _real_date(text: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, and a day that exists."""
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True

TOP_KEYS = (
    "schema_version", "id", "name", "kind", "extends", "phones", "before_you_call",
    "steps", "never", "escalate_to", "deadlines", "sources",
)
PHONE_KEYS = ("label", "number", "hours", "tty", "menu")
STEP_KEYS = ("title", "say", "tips")
DEADLINE_KEYS = ("name", "days", "from", "source")
SOURCE_KEYS = ("title", "url", "date", "status")


class Checker:
    """Collects problems for one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[PlaybookProblem] = []

    def problem(self, node: Node, message: str) -> None:
        line, column = where(node)
        self.problems.append(PlaybookProblem(self.path, line, column, message))

    # -- shapes -----------------------------------------------------------
    def mapping(self, node: Node, what: str, allowed: tuple[str, ...],
                required: tuple[str, ...]) -> dict[str, Node] | None:
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of keys")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, f"{what}: keys must be plain words")
                continue
            key = str(key_node.value)
            if key in found:
                self.problem(key_node, f"duplicate key '{key}'")
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(key_node, f"unknown key '{key}' in {what}{hint}")
                continue
            found[key] = value_node
        for key in required:
            if key not in found:
                self.problem(node, f"{what} is missing '{key}'")
        return found

    def text(self, node: Node | None, what: str, *, required: bool = False) -> str:
        if node is None:
            return ""
        if isinstance(node, ScalarNode):
            value = str(node.value)
            if required and not value.strip():
                self.problem(node, f"{what} must not be empty")
            return value
        self.problem(node, f"{what} must be text, not a list or mapping")
        return ""

    def texts(self, node: Node | None, what: str) -> list[str]:
        if node is None:
            return []
        if isinstance(node, ScalarNode) and node.value == "":
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list (items start with '- ')")
            return []
        return [self.text(item, f"an item of {what}", required=True) for item in node.value]

    def items(self, node: Node | None, what: str, build: Callable[[Node], Any]) -> list[Any]:
        if node is None:
            return []
        if isinstance(node, ScalarNode) and node.value == "":
            return []
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list (items start with '- ')")
            return []
        built = [build(item) for item in node.value]
        return [item for item in built if item is not None]

    def choice(self, node: Node | None, what: str, choices: tuple[str, ...], default: str) -> str:
        if node is None:
            return default
        value = self.text(node, what)
        if value not in choices:
            self.problem(node, f"{what} must be one of: {', '.join(choices)} (not '{value}')")
            return default
        return value

    def integer(self, node: Node | None, what: str, default: int) -> int:
        if node is None:
            return default
        value = self.text(node, what)
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            self.problem(node, f"{what} must be a whole number (not '{value}')")
            return default
        return int(value)

    # -- records ----------------------------------------------------------
    def phone(self, node: Node) -> Phone | None:
        fields = self.mapping(node, "a phone", PHONE_KEYS, ("label", "number"))
        if fields is None:
            return None
        return Phone(
            label=self.text(fields.get("label"), "label", required=True),
            number=self.text(fields.get("number"), "number", required=True),
            hours=self.text(fields.get("hours"), "hours"),
            tty=self.text(fields.get("tty"), "tty"),
            menu=self.texts(fields.get("menu"), "menu"),
        )

    def step(self, node: Node) -> Step | None:
        fields = self.mapping(node, "a step", STEP_KEYS, ("title",))
        if fields is None:
            return None
        return Step(
            title=self.text(fields.get("title"), "title", required=True),
            say=self.text(fields.get("say"), "say"),
            tips=self.texts(fields.get("tips"), "tips"),
        )

    def deadline(self, node: Node) -> Deadline | None:
        fields = self.mapping(node, "a deadline", DEADLINE_KEYS, ("name", "days"))
        if fields is None:
            return None
        return Deadline(
            name=self.text(fields.get("name"), "name", required=True),
            days=self.integer(fields.get("days"), "days", 0),
            from_=self.text(fields.get("from"), "from"),
            source=self.text(fields.get("source"), "source"),
        )

    def source(self, node: Node) -> Source | None:
        fields = self.mapping(node, "a source", SOURCE_KEYS, ("title", "date", "status"))
        if fields is None:
            return None
        date_node = fields.get("date")
        date = self.text(date_node, "date")
        if date_node is not None and date and not _real_date(date):
            self.problem(date_node, f"date must be a real date like 2026-11-24 (not '{date}')")
        return Source(
            title=self.text(fields.get("title"), "title", required=True),
            url=self.text(fields.get("url"), "url"),
            date=date,
            status=self.choice(fields.get("status"), "status", SOURCE_STATUSES, "ok"),
        )

    def slug(self, node: Node | None, what: str) -> str:
        value = self.text(node, what)
        if node is not None and not SLUG.fullmatch(value):
            self.problem(
                node, f"{what} must be lowercase letters, digits and dashes (not '{value}')"
            )
        return value

    def playbook(self, root: Node | None) -> tuple[Playbook | None, dict[str, Node]]:
        """The playbook (None if it cannot be used) and the nodes of its keys."""
        if root is None:
            self.problems.append(PlaybookProblem(self.path, 1, 1, "the file is empty"))
            return None, {}
        fields = self.mapping(root, "the playbook", TOP_KEYS, ("id", "name", "kind"))
        if fields is None:
            return None, {}
        version = self.integer(fields.get("schema_version"), "schema_version",
                               PLAYBOOK_SCHEMA_VERSION)
        if version > PLAYBOOK_SCHEMA_VERSION:
            self.problem(fields["schema_version"],
                         f"schema_version {version} is newer than this app understands "
                         f"({PLAYBOOK_SCHEMA_VERSION})")
        escalate_node = fields.get("escalate_to")
        escalate = self.texts(escalate_node, "escalate_to")
        if isinstance(escalate_node, SequenceNode):
            for item in escalate_node.value:
                if isinstance(item, ScalarNode) and not SLUG.fullmatch(str(item.value)):
                    self.problem(item, f"escalate_to names an id, not '{item.value}'")
        playbook = Playbook(
            id=self.slug(fields.get("id"), "id"),
            name=self.text(fields.get("name"), "name", required=True),
            kind=self.choice(fields.get("kind"), "kind", KINDS, "other"),
            phones=self.items(fields.get("phones"), "phones", self.phone),
            before_you_call=self.texts(fields.get("before_you_call"), "before_you_call"),
            steps=self.items(fields.get("steps"), "steps", self.step),
            never=self.texts(fields.get("never"), "never"),
            escalate_to=escalate,
            deadlines=self.items(fields.get("deadlines"), "deadlines", self.deadline),
            sources=self.items(fields.get("sources"), "sources", self.source),
            extends=self.slug(fields.get("extends"), "extends") if "extends" in fields else "",
            schema_version=version,
            source_path=self.path,
        )
        return playbook, fields
