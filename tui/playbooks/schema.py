"""Check a composed YAML tree against the playbook schema.

Every problem is collected (not just the first) with its line and column.
Unknown keys get a "did you mean …" suggestion. The file's ``schema_version``
decides the rules: version 1 (the default) is read exactly as before; version 2
adds source ids, ``published`` and ``checked`` dates, per-fact citations, links
and ``cannot_help_with`` (see docs/playbooks.md).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.playbooks.letters import LETTER_KEYS, LetterTemplate, Part, check_part, part_of
from tui.playbooks.model import (
    FACT_STATUSES,
    KINDS,
    PLAYBOOK_SCHEMA_VERSION,
    SOURCE_STATUSES,
    Cite,
    CitedText,
    Deadline,
    Link,
    Phone,
    Playbook,
    PlaybookProblem,
    Source,
    Step,
    parse_day,
    parse_published,
)
from tui.playbooks.yamlsafe import MappingNode, Node, ScalarNode, SequenceNode, where

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_URL_CHARS = r"[^\s<>\"\x00-\x1f\x7f]"
URL = re.compile(
    rf"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/{_URL_CHARS}*)?|mailto:{_URL_CHARS}+@{_URL_CHARS}+"
)
MAX_DAYS = 3660
"""A deadline longer than ten years is a typo."""
MAX_PROBLEMS = 50
"""Problems reported per file; the rest are summed up in one line."""


def _real_date(text: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, and a day that exists."""
    return parse_day(text) is not None


CITE_KEYS = ("source", "status", "checked", "disagree", "note")
"""Schema 2: what any fact may carry about its sources (see docs/playbooks.md)."""

TOP_KEYS_V1 = (
    "schema_version", "id", "name", "kind", "extends", "phones", "before_you_call",
    "steps", "never", "escalate_to", "deadlines", "sources",
)
TOP_KEYS = (*TOP_KEYS_V1, "links", "cannot_help_with", "letters")
LETTERS_FILE_KEYS = ("schema_version", "letters")
"""A letters file (in a ``letters/`` folder): letters for any organisation."""
PHONE_KEYS_V1 = ("label", "number", "hours", "tty", "menu")
PHONE_KEYS = (*PHONE_KEYS_V1, *CITE_KEYS)
STEP_KEYS_V1 = ("title", "say", "tips")
STEP_KEYS = (*STEP_KEYS_V1, *CITE_KEYS)
DEADLINE_KEYS_V1 = ("name", "days", "from", "source")
DEADLINE_KEYS = (*DEADLINE_KEYS_V1, *CITE_KEYS[1:])
SOURCE_KEYS_V1 = ("title", "url", "date", "status")
SOURCE_KEYS = ("id", "title", "url", "published", "checked", "status", "note")
LINK_KEYS = ("label", "url", *CITE_KEYS)
TEXT_KEYS = ("text", *CITE_KEYS)
"""Schema 2: a text item written as a mapping so it can cite its sources."""

SOURCELESS = ("unverified", "advice")
"""The only statuses a fact may have without naming a source."""
_DATE_REPLACED = ("'date' is not used in schema_version 2: write 'published' (the page's own "
                  "date, or unknown) and 'checked' (the day you last verified the facts)")


class Checker:
    """Collects problems for one file."""

    def __init__(self, path: Path, check_templates: bool = True) -> None:
        self.path = path
        self.check_templates = check_templates
        """False for the shipped files at start-up: the test suite checks their letters
        (``validate_paths``), and checking them took Jinja's import and parse at every
        start; one that failed would still say so when written."""
        self.problems: list[PlaybookProblem] = []
        self.version = 1
        self._sources: dict[str, Source] = {}
        self._cited: set[str] = set()
        self._letter_ids: set[str] = set()

    def problem(self, node: Node, message: str) -> None:
        line, column = where(node)
        self.problems.append(PlaybookProblem(self.path, line, column, message))

    # -- shapes -----------------------------------------------------------
    def mapping(self, node: Node, what: str, allowed: tuple[str, ...],
                required: tuple[str, ...], newer: tuple[str, ...] = (),
                replaced: dict[str, str] | None = None) -> dict[str, Node] | None:
        """The keys of a mapping. ``newer`` are keys allowed only from schema 2 on:
        in a version 1 file they get a message saying so. ``replaced`` maps keys
        that are no longer used to the message that says what to write instead."""
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
                if replaced and key in replaced:
                    self.problem(key_node, replaced[key])
                    continue
                if key in newer:
                    self.problem(key_node, f"'{key}' in {what} needs schema_version: 2 "
                                           f"(this file is version {self.version})")
                    continue
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

    def cited(self, node: Node | None, what: str, *, required: bool = False) -> str:
        """Text, or (schema 2) a mapping with ``text`` and what it cites."""
        if node is None:
            return ""
        if isinstance(node, MappingNode) and self.version >= 2:
            fields = self.mapping(node, what, TEXT_KEYS, ("text",))
            if fields is None:
                return ""
            value = self.text(fields.get("text"), f"text of {what}", required=True)
            return CitedText(value, self.cite(fields, node, what, needed=False))
        if isinstance(node, MappingNode):
            self.problem(node, f"{what} must be text (text with its own source needs "
                               "schema_version: 2)")
            return ""
        value = self.text(node, what, required=required)
        return CitedText(value) if self.version >= 2 else value

    def _list(self, node: Node | None, what: str) -> list[Node] | None:
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.value == "":
            return None
        if not isinstance(node, SequenceNode):
            self.problem(node, f"{what} must be a list (items start with '- ')")
            return None
        return list(node.value)

    def texts(self, node: Node | None, what: str) -> list[str]:
        items = self._list(node, what)
        if items is None:
            return []
        return [self.cited(item, f"an item of {what}", required=True) for item in items]

    def plain_texts(self, node: Node | None, what: str) -> list[str]:
        items = self._list(node, what)
        if items is None:
            return []
        return [self.text(item, f"an item of {what}", required=True) for item in items]

    def items(self, node: Node | None, what: str, build: Callable[[Node], Any]) -> list[Any]:
        found = self._list(node, what)
        if found is None:
            return []
        built = [build(item) for item in found]
        return [item for item in built if item is not None]

    def choice(self, node: Node | None, what: str, choices: tuple[str, ...], default: str) -> str:
        if node is None:
            return default
        value = self.text(node, what)
        if value not in choices:
            self.problem(node, f"{what} must be one of: {', '.join(choices)} (not '{value}')")
            return default
        return value

    def integer(self, node: Node | None, what: str, default: int,
                low: int = 0, high: int = 999_999) -> int:
        if node is None:
            return default
        value = self.text(node, what)
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            self.problem(node, f"{what} must be a whole number (not '{value}')")
            return default
        number = int(value)
        if not low <= number <= high:
            self.problem(node, f"{what} must be between {low} and {high} (not {number})")
            return default
        return number

    def day(self, node: Node | None, what: str) -> str:
        value = self.text(node, what)
        if node is not None and not _real_date(value):
            self.problem(node, f"{what} must be a real date like 2026-11-24 (not '{value}')")
            return ""
        return value

    def url(self, node: Node | None, what: str) -> str:
        value = self.text(node, what)
        if node is not None and value and self.version >= 2 and not URL.fullmatch(value):
            self.problem(node, f"{what} must be a web address starting with https:// or "
                               f"http:// (or mailto:), with no spaces (not '{value}')")
        return value

    # -- citations (schema 2) ----------------------------------------------
    def cite(self, fields: dict[str, Node], node: Node, what: str, *,
             needed: bool) -> Cite | None:
        """The sources and overrides of one fact; None when it cites nothing."""
        source_node = fields.get("source")
        status_node = fields.get("status")
        if source_node is None and status_node is None and not needed:
            for key in ("checked", "disagree", "note"):
                if key in fields:
                    self.problem(fields[key], f"'{key}' needs 'source: ID' or 'status:' "
                                              f"on {what}")
            return None
        if source_node is None and status_node is None:
            self.problem(node, f"{what} needs 'source: ID' (an id from sources) or "
                               "'status: unverified'")
            return None
        sources: list[Source] = []
        for id_node in self._ids(source_node):
            ident = str(id_node.value)
            self._cited.add(ident)
            if ident in self._sources:
                sources.append(self._sources[ident])
            else:
                known = ", ".join(sorted(self._sources)) or "none"
                self.problem(id_node, f"source '{ident}' is not the id of a source in this "
                                      f"file (known: {known})")
        status = ""
        if status_node is not None:
            status = self.choice(status_node, "status", FACT_STATUSES, "")
            if source_node is None and status and status not in SOURCELESS:
                self.problem(status_node, f"status '{status}' needs 'source: ID' saying where "
                                          "the fact comes from (only unverified or advice can "
                                          "stand without a source)")
        disagree = self.text(fields.get("disagree"), "disagree", required=True)
        if disagree and status and status != "conflict":
            self.problem(fields["disagree"],
                         f"'disagree' means the sources conflict: drop it, or use "
                         f"'status: conflict' (not '{status}')")
        checked = self.day(fields.get("checked"), "checked") if "checked" in fields else ""
        return Cite(
            sources=tuple(sources),
            status=status,
            checked=checked,
            disagree=disagree,
            note=self.text(fields.get("note"), "note"),
        )

    def _ids(self, node: Node | None) -> list[ScalarNode]:
        if node is None:
            return []
        if isinstance(node, ScalarNode):
            candidates = [node]
        elif isinstance(node, SequenceNode) and node.value:
            candidates = list(node.value)
        else:
            self.problem(node, "source must be a source id, or a list of ids like [a, b]")
            return []
        good: list[ScalarNode] = []
        for item in candidates:
            if not isinstance(item, ScalarNode):
                self.problem(item, "source must be a source id, or a list of ids like [a, b]")
            elif not SLUG.fullmatch(str(item.value)):
                self.problem(item, "source names the id of a source: lowercase letters, digits "
                                   f"and dashes (not '{item.value}')")
            else:
                good.append(item)
        return good

    # -- records ----------------------------------------------------------
    def phone(self, node: Node) -> Phone | None:
        v2 = self.version >= 2
        fields = self.mapping(node, "a phone", PHONE_KEYS if v2 else PHONE_KEYS_V1,
                              ("label", "number"), newer=CITE_KEYS)
        if fields is None:
            return None
        menu = fields.get("menu")
        return Phone(
            label=self.text(fields.get("label"), "label", required=True),
            number=self.text(fields.get("number"), "number", required=True),
            hours=self.cited(fields.get("hours"), "hours"),
            tty=self.cited(fields.get("tty"), "tty"),
            menu=self.texts(menu, "menu"),
            cite=self.cite(fields, node, "a phone", needed=True) if v2 else None,
        )

    def step(self, node: Node) -> Step | None:
        v2 = self.version >= 2
        fields = self.mapping(node, "a step", STEP_KEYS if v2 else STEP_KEYS_V1, ("title",),
                              newer=CITE_KEYS)
        if fields is None:
            return None
        return Step(
            title=self.text(fields.get("title"), "title", required=True),
            say=self.text(fields.get("say"), "say"),
            tips=self.texts(fields.get("tips"), "tips"),
            cite=self.cite(fields, node, "a step", needed=False) if v2 else None,
        )

    def deadline(self, node: Node) -> Deadline | None:
        v2 = self.version >= 2
        fields = self.mapping(node, "a deadline", DEADLINE_KEYS if v2 else DEADLINE_KEYS_V1,
                              ("name", "days"), newer=CITE_KEYS)
        if fields is None:
            return None
        name = self.text(fields.get("name"), "name", required=True)
        days = self.integer(fields.get("days"), "days", 0, 1, MAX_DAYS)
        start = self.text(fields.get("from"), "from")
        if not v2:
            return Deadline(name, days, start, self.text(fields.get("source"), "source"))
        cite = self.cite(fields, node, "a deadline", needed=True)
        titles = "; ".join(source.title for source in cite.sources) if cite else ""
        return Deadline(name, days, start, titles, cite)

    def link(self, node: Node) -> Link | None:
        fields = self.mapping(node, "a link", LINK_KEYS, ("label", "url"))
        if fields is None:
            return None
        label = self.text(fields.get("label"), "label", required=True)
        address = self.url(fields.get("url"), "url")
        if "url" in fields and not address:
            self.problem(fields["url"], "url must not be empty")
        return Link(label, address, self.cite(fields, node, "a link", needed=True))

    def source(self, node: Node) -> Source | None:
        if self.version < 2:
            return self._source_v1(node)
        fields = self.mapping(node, "a source", SOURCE_KEYS,
                              ("id", "title", "published", "status"),
                              replaced={"date": _DATE_REPLACED})
        if fields is None:
            return None
        ident_node = fields.get("id")
        ident = self.text(ident_node, "id")
        if ident_node is not None:
            if not SLUG.fullmatch(ident):
                self.problem(ident_node, "a source id must be lowercase letters, digits and "
                                         f"dashes (not '{ident}')")
            elif ident in self._sources:
                self.problem(ident_node, f"source id '{ident}' is used twice in this file")
        published_node = fields.get("published")
        published = self.text(published_node, "published")
        if published_node is not None and published != "unknown" \
                and parse_published(published) is None:
            self.problem(published_node,
                         "published must be a date like 2024-10-28, 2015-09 or 2015 (optionally "
                         f"'about 2021'), or unknown (not '{published}')")
            published = "unknown"
        checked_node = fields.get("checked")
        checked = self.day(checked_node, "checked") if checked_node is not None else ""
        checked_on, published_on = parse_day(checked), parse_published(published)
        if checked_node is not None and checked_on and published_on \
                and checked_on < published_on:
            self.problem(checked_node, f"checked ({checked}) is before published ({published})")
        source = Source(
            title=self.text(fields.get("title"), "title", required=True),
            url=self.url(fields.get("url"), "url"),
            date=published if published != "unknown" else "undated",
            status=self.choice(fields.get("status"), "status", SOURCE_STATUSES, "ok"),
            id=ident,
            published=published or "unknown",
            checked=checked,
            note=self.text(fields.get("note"), "note"),
        )
        if ident and SLUG.fullmatch(ident) and ident not in self._sources:
            self._sources[ident] = source
        return source

    def _source_v1(self, node: Node) -> Source | None:
        fields = self.mapping(node, "a source", SOURCE_KEYS_V1, ("title", "date", "status"),
                              newer=("id", "published", "checked", "note"))
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
            status=self.choice(fields.get("status"), "status", SOURCE_STATUSES[:5], "ok"),
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
        if not isinstance(root, MappingNode):
            self.problem(root, "the playbook must be a mapping of keys")
            return None, {}
        version_node = next((value for key, value in root.value
                             if isinstance(key, ScalarNode) and key.value == "schema_version"),
                            None)
        version = self.integer(version_node, "schema_version", 1, 1, 999_999)
        if version > PLAYBOOK_SCHEMA_VERSION and version_node is not None:
            self.problem(version_node,
                         f"schema_version {version} is newer than this app understands "
                         f"({PLAYBOOK_SCHEMA_VERSION})")
            return None, {}
        self.version = version
        v2 = version >= 2
        fields = self.mapping(root, "the playbook", TOP_KEYS if v2 else TOP_KEYS_V1,
                              ("id", "name", "kind"),
                              newer=("links", "cannot_help_with", "letters"))
        if fields is None:
            return None, {}
        # Sources first: the facts above them cite their ids.
        sources = self.items(fields.get("sources"), "sources", self.source)
        escalate_node = fields.get("escalate_to")
        escalate = self.plain_texts(escalate_node, "escalate_to")
        if isinstance(escalate_node, SequenceNode):
            for item in escalate_node.value:
                if isinstance(item, ScalarNode) and not SLUG.fullmatch(str(item.value)):
                    self.problem(item, f"escalate_to names an id, not '{item.value}'")
        own_id = self.slug(fields.get("id"), "id")
        if isinstance(escalate_node, SequenceNode):
            for item in escalate_node.value:
                if isinstance(item, ScalarNode) and own_id and item.value == own_id:
                    self.problem(item, "escalate_to names this playbook itself")
        playbook = Playbook(
            id=own_id,
            name=self.text(fields.get("name"), "name", required=True),
            kind=self.choice(fields.get("kind"), "kind", KINDS, "other"),
            phones=self.items(fields.get("phones"), "phones", self.phone),
            before_you_call=self.texts(fields.get("before_you_call"), "before_you_call"),
            steps=self.items(fields.get("steps"), "steps", self.step),
            never=self.texts(fields.get("never"), "never"),
            escalate_to=escalate,
            deadlines=self.items(fields.get("deadlines"), "deadlines", self.deadline),
            sources=sources,
            extends=self.slug(fields.get("extends"), "extends") if "extends" in fields else "",
            schema_version=version,
            source_path=self.path,
            links=self.items(fields.get("links"), "links", self.link) if v2 else [],
            cannot_help_with=(self.texts(fields.get("cannot_help_with"), "cannot_help_with")
                              if v2 else []),
            letters=self.items(fields.get("letters"), "letters",
                               lambda node: self.letter(node, own_id)) if v2 else [],
        )
        return playbook, fields

    # -- letters ----------------------------------------------------------
    def letter(self, node: Node, playbook_id: str = "") -> LetterTemplate | None:
        """One letter template: its fields, and every template checked for syntax and
        for fields that do not exist."""
        fields = self.mapping(node, "a letter", LETTER_KEYS, ("id", "title", "body"))
        if fields is None:
            return None
        ident = self.slug(fields.get("id"), "id")
        if ident and ident in self._letter_ids:
            self.problem(fields["id"], f"letter id '{ident}' is used twice in this file")
        self._letter_ids.add(ident)
        parts = {}
        for key in ("to", "subject", "body"):
            value = fields.get(key)
            if value is None:
                parts[key] = Part("", self.path, *where(node))
                continue
            if not isinstance(value, ScalarNode):
                self.problem(value, f"{key} of a letter must be text (a template), not a list "
                                    "or mapping")
                return None
            if key == "body" and not str(value.value).strip():
                self.problem(value, "body of a letter must not be empty")
            parts[key] = part_of(value, self.path)
            if self.check_templates:
                self.problems.extend(check_part(parts[key]))
        needs = self.choice(fields.get("needs_call"), "needs_call", ("yes", "no", "true",
                                                                     "false"), "no")
        line, column = where(node)
        return LetterTemplate(
            id=ident,
            title=self.text(fields.get("title"), "title", required=True),
            to=parts["to"],
            subject=parts["subject"],
            body=parts["body"],
            about=self.text(fields.get("about"), "about"),
            needs_call=needs in ("yes", "true"),
            playbook_id=playbook_id,
            cite=self.cite(fields, node, "a letter", needed=False),
            source_path=self.path,
            line=line,
            column=column,
        )

    def letters_file(self, root: Node | None) -> list[LetterTemplate]:
        """A letters file: ``schema_version: 2`` and ``letters:``, for any organisation."""
        if root is None:
            self.problems.append(PlaybookProblem(self.path, 1, 1, "the file is empty"))
            return []
        fields = self.mapping(root, "a letters file", LETTERS_FILE_KEYS,
                              ("schema_version", "letters"))
        if fields is None:
            return []
        version = self.integer(fields.get("schema_version"), "schema_version", 2, 2,
                               PLAYBOOK_SCHEMA_VERSION)
        self.version = version
        return self.items(fields.get("letters"), "letters", self.letter)

    def capped(self) -> list[PlaybookProblem]:
        """The problems in file order, at most MAX_PROBLEMS (then one line for the rest)."""
        ordered = sorted(self.problems, key=lambda p: (p.line, p.column))
        if len(ordered) <= MAX_PROBLEMS:
            return ordered
        rest = len(ordered) - MAX_PROBLEMS
        return [*ordered[:MAX_PROBLEMS],
                PlaybookProblem(self.path, 0, 0, f"{rest} more problem(s) not shown")]


__all__ = [
    "CITE_KEYS",
    "LETTERS_FILE_KEYS",
    "DEADLINE_KEYS",
    "LINK_KEYS",
    "PHONE_KEYS",
    "SOURCE_KEYS",
    "STEP_KEYS",
    "TEXT_KEYS",
    "TOP_KEYS",
    "Checker",
]
