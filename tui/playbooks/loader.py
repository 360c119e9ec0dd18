"""Load playbooks from YAML with ``yaml.safe_load``.

Values are read as written; problems are collected per file so one bad file
never stops the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 256 * 1024


@dataclass
class PlaybookProblem:
    """Something wrong with a playbook file, as ``path:line:column: message``."""

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
class Playbook:
    id: str
    name: str
    kind: str = "other"
    phones: list[Phone] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    never: list[str] = field(default_factory=list)
    before_you_call: list[str] = field(default_factory=list)
    source_path: Path | None = None

    @property
    def main_number(self) -> str:
        return self.phones[0].number if self.phones else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(item) for item in value]
    return [] if value is None else [_text(value)]


def _from_mapping(data: dict[str, Any], path: Path) -> Playbook:
    phones = [
        Phone(
            label=_text(p.get("label")),
            number=_text(p.get("number")),
            hours=_text(p.get("hours")),
            tty=_text(p.get("tty")),
            menu=_texts(p.get("menu")),
        )
        for p in data.get("phones") or []
        if isinstance(p, dict)
    ]
    steps = [
        Step(title=_text(s.get("title")), say=_text(s.get("say")), tips=_texts(s.get("tips")))
        for s in data.get("steps") or []
        if isinstance(s, dict)
    ]
    return Playbook(
        id=_text(data.get("id")),
        name=_text(data.get("name")),
        kind=_text(data.get("kind") or "other"),
        phones=phones,
        steps=steps,
        never=_texts(data.get("never")),
        before_you_call=_texts(data.get("before_you_call")),
        source_path=path,
    )


def load_file(path: Path) -> tuple[Playbook | None, list[PlaybookProblem]]:
    """One playbook file, or the problems that stop it loading."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [PlaybookProblem(path, 1, 1, f"cannot read: {error.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [PlaybookProblem(path, 1, 1, "file is larger than 256 KB")]
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [PlaybookProblem(path, 1, 1, "not UTF-8 text")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [PlaybookProblem(path, line, column, error.problem or "invalid YAML")]
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        return None, [PlaybookProblem(path, 1, 1, f"invalid YAML: {error}")]
    if not isinstance(data, dict):
        return None, [PlaybookProblem(path, 1, 1, "a playbook must be a mapping of keys")]
    problems = [
        PlaybookProblem(path, 1, 1, f"missing required key '{key}'")
        for key in ("id", "name")
        if not data.get(key)
    ]
    if problems:
        return None, problems
    return _from_mapping(data, path), []


def load_playbooks(
    directories: list[Path],
) -> tuple[dict[str, Playbook], list[PlaybookProblem]]:
    """All playbooks in ``directories``; later directories override earlier ones."""
    playbooks: dict[str, Playbook] = {}
    problems: list[PlaybookProblem] = []
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
            playbook, found = load_file(path)
            problems.extend(found)
            if playbook is not None:
                playbooks[playbook.id] = playbook
    return playbooks, problems
