"""Load every playbook: safe YAML, strict schema, overrides, ``extends``.

A bad file never stops the others: its problems are collected (all of them,
each as ``path:line:column: message``) and the file is left out.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui.playbooks.model import Playbook, PlaybookProblem
from tui.playbooks.schema import Checker
from tui.playbooks.yamlsafe import Node, ScalarNode, SequenceNode, YamlProblem, compose, decode

Directory = Path | tuple[Path, str]


def load_file(path: Path) -> tuple[Playbook | None, list[PlaybookProblem], dict[str, Node]]:
    """One file: the playbook (None when it has problems), its problems, its key nodes."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [PlaybookProblem(path, 1, 1, f"cannot read: {error.strerror}")], {}
    try:
        root = compose(decode(raw))
    except YamlProblem as problem:
        return None, [PlaybookProblem(path, problem.line, problem.column, problem.message)], {}
    checker = Checker(path)
    playbook, nodes = checker.playbook(root)
    if checker.problems:
        ordered = sorted(checker.problems, key=lambda p: (p.line, p.column))
        return None, ordered, nodes
    return playbook, [], nodes


def _references(nodes: dict[str, Node]) -> list[tuple[str, Node, str]]:
    """(what, node, id) for every id this playbook names."""
    found: list[tuple[str, Node, str]] = []
    extends = nodes.get("extends")
    if isinstance(extends, ScalarNode):
        found.append(("extends", extends, str(extends.value)))
    escalate = nodes.get("escalate_to")
    if isinstance(escalate, SequenceNode):
        for item in escalate.value:
            if isinstance(item, ScalarNode):
                found.append(("escalate_to", item, str(item.value)))
    return found


def merge(parent: Playbook, child: Playbook) -> Playbook:
    """``child`` reusing ``parent``: the child's numbers first, then the parent's;
    the parent's lists followed by what the child adds."""
    return replace(
        child,
        phones=child.phones + parent.phones,
        before_you_call=parent.before_you_call + child.before_you_call,
        steps=parent.steps + child.steps,
        never=parent.never + child.never,
        escalate_to=list(dict.fromkeys(parent.escalate_to + child.escalate_to)),
        deadlines=parent.deadlines + child.deadlines,
        sources=parent.sources + child.sources,
    )


def load_playbooks(
    directories: list[Directory],
) -> tuple[dict[str, Playbook], list[PlaybookProblem]]:
    """All playbooks; later directories override earlier ones with the same id.

    Each entry is a directory (or a single file), or ``(path, origin)`` where
    origin names it for people (``shipped``, ``user``, ``--playbooks``).
    """
    raw: dict[str, tuple[Playbook, dict[str, Node]]] = {}
    problems: list[PlaybookProblem] = []
    for entry in directories:
        directory, origin = entry if isinstance(entry, tuple) else (entry, "shipped")
        if directory.is_file():
            files = [directory]
        elif directory.is_dir():
            files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        else:
            continue
        for path in files:
            playbook, found, nodes = load_file(path)
            problems.extend(found)
            if playbook is not None:
                raw[playbook.id] = (replace(playbook, origin=origin), nodes)

    # Names of other playbooks must exist; a file with a bad reference is left out.
    changed = True
    while changed:
        changed = False
        for playbook_id, (playbook, nodes) in list(raw.items()):
            bad = [(what, node, ref) for what, node, ref in _references(nodes) if ref not in raw]
            for what, node, ref in bad:
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
                problems.append(PlaybookProblem(
                    playbook.source_path or Path(playbook_id), line, column,
                    f"{what} names '{ref}', which is not a known playbook",
                ))
            if bad:
                del raw[playbook_id]
                changed = True

    resolved: dict[str, Playbook] = {}

    def resolve(playbook_id: str, chain: tuple[str, ...]) -> Playbook | None:
        if playbook_id in resolved:
            return resolved[playbook_id]
        playbook, nodes = raw[playbook_id]
        if not playbook.extends:
            resolved[playbook_id] = playbook
            return playbook
        if playbook.extends in chain:
            node = nodes["extends"]
            problems.append(PlaybookProblem(
                playbook.source_path or Path(playbook_id),
                node.start_mark.line + 1, node.start_mark.column + 1,
                "extends goes round in a circle: " + " → ".join((*chain, playbook.extends)),
            ))
            return None
        parent = resolve(playbook.extends, (*chain, playbook_id))
        if parent is None:
            return None
        merged = merge(parent, playbook)
        resolved[playbook_id] = merged
        return merged

    for playbook_id in sorted(raw):
        resolve(playbook_id, (playbook_id,))
    return resolved, problems
