"""Load every playbook: safe reads, safe YAML, strict schema, overrides, ``extends``.

A bad file never stops the others: its problems are collected (all of them,
each as ``path:line:column: message``, or ``path: message`` where no position
applies) and the file is left out.

Only regular files are read. FIFOs, devices, sockets and folders named
``*.yaml`` are refused without being opened, so nothing can block; a symlink
found in a folder must stay inside that folder. A file is read with
``O_NONBLOCK | O_NOFOLLOW`` after its real path is known, checked again with
``fstat``, and never more than the size limit plus one byte is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tui.paths import shipped_playbooks_dir
from tui.playbooks.letters import LetterTemplate
from tui.playbooks.model import Playbook, PlaybookProblem
from tui.playbooks.schema import Checker
from tui.playbooks.yamlsafe import (
    MAX_BYTES,
    Node,
    ScalarNode,
    SequenceNode,
    YamlProblem,
    compose,
    decode,
)

Directory = Path | tuple[Path, str]

MAX_EXTENDS_DEPTH = 8
"""A playbook may extend at most this many playbooks in a row."""
_CIRCLE = 1 << 30
SUFFIXES = (".yaml", ".yml")

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class FileProblem(Exception):
    """A file that cannot be read as a playbook; no line or column applies."""


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _real(path: Path) -> Path:
    """The path with every symlink resolved, or FileProblem (a loop, a dangling link)."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileProblem("symlink loop: the link leads back to itself") from None
        if error.errno == errno.ENOENT:
            raise FileProblem("no such file (or a symlink to a missing file)") from None
        raise FileProblem(f"cannot read: {error.strerror}") from None


def read_limited(path: Path, folder: Path | None = None, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit + 1`` of them, never blocking.

    ``folder``: the folder the file was found in; a symlink must not lead out
    of it. Raises FileProblem with a message for people.
    """
    real = _real(path)
    if folder is not None:
        base = _real(folder)
        if not real.is_relative_to(base):
            raise FileProblem(f"symlink leads outside the folder (to {real}): copy the file "
                              "into the folder instead")
    try:
        info = os.stat(real)
    except OSError as error:
        raise FileProblem(f"cannot read: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(f"not a regular file ({_kind(info.st_mode)})")
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_BINARY", 0))
    try:
        handle = os.open(real, flags)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO):
            raise FileProblem("the file changed while it was being read: try again") from None
        raise FileProblem(f"cannot read: {error.strerror}") from None
    try:
        opened = os.fstat(handle)
        if not stat.S_ISREG(opened.st_mode):
            raise FileProblem(f"not a regular file ({_kind(opened.st_mode)})")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            try:
                chunk = os.read(handle, min(remaining, 64 * 1024))
            except BlockingIOError:
                raise FileProblem("not a regular file (reading would block)") from None
            except OSError as error:
                raise FileProblem(f"cannot read: {error.strerror}") from None
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def load_file(path: Path, folder: Path | None = None, check_templates: bool = True,
              ) -> tuple[Playbook | None, list[PlaybookProblem], dict[str, Node]]:
    """One file: the playbook (None when it has problems), its problems, its key nodes.

    ``folder``: the folder the file was listed from, if any (symlinks must stay in it).
    """
    try:
        raw = read_limited(path, folder)
    except FileProblem as problem:
        return None, [PlaybookProblem(path, 0, 0, str(problem))], {}
    if len(raw) > MAX_BYTES:
        return None, [PlaybookProblem(path, 0, 0,
                                      f"file is larger than {MAX_BYTES // 1024} KB")], {}
    try:
        root = compose(decode(raw))
    except YamlProblem as problem:
        return None, [PlaybookProblem(path, problem.line, problem.column, problem.message)], {}
    checker = Checker(path, check_templates)
    playbook, nodes = checker.playbook(root)
    if checker.problems:
        return None, checker.capped(), nodes
    return playbook, [], nodes


LETTERS_FOLDER = "letters"
"""Letters for any organisation live in this folder inside a playbooks folder."""


def load_letters_file(path: Path, folder: Path | None = None, check_templates: bool = True,
                      ) -> tuple[list[LetterTemplate], list[PlaybookProblem]]:
    """One letters file: its letters (none when it has problems) and its problems."""
    try:
        raw = read_limited(path, folder)
    except FileProblem as problem:
        return [], [PlaybookProblem(path, 0, 0, str(problem))]
    if len(raw) > MAX_BYTES:
        return [], [PlaybookProblem(path, 0, 0, f"file is larger than {MAX_BYTES // 1024} KB")]
    try:
        root = compose(decode(raw))
    except YamlProblem as problem:
        return [], [PlaybookProblem(path, problem.line, problem.column, problem.message)]
    checker = Checker(path, check_templates)
    letters = checker.letters_file(root)
    if checker.problems:
        return [], checker.capped()
    return letters, []


def load_letters(directories: Sequence[Directory],
                 ) -> tuple[list[LetterTemplate], list[PlaybookProblem]]:
    """Letters for any organisation: every ``letters/*.yaml`` in the playbook folders.
    A later folder's letter overrides an earlier one with the same id."""
    found: dict[str, LetterTemplate] = {}
    problems: list[PlaybookProblem] = []
    for entry in directories:
        directory, origin = entry if isinstance(entry, tuple) else (entry, "shipped")
        folder = directory / LETTERS_FOLDER
        if not folder.is_dir():
            continue
        files, trouble, _is_folder = list_files(folder)
        problems.extend(trouble)
        for path in files:
            letters, found_problems = load_letters_file(path, folder,
                                                        not is_shipped(directory))
            problems.extend(found_problems)
            for letter in letters:
                found[letter.id] = replace(letter, origin=origin)
    return list(found.values()), problems


def is_shipped(directory: Path) -> bool:
    """The playbooks that come with the app: the test suite checks their letters
    (``tests/test_letters.py``), so start-up does not."""
    try:
        return directory.resolve() == shipped_playbooks_dir().resolve()
    except OSError:
        return False


def is_letters_file(path: Path) -> bool:
    """A file inside a ``letters`` folder is read as a letters file, not a playbook."""
    return path.parent.name == LETTERS_FOLDER


def list_files(entry: Path) -> tuple[list[Path], list[PlaybookProblem], bool]:
    """The playbook files an entry stands for, any problem with the entry itself,
    and whether it is a folder.

    A folder gives every ``*.yaml`` and ``*.yml`` directly in it (not hidden
    ones: editors keep lock and backup files there), whatever their type: the
    reader refuses the ones that are not regular files. A regular file gives
    itself. A missing entry gives nothing (a user folder may not exist yet).
    Anything else is a problem: a FIFO or a device is never opened.
    """
    try:
        info = os.stat(entry)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return [], [PlaybookProblem(entry, 0, 0, "symlink loop: the link leads back to "
                                                     "itself")], False
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return [], [], False
        return [], [PlaybookProblem(entry, 0, 0, f"cannot read: {error.strerror}")], False
    if stat.S_ISREG(info.st_mode):
        return [entry], [], False
    if not stat.S_ISDIR(info.st_mode):
        return [], [PlaybookProblem(entry, 0, 0, "not a regular file or folder "
                                                 f"({_kind(info.st_mode)})")], False
    try:
        names = sorted(
            child.name for child in os.scandir(entry)
            if child.name.endswith(SUFFIXES) and not child.name.startswith(".")
        )
    except OSError as error:
        return [], [PlaybookProblem(entry, 0, 0,
                                    f"cannot read the folder: {error.strerror}")], True
    return [entry / name for name in names], [], True


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
    the parent's lists followed by what the child adds. Every fact keeps its own
    sources, so trust labels survive the merge."""
    return replace(
        child,
        phones=child.phones + parent.phones,
        before_you_call=parent.before_you_call + child.before_you_call,
        steps=parent.steps + child.steps,
        never=parent.never + child.never,
        escalate_to=list(dict.fromkeys(parent.escalate_to + child.escalate_to)),
        deadlines=parent.deadlines + child.deadlines,
        sources=parent.sources + child.sources,
        links=parent.links + child.links,
        cannot_help_with=parent.cannot_help_with + child.cannot_help_with,
    )


def _problem_at(playbook: Playbook, node: Node, message: str) -> PlaybookProblem:
    mark = node.start_mark
    return PlaybookProblem(
        playbook.source_path or Path(playbook.id), mark.line + 1, mark.column + 1, message
    )


def _chain_text(chain: list[str], more: bool) -> str:
    return " → ".join([*chain, "…"] if more else chain)


def load_playbooks(
    directories: Sequence[Directory],
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
        files, trouble, is_folder = list_files(directory)
        problems.extend(trouble)
        seen_here: dict[str, Path] = {}
        for path in files:
            playbook, found, nodes = load_file(path, directory if is_folder else None,
                                               not is_shipped(directory))
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

    def current(playbook_id: str) -> Playbook:
        return candidates[playbook_id][-1][0]

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
        # ``extends`` must neither go round in a circle nor run too deep. Depths are
        # worked out once per playbook, iteratively: any length costs linear time.
        depth: dict[str, int] = {}
        in_circle: list[str] = []
        for playbook_id in sorted(candidates):
            trail: list[str] = []
            where: dict[str, int] = {}
            walker = playbook_id
            while walker not in depth:
                if walker in where:
                    circle = trail[where[walker]:]
                    for position, member in enumerate(circle):
                        order = circle[position:] + circle[:position] + [member]
                        _, nodes = candidates[member][-1]
                        problems.append(_problem_at(
                            current(member), nodes["extends"],
                            "extends goes round in a circle: " + " → ".join(order),
                        ))
                        depth[member] = _CIRCLE
                    in_circle.extend(circle)
                    del trail[where[walker]:]
                    break
                where[walker] = len(trail)
                trail.append(walker)
                parent = current(walker).extends
                if not parent or parent not in candidates:
                    depth[trail.pop()] = 0
                    break
                walker = parent
            for member in reversed(trail):
                above = depth[current(member).extends]
                depth[member] = _CIRCLE if above == _CIRCLE else above + 1
        too_deep = sorted(pid for pid, levels in depth.items()
                          if MAX_EXTENDS_DEPTH < levels < _CIRCLE)
        for playbook_id in too_deep:
            shown = [playbook_id]
            while len(shown) <= MAX_EXTENDS_DEPTH + 1 and current(shown[-1]).extends:
                shown.append(current(shown[-1]).extends)
            more = bool(current(shown[-1]).extends)
            _, nodes = candidates[playbook_id][-1]
            problems.append(_problem_at(
                current(playbook_id), nodes["extends"],
                f"extends goes {depth[playbook_id]} playbooks deep, more than "
                f"{MAX_EXTENDS_DEPTH}: {_chain_text(shown, more)} (extend a playbook nearer the "
                "top instead)",
            ))
        for playbook_id in [*in_circle, *too_deep]:
            drop(playbook_id)
            changed = True

    # Every chain is now short and acyclic: merge from the top down, without recursion.
    resolved: dict[str, Playbook] = {}
    for playbook_id in sorted(candidates):
        chain: list[str] = []
        walker = playbook_id
        while walker not in resolved:
            chain.append(walker)
            parent = current(walker).extends
            if not parent:
                break
            walker = parent
        for member in reversed(chain):
            playbook = current(member)
            resolved[member] = (
                merge(resolved[playbook.extends], playbook) if playbook.extends else playbook
            )
    return resolved, problems


@dataclass
class Validation:
    """What ``holdtheline playbooks validate PATH...`` found."""

    problems: list[PlaybookProblem] = field(default_factory=list)
    """Problems of the named paths only, each once."""
    checked: list[Path] = field(default_factory=list)
    """Every file or other path that was checked."""

    @property
    def bad(self) -> set[Path]:
        return {problem.path for problem in self.problems}


def validate_paths(targets: list[Path], directories: Sequence[Directory]) -> Validation:
    """Check ``targets`` (files or folders) together with ``directories``.

    Anything that is not a playbook file is a problem, never a silent pass:
    a FIFO, a device or a socket, a folder with no ``*.yaml``/``*.yml`` file,
    a missing path, a symlink loop.
    """
    report = Validation()
    entries: list[Directory] = []
    mine: set[str] = set()
    for target in targets:
        files, trouble, is_folder = list_files(target)
        letter_files = [path for path in files if is_letters_file(path)]
        if is_folder and (target / LETTERS_FOLDER).is_dir():
            extra, more, _ = list_files(target / LETTERS_FOLDER)
            letter_files += extra
            trouble = trouble + more
        for path in letter_files:
            report.checked.append(path)
            report.problems.extend(load_letters_file(path)[1])
        files = [path for path in files if not is_letters_file(path)]
        if letter_files and not files and not trouble:
            continue
        if not files and not trouble:
            if is_folder:
                trouble = [PlaybookProblem(target, 0, 0, "no playbook files (*.yaml or *.yml) "
                                                         "in this folder")]
            else:
                trouble = [PlaybookProblem(target, 0, 0, "no such file or folder")]
        report.problems.extend(trouble)
        report.checked.extend(files or [target])
        mine.update(os.path.abspath(path) for path in files)
        if files:
            entries.append((target, "validate"))
    _, problems = load_playbooks([*directories, *entries])
    seen: set[tuple[str, int, int, str]] = set()
    for problem in problems:
        key = (os.path.abspath(problem.path), problem.line, problem.column, problem.message)
        if key[0] in mine and key not in seen:
            seen.add(key)
            report.problems.append(problem)
    return report
