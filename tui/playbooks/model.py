"""Playbook records: what the side panel shows. Plain data, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("exchange", "insurer", "government", "billing", "other")
SOURCE_STATUSES = ("ok", "secondary", "weak", "stale", "conflict")
PLAYBOOK_SCHEMA_VERSION = 1


@dataclass
class PlaybookProblem:
    """Something wrong with a playbook file, shown as ``path:line:column: message``."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass
class Phone:
    label: str
    number: str
    hours: str = ""
    tty: str = ""
    menu: list[str] = field(default_factory=list)


@dataclass
class Step:
    title: str
    say: str = ""
    tips: list[str] = field(default_factory=list)


@dataclass
class Deadline:
    name: str
    days: int
    from_: str = ""
    source: str = ""


@dataclass
class Source:
    title: str
    url: str = ""
    date: str = ""
    status: str = "ok"


@dataclass
class Playbook:
    id: str
    name: str
    kind: str = "other"
    phones: list[Phone] = field(default_factory=list)
    before_you_call: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    escalate_to: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    extends: str = ""
    schema_version: int = PLAYBOOK_SCHEMA_VERSION
    source_path: Path | None = None
    origin: str = "shipped"
    """Where it came from: ``shipped``, ``user`` or ``--playbooks``."""

    @property
    def main_number(self) -> str:
        return self.phones[0].number if self.phones else ""
