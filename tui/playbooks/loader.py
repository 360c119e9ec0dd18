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


def _problem_at(playbook: Playbook, node: Node, message: str) -> PlaybookProblem:
    mark = node.start_mark
    return PlaybookProblem(
        playbook.source_path or Path(playbook.id), mark.line + 1, mark.column + 1, message
    )


def load_playbooks(
    directories: list[Directory],
) -> tuple[dict[str, Playbook], list[PlaybookProblem]]:
    """All playbooks; later directories override earlier ones with the same id.

    Each entry is a directory (or a single file), or ``(path, origin)`` where
    origin names it for people (``shipped``, ``user``, ``--playbooks``). An
    override that turns out bad gives way to the playbook it overrode.
    """
    # For each id, every good file that defines it, lowest precedence first.
    candidates: dict[str, list[tuple[Playbook, dict[str, Node]]]] = {}
    problems: list[PlaybookProblem] = []
    for entry in directories:
        directory, origin = entry if isinstance(entry, tuple) else (entry, "shipped")
        if directory.is_file():
            files = [directory]
        elif directory.is_dir():
            files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        else:
            continue
        seen_here: dict[str, Path] = {}
        for path in files:
            playbook, found, nodes = load_file(path)
            problems.extend(found)
            if playbook is None:
                continue
            if playbook.id in seen_here:
                problems.append(_problem_at(
                    playbook, nodes["id"],
                    f"id '{playbook.id}' is already used by {seen_here[playbook.id].name} "
                    "in the same folder",
                ))
                continue
            seen_here[playbook.id] = path
            candidates.setdefault(playbook.id, []).append((replace(playbook, origin=origin), nodes))
    ever_loaded = set(candidates)

    def drop(playbook_id: str) -> None:
        """Leave out the current file for this id; an overridden one comes back."""
        candidates[playbook_id].pop()
        if not candidates[playbook_id]:
            del candidates[playbook_id]

    changed = True
    while changed:
        changed = False
        # Every id named must be a playbook that is still in.
        for playbook_id in sorted(candidates):
            playbook, nodes = candidates[playbook_id][-1]
            bad = [(what, node, ref) for what, node, ref in _references(nodes)
                   if ref not in candidates]
            for what, node, ref in bad:
                why = "could not be loaded" if ref in ever_loaded else "is not a known playbook"
                problems.append(_problem_at(playbook, node, f"{what} names '{ref}', which {why}"))
            if bad:
                drop(playbook_id)
                changed = True
        if changed:
            continue
        # ``extends`` must not go round in a circle.
        for playbook_id in sorted(candidates):
            chain = [playbook_id]
            current = candidates[playbook_id][-1][0]
            while current.extends and current.extends in candidates:
                if current.extends in chain:
                    circle = chain[chain.index(current.extends):]
                    for position, member in enumerate(circle):
                        order = circle[position:] + circle[:position] + [member]
                        playbook, nodes = candidates[member][-1]
                        problems.append(_problem_at(
                            playbook, nodes["extends"],
                            "extends goes round in a circle: " + " → ".join(order),
                        ))
                    for member in circle:
                        drop(member)
                    changed = True
                    break
                chain.append(current.extends)
                current = candidates[current.extends][-1][0]
            if changed:
                break

    resolved: dict[str, Playbook] = {}

    def resolve(playbook_id: str) -> Playbook:
        if playbook_id not in resolved:
            playbook = candidates[playbook_id][-1][0]
            resolved[playbook_id] = (
                merge(resolve(playbook.extends), playbook) if playbook.extends else playbook
            )
        return resolved[playbook_id]

    for playbook_id in sorted(candidates):
        resolve(playbook_id)
    return resolved, problems
