"""A corpus of bad and hostile playbooks (issue 12 point 6).

Each case either gives a clear ``file:line:column: message`` (or ``file: message``
where no position applies) and is left out, or is valid and loads exactly as
written. Nothing may hang, crash or be wrongly accepted: the dangerous cases
(FIFOs, devices, thousand-deep ``extends`` chains) also run in a subprocess
with a timeout, through the real ``holdtheline playbooks validate``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tui.playbooks import load_file, load_playbooks, validate_paths
from tui.playbooks.loader import MAX_EXTENDS_DEPTH
from tui.playbooks.render import render_text
from tui.playbooks.schema import MAX_PROBLEMS

REPO = Path(__file__).resolve().parents[1]
HEAD = "id: hostile\nname: Hostile\nkind: other\n"
V2 = "schema_version: 2\n" + HEAD
SOURCE = ('sources:\n  - id: page\n    title: A page\n    url: "https://example.org/a/page"\n'
          '    published: "2026-01-05"\n    checked: "2026-11-30"\n    status: ok\n')
LINE_RE = re.compile(r"^(?P<path>[^\n]+?)(?::(?P<line>[1-9]\d*):(?P<col>[1-9]\d*))?: (?P<msg>.+)$")


@dataclass(frozen=True)
class Bad:
    """A file that must be refused: where, and words its message must hold."""

    text: str | bytes
    line: int | None
    words: tuple[str, ...]


@dataclass(frozen=True)
class Good:
    """A file that is valid: it must load, with this field as written."""

    text: str | bytes
    field: str
    value: object


def _bad(text: str | bytes, line: int | None, *words: str) -> Bad:
    return Bad(text, line, words)


CORPUS: dict[str, Bad | Good] = {
    # -- wrong types everywhere --------------------------------------------------------
    "name-is-a-list": _bad("id: h\nname: [a, b]\nkind: other\n", 2, "name must be text"),
    "name-is-a-mapping": _bad("id: h\nname: {a: b}\nkind: other\n", 2, "name must be text"),
    "kind-is-a-list": _bad("id: h\nname: N\nkind: [other]\n", 3, "kind must be text"),
    "phones-is-a-mapping": _bad(HEAD + "phones: {label: a}\n", 4, "phones must be a list"),
    "phone-is-text": _bad(HEAD + "phones: [555]\n", 4, "a phone must be a mapping"),
    "number-is-a-list": _bad(HEAD + "phones:\n  - label: a\n    number: [1, 2]\n", 6,
                             "number must be text"),
    "step-is-a-list": _bad(HEAD + "steps:\n  - [a]\n", 5, "a step must be a mapping"),
    "tips-is-a-mapping": _bad(HEAD + "steps:\n  - title: t\n    tips: {a: b}\n", 6,
                              "tips must be a list"),
    "never-item-mapping-v1": _bad(HEAD + "never:\n  - {text: x}\n", 5,
                                  "must be text", "needs schema_version: 2"),
    "days-negative": _bad(HEAD + "deadlines:\n  - name: d\n    days: -5\n", 6,
                          "days must be a whole number", "'-5'"),
    "days-zero": _bad(HEAD + "deadlines:\n  - name: d\n    days: 0\n", 6,
                      "days must be between 1 and 3660"),
    "days-huge": _bad(HEAD + "deadlines:\n  - name: d\n    days: 99999\n", 6,
                      "days must be between 1 and 3660"),
    "days-float": _bad(HEAD + "deadlines:\n  - name: d\n    days: 1e3\n", 6,
                       "days must be a whole number", "'1e3'"),
    "days-with-words": _bad(HEAD + 'deadlines:\n  - name: d\n    days: "30 days"\n', 6,
                            "days must be a whole number"),
    "escalate-to-text": _bad(HEAD + "escalate_to: somewhere\n", 4, "escalate_to must be a list"),
    "escalate-to-mapping-item": _bad(HEAD + "escalate_to: [{a: b}]\n", 4, "must be text"),
    "escalate-to-itself": _bad("id: h\nname: N\nkind: other\nescalate_to: [h]\n", 4,
                               "escalate_to names this playbook itself"),
    "top-level-text": _bad("hello\n", 1, "must be a mapping"),
    "top-level-list": _bad("- id: h\n", 1, "must be a mapping"),
    "mapping-as-key": _bad(HEAD + "{a: 1}: x\n", 4, "keys must be plain words"),
    "complex-key": _bad(HEAD + "? [a, b]\n: x\n", 4, "keys must be plain words"),
    "schema-version-words": _bad("schema_version: two\n" + HEAD, 1,
                                 "schema_version must be a whole number"),
    "schema-version-zero": _bad("schema_version: 0\n" + HEAD, 1,
                                "schema_version must be between 1"),
    "schema-version-future": _bad("schema_version: 3\n" + HEAD, 1, "schema_version 3 is newer"),
    "extends-a-list": _bad(HEAD + "extends: [a]\n", 4, "extends must be text"),
    "missing-everything": _bad("never: [x]\n", 1, "missing 'id'"),
    "phone-empty-mapping": _bad(HEAD + "phones: [{}]\n", 4, "a phone is missing 'label'"),
    "never-empty-item": _bad(HEAD + 'never: [""]\n', 4, "must not be empty"),
    "duplicate-key": _bad(HEAD + "kind: other\n", 4, "duplicate key 'kind'"),
    "merge-key": _bad(HEAD + "<<: {x: 1}\n", 4, "unknown key '<<'"),
    # -- huge, deep, many ---------------------------------------------------------------
    "over-256-kb": _bad(HEAD + "#" * (300 * 1024) + "\n", None, "larger than 256 KB"),
    "nested-40-deep": _bad(HEAD + "never: " + "[" * 40 + "]" * 40 + "\n", 4,
                           "nested deeper than 32 levels"),
    "6000-values": _bad(HEAD + "never: [" + "a," * 6000 + "]\n", 4, "more than 5,000 values"),
    "120000-values": _bad(HEAD + "never: [" + "a," * 120_000 + "]\n", 4,
                          "more than 5,000 values"),
    # -- aliases, anchors, tags, directives --------------------------------------------
    "alias": _bad(HEAD + "never: [*x]\n", 4, "aliases", "not allowed"),
    "anchor": _bad(HEAD + "never: &x [a]\n", 4, "anchors", "not allowed"),
    "merge-with-alias": _bad(HEAD + "a: &a {x: 1}\n<<: *a\n", 4, "anchors"),
    "python-tag": _bad(HEAD + "never: !!python/object/apply:os.system [ls]\n", 4, "tags like"),
    "binary-tag": _bad(HEAD + "never: !!binary aGk=\n", 4, "tags like"),
    "tag-directive": _bad("%TAG !e! tag:example.com,2000:\n---\n" + HEAD.replace(
        "Hostile", "!e!x Hostile"), 4, "tags like tag:example.com,2000:x"),
    "two-documents": _bad(HEAD + "---\n" + HEAD, 4, "document"),
    # -- control characters, bidi, odd line breaks --------------------------------------
    "raw-nul": _bad("id: h\nname: a\x00b\nkind: other\n", 2, "control character 0x00"),
    "raw-esc": _bad("id: h\nname: a\x1b[2Jb\nkind: other\n", 2, "control character 0x1b"),
    "raw-c1-csi": _bad("id: h\nname: a\x9bb\nkind: other\n", 2, "control character 0x9b"),
    "raw-bidi-override": _bad("id: h\nname: abc\u202edef\nkind: other\n", 2,
                              "bidi control U+202E"),
    "raw-bidi-isolate": _bad(HEAD + "never:\n  - pay \u2066now\u2069\n", 5,
                             "bidi control U+2066"),
    "raw-nel": _bad("id: h\nname: a\x85b\nkind: other\n", 2, "line break U+0085"),
    "raw-line-separator": _bad("id: h\nname: a\u2028b\nkind: other\n", 2, "line break U+2028"),
    # -- surrogates ---------------------------------------------------------------------
    "lone-surrogate-name": _bad('id: h\nname: "x\\uD800y"\nkind: other\n', 2,
                                "lone surrogate U+D800", "UTF-8"),
    "surrogate-pair-escapes": _bad(HEAD + 'never: ["\\uD83D\\uDE00"]\n', 4,
                                   "lone surrogate U+D83D"),
    "low-surrogate-in-tip": _bad(HEAD + 'steps:\n  - title: t\n    tips: ["a\\uDFFF"]\n', 6,
                                 "lone surrogate U+DFFF"),
    "surrogate-in-key": _bad(HEAD + '"k\\uD800": x\n', 4, "lone surrogate"),
    # -- encodings, BOMs, tabs -----------------------------------------------------------
    "double-bom": _bad("\ufeff\ufeff" + HEAD, 1, "byte-order mark"),
    "bom-mid-file": _bad(HEAD + "never: [a]\n\ufeffsteps: []\n", 5, "byte-order mark"),
    "utf16": _bad(HEAD.encode("utf-16"), 1, "not UTF-8"),
    "latin1": _bad("id: h\nname: Caf\xe9\nkind: other\n".encode("latin-1"), 2, "not UTF-8"),
    "encoded-surrogate-bytes": _bad(b"id: h\nname: a\xed\xa0\x80b\nkind: other\n", 2,
                                    "not UTF-8"),
    "tab-indentation": _bad(HEAD + "never:\n\t- x\n", 5, "'\\t'"),
    # -- schema 1 files using schema 2 keys ------------------------------------------------
    "v1-with-links": _bad(HEAD + "links: []\n", 4, "'links'", "needs schema_version: 2"),
    "v1-phone-with-source": _bad(HEAD + "phones:\n  - label: a\n    number: '1'\n"
                                 "    source: x\n", 7, "'source'", "needs schema_version: 2"),
    # -- dates ---------------------------------------------------------------------------
    "v1-date-feb-30": _bad(HEAD + "sources:\n  - title: t\n    date: 2026-02-30\n"
                           "    status: ok\n", 6, "date must be a real date", "'2026-02-30'"),
    "v2-published-feb-30": _bad(V2 + SOURCE.replace('"2026-01-05"', "2026-02-30"), 9,
                                "published must be a date"),
    "v2-published-words": _bad(V2 + SOURCE.replace('"2026-01-05"', "Sept 2015"), 9,
                               "published must be a date", "'Sept 2015'"),
    "v2-checked-month-13": _bad(V2 + SOURCE.replace('"2026-11-30"', "2026-13-01"), 10,
                                "checked must be a real date"),
    "v2-checked-before-published": _bad(V2 + SOURCE.replace('"2026-11-30"', "2025-01-01"), 10,
                                        "checked (2025-01-01) is before published"),
    "v2-source-with-date": _bad(V2 + SOURCE + "    date: 2026-01-01\n", 12,
                                "'date' is not used in schema_version 2", "'published'"),
    # -- schema 2 citations ------------------------------------------------------------------
    "v2-phone-without-source": _bad(V2 + "phones:\n  - label: a\n    number: '1'\n", 6,
                                    "needs 'source: ID'"),
    "v2-unknown-source-id": _bad(V2 + "phones:\n  - label: a\n    number: '1'\n"
                                 "    source: nowhere\n" + SOURCE, 8,
                                 "source 'nowhere' is not the id of a source"),
    "v2-ok-without-source": _bad(V2 + "never:\n  - text: x\n    status: ok\n", 7,
                                 "status 'ok' needs 'source: ID'"),
    "v2-disagree-but-ok": _bad(V2 + "never:\n  - text: x\n    source: page\n    status: ok\n"
                               "    disagree: 30 or 60\n" + SOURCE, 9, "'disagree' means"),
    "v2-javascript-url": _bad(V2 + SOURCE.replace('"https://example.org/a/page"',
                                                  '"javascript:alert(1)"'), 8,
                              "url must be a web address"),
    "v2-url-with-space": _bad(V2 + SOURCE.replace("a/page", "a page"), 8,
                              "url must be a web address"),
    "v2-duplicate-source-id": _bad(V2 + SOURCE + SOURCE.replace("sources:\n", ""), 12,
                                   "source id 'page' is used twice"),
    "v2-bad-source-id": _bad(V2 + SOURCE.replace("id: page", "id: Page One"), 6,
                             "a source id must be lowercase"),
    "v2-unknown-status": _bad(V2 + "never:\n  - text: x\n    status: verified\n", 7,
                              "status must be one of", "'verified'"),
    # -- valid: loads, exactly as written ---------------------------------------------------
    "markup-click": Good("id: h\nname: '[@click=app.quit]x[/]'\nkind: other\n", "name",
                         "[@click=app.quit]x[/]"),
    "markup-link": Good("id: h\nname: '[link=x]y[/link]'\nkind: other\n", "name",
                        "[link=x]y[/link]"),
    "markup-in-never": Good(HEAD + "never: ['[bold red]pay[/] [@click=app.quit]now[/]']\n",
                            "never", ["[bold red]pay[/] [@click=app.quit]now[/]"]),
    "escaped-esc": Good('id: h\nname: "\\e[2Jx"\nkind: other\n', "name", "\x1b[2Jx"),
    "escaped-bidi": Good('id: h\nname: "a\\u202eb"\nkind: other\n', "name", "a\u202eb"),
    "emoji-escape": Good('id: h\nname: "\\U0001F600"\nkind: other\n', "name", "\U0001F600"),
    "leading-bom": Good("\ufeff" + HEAD, "name", "Hostile"),
    "crlf": Good(HEAD.replace("\n", "\r\n") + "never:\r\n  - a b\r\n", "never", ["a b"]),
    "cr-only": Good(HEAD.replace("\n", "\r"), "name", "Hostile"),
    "tab-in-quotes": Good('id: h\nname: "a\\tb"\nkind: other\n', "name", "a\tb"),
    "yaml-directive": Good("%YAML 1.1\n---\n" + HEAD, "name", "Hostile"),
    "empty-lists": Good(HEAD + "phones: []\nsteps:\nnever: []\nescalate_to: []\n", "never", []),
    "number-like": Good(HEAD + "phones:\n  - label: NO\n    number: 0123456\n", "phones.number",
                        "0123456"),
    "huge-string": Good("id: h\nname: " + "x" * 200_000 + "\nkind: other\n", "name",
                        "x" * 200_000),
    "v2-published-about": Good(V2 + "never:\n  - text: x\n    source: page\n"
                               + SOURCE.replace('"2026-01-05"', '"about 2021"'),
                               "sources.published", "about 2021"),
    "v2-unverified-number": Good(V2 + "phones:\n  - label: a\n    number: '1'\n"
                                 "    status: unverified\n", "phones.number", "1"),
}


def _field(playbook: object, name: str) -> object:
    head, _, rest = name.partition(".")
    value = getattr(playbook, head)
    return getattr(value[0], rest) if rest else value


def _write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _check_line(text: str, path: Path) -> re.Match[str]:
    assert "\n" not in text and "Traceback" not in text
    match = LINE_RE.match(text)
    assert match and match["path"] == str(path), text
    return match


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_case(name: str, tmp_path: Path) -> None:
    case = CORPUS[name]
    path = _write(tmp_path / f"{name}.yaml", case.text)
    playbook, problems, _ = load_file(path)
    if isinstance(case, Good):
        assert [str(p) for p in problems] == []
        assert playbook is not None
        assert _field(playbook, case.field) == case.value
        # Text is data: the renderer shows it as written (control characters made visible).
        render_text(playbook)
        return
    assert playbook is None, f"{name} was wrongly accepted"
    assert problems, name
    for problem in problems:
        _check_line(str(problem), path)
    matching = [p for p in problems if all(word in p.message for word in case.words)]
    assert matching, (case.words, [str(p) for p in problems])
    if case.line is None:
        assert matching[0].line == 0 and str(matching[0]).startswith(f"{path}: ")
    else:
        assert matching[0].line == case.line, str(matching[0])


def test_corpus_is_big_enough() -> None:
    bad = [name for name, case in CORPUS.items() if isinstance(case, Bad)]
    assert len(CORPUS) + len(SPECIAL) + 8 >= 100  # + the folder-level and subprocess cases
    assert len(bad) >= 60


def test_markup_is_never_interpreted_by_the_loader_or_renderer(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.yaml", "schema_version: 2\nid: m\nname: '[link=x]y[/link]'\n"
                  "kind: other\nnever:\n  - text: '[@click=app.quit]x[/]'\n    source: page\n"
                  + SOURCE)
    playbook, problems, _ = load_file(path)
    assert problems == [] and playbook is not None
    text = render_text(playbook)
    assert "[link=x]y[/link]" in text and "[@click=app.quit]x[/]" in text


def test_many_problems_are_capped(tmp_path: Path) -> None:
    path = _write(tmp_path / "many.yaml", HEAD + "never: [" + ",".join(["{a: 1}"] * 500) + "]\n")
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert len(problems) == MAX_PROBLEMS + 1
    assert str(problems[-1]) == f"{path}: {500 - MAX_PROBLEMS} more problem(s) not shown"


# -------------------------------------------------------------------------------------
# Special files: refused without opening or blocking
# -------------------------------------------------------------------------------------


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "x.yaml")
    return folder / "x.yaml"


def _zero(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to("/dev/zero")
    return folder / "x.yaml"


def _urandom(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to("/dev/urandom")
    return folder / "x.yaml"


def _loop(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to(folder / "x.yaml")
    return folder / "x.yaml"


def _ping_pong(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to(folder / "y.yml")
    (folder / "y.yml").symlink_to(folder / "x.yaml")
    return folder / "x.yaml"


def _dangling(folder: Path) -> Path:
    (folder / "x.yaml").symlink_to(folder / "nowhere")
    return folder / "x.yaml"


def _folder(folder: Path) -> Path:
    (folder / "x.yaml").mkdir()
    return folder / "x.yaml"


def _outside(folder: Path) -> Path:
    outside = folder.parent / "outside.yaml"
    outside.write_text("id: outside\nname: O\nkind: other\n", encoding="utf-8")
    (folder / "x.yaml").symlink_to(outside)
    return folder / "x.yaml"


def _socket(folder: Path) -> Path:
    # AF_UNIX paths are short: bind in a short temporary folder, then move the socket.
    path = folder / "x.yaml"
    server = socket.socket(socket.AF_UNIX)
    short = Path("/tmp") / f"h2s{os.getpid()}"
    try:
        server.bind(str(short))
        os.replace(short, path)
    finally:
        server.close()
    return path


SPECIAL = {
    "fifo": (_fifo, "not a regular file (a FIFO (named pipe))"),
    "dev-zero": (_zero, "symlink leads outside the folder (to /dev/zero)"),
    "dev-urandom": (_urandom, "symlink leads outside the folder (to /dev/urandom)"),
    "symlink-loop": (_loop, "symlink loop"),
    "symlink-ping-pong": (_ping_pong, "symlink loop"),
    "dangling-symlink": (_dangling, "no such file (or a symlink to a missing file)"),
    "folder-named-yaml": (_folder, "not a regular file (a folder)"),
    "symlink-outside": (_outside, "symlink leads outside the folder"),
    "socket": (_socket, "not a regular file (a socket)"),
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_special_file_in_a_folder(name: str, tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "good.yaml").write_text("id: good\nname: G\nkind: other\n", encoding="utf-8")
    make, words = SPECIAL[name]
    path = make(folder)
    found, problems = load_playbooks([folder])  # returns: a FIFO never blocks the loader
    assert set(found) == {"good"}
    mine = [p for p in problems if p.path == path]
    assert mine and mine == [p for p in problems if p.path.name == "x.yaml"], problems
    assert words in mine[0].message, str(mine[0])
    assert str(mine[0]) == f"{path}: {mine[0].message}"


def test_symlink_to_a_device_named_directly(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    playbook, problems, _ = load_file(link)
    assert playbook is None
    assert [str(p) for p in problems] == [f"{link}: not a regular file (a character device)"]


def test_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "a.yaml").write_text("id: a\nname: A\nkind: other\n", encoding="utf-8")
    (folder / "a.yaml").symlink_to(folder / "real" / "a.yaml")
    found, problems = load_playbooks([folder])
    assert problems == [] and set(found) == {"a"}


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / ".#a.yaml").symlink_to("me@host.1234:5678")  # an Emacs lock file
    (folder / ".a.yaml.swp.yaml").write_text(": broken", encoding="utf-8")
    found, problems = load_playbooks([folder])
    assert found == {} and problems == []


def test_folder_entry_that_is_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    found, problems = load_playbooks([fifo])
    assert found == {}
    assert [str(p) for p in problems] == [
        f"{fifo}: not a regular file or folder (a FIFO (named pipe))"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:  # pragma: no cover - not run as root
    path = _write(tmp_path / "secret.yaml", HEAD)
    path.chmod(0)
    _, problems, _ = load_file(path)
    assert [str(p) for p in problems] == [f"{path}: cannot read: Permission denied"]


def test_size_is_checked_while_reading_not_after(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the limit plus one byte is ever read, whatever the file's size."""
    path = _write(tmp_path / "big.yaml", HEAD + "#" * (2 * 1024 * 1024))
    asked: list[int] = []
    real_read = os.read

    def counting_read(handle: int, size: int) -> bytes:
        data = real_read(handle, size)
        asked.append(len(data))
        return data

    monkeypatch.setattr(os, "read", counting_read)
    _, problems, _ = load_file(path)
    assert "larger than 256 KB" in problems[0].message
    assert sum(asked) == 256 * 1024 + 1


# -------------------------------------------------------------------------------------
# extends: itself, circles, long chains (iterative, with a depth limit)
# -------------------------------------------------------------------------------------


def _chain(folder: Path, length: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(length):
        extends = f"extends: p{number + 1:04d}\n" if number + 1 < length else ""
        (folder / f"p{number:04d}.yaml").write_text(
            f"id: p{number:04d}\nname: P{number}\nkind: other\n{extends}never: [n{number}]\n",
            encoding="utf-8")


def test_extends_chain_within_the_limit_loads(tmp_path: Path) -> None:
    _chain(tmp_path / "pb", MAX_EXTENDS_DEPTH + 1)
    found, problems = load_playbooks([tmp_path / "pb"])
    assert problems == []
    assert found["p0000"].never == [f"n{n}" for n in range(MAX_EXTENDS_DEPTH, -1, -1)]


def test_extends_chain_too_deep_names_the_chain(tmp_path: Path) -> None:
    _chain(tmp_path / "pb", 12)
    found, problems = load_playbooks([tmp_path / "pb"])
    # p0011 is the top; p0003..p0011 are within 8 levels of it.
    assert set(found) == {f"p{n:04d}" for n in range(3, 12)}
    by_file = {p.path.name: str(p) for p in problems}
    assert set(by_file) == {"p0000.yaml", "p0001.yaml", "p0002.yaml"}
    assert by_file["p0002.yaml"].endswith(
        "p0002.yaml:4:10: extends goes 9 playbooks deep, more than 8: p0002 → p0003 → p0004 → "
        "p0005 → p0006 → p0007 → p0008 → p0009 → p0010 → p0011 (extend a playbook nearer the "
        "top instead)")
    assert "p0000 → p0001 →" in by_file["p0000.yaml"] and "→ …" in by_file["p0000.yaml"]


def test_extends_chain_of_1200_has_no_recursion_error(tmp_path: Path) -> None:
    _chain(tmp_path / "pb", 1200)
    found, problems = load_playbooks([tmp_path / "pb"])
    assert len(found) == MAX_EXTENDS_DEPTH + 1
    assert len(problems) == 1200 - MAX_EXTENDS_DEPTH - 1
    assert all("extends goes" in p.message for p in problems)


@pytest.mark.parametrize("size", [1, 3, 40])
def test_extends_circles_of_any_size(size: int, tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    for number in range(size):
        (folder / f"c{number}.yaml").write_text(
            f"id: c{number}\nname: C\nkind: other\nextends: c{(number + 1) % size}\n",
            encoding="utf-8")
    (folder / "ok.yaml").write_text("id: ok\nname: OK\nkind: other\n", encoding="utf-8")
    found, problems = load_playbooks([folder])
    assert set(found) == {"ok"}
    assert len(problems) == size
    assert all("extends goes round in a circle" in p.message for p in problems)


def test_duplicate_ids_across_files_in_one_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    (folder / "a.yaml").write_text("id: same\nname: A\nkind: other\n", encoding="utf-8")
    (folder / "b.yaml").write_text("id: same\nname: B\nkind: other\n", encoding="utf-8")
    found, problems = load_playbooks([folder])
    assert found["same"].name == "A"
    assert [str(p) for p in problems] == [
        f"{folder / 'b.yaml'}:1:5: id 'same' is already used by a.yaml in the same folder"]


# -------------------------------------------------------------------------------------
# holdtheline playbooks validate: never "0 playbook file(s) OK" for something that is
# not a playbook; the dangerous cases in a subprocess with a timeout
# -------------------------------------------------------------------------------------


def _validate(*paths: Path, timeout: float = 30,
              home: Path | None = None) -> subprocess.CompletedProcess[str]:
    home = home or paths[0].parent
    env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"), "HOLDTHELINE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tui", "playbooks", "validate", *map(str, paths)],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env,
    )


def test_validate_fifo_device_socket_and_empty_folder(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a playbook", encoding="utf-8")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    for target, message in (
        (fifo, f"{fifo}: not a regular file or folder (a FIFO (named pipe))"),
        (Path("/dev/zero"), "/dev/zero: not a regular file or folder (a character device)"),
        (Path("/dev/null"), "/dev/null: not a regular file or folder (a character device)"),
        (empty, f"{empty}: no playbook files (*.yaml or *.yml) in this folder"),
        (loop, f"{loop}: symlink loop: the link leads back to itself"),
    ):
        result = _validate(target, home=tmp_path)
        assert result.returncode == 1, (target, result.stdout, result.stderr)
        assert result.stdout.splitlines() == [message]
        assert result.stderr == "1 of 1 file have problems\n"


def test_validate_folder_with_fifo_and_device_link_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    folder.mkdir()
    os.mkfifo(folder / "fifo.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "random.yml").symlink_to("/dev/urandom")
    (folder / "good.yaml").write_text("id: good\nname: G\nkind: other\n", encoding="utf-8")
    result = _validate(folder)
    assert result.returncode == 1
    assert sorted(result.stdout.splitlines()) == sorted([
        f"{folder / 'fifo.yaml'}: not a regular file (a FIFO (named pipe))",
        f"{folder / 'random.yml'}: symlink leads outside the folder (to /dev/urandom): copy the "
        "file into the folder instead",
        f"{folder / 'zero.yaml'}: symlink leads outside the folder (to /dev/zero): copy the file "
        "into the folder instead",
    ])
    assert "3 of 4 files have problems" in result.stderr


def test_validate_fifo_named_directly_in_a_folder_of_playbooks(tmp_path: Path) -> None:
    """The app's own startup path (load_playbooks) with a FIFO, in a subprocess."""
    folder = tmp_path / "pb"
    folder.mkdir()
    os.mkfifo(folder / "x.yaml")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from tui.playbooks import load_playbooks
        found, problems = load_playbooks([Path({str(folder)!r})])
        print(len(found), *problems, sep="\\n")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=30, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "0", f"{folder / 'x.yaml'}: not a regular file (a FIFO (named pipe))"]


def test_validate_chain_of_1200_in_a_subprocess(tmp_path: Path) -> None:
    _chain(tmp_path / "pb", 1200)
    result = _validate(tmp_path / "pb", timeout=60)
    assert result.returncode == 1
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1200 - MAX_EXTENDS_DEPTH - 1
    assert f"{1200 - MAX_EXTENDS_DEPTH - 1} of 1200 files have problems" in result.stderr


def test_validate_report_api(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.yaml", "id: good\nname: G\nkind: other\n")
    report = validate_paths([good, tmp_path / "missing.yaml"], [])
    assert report.checked == [good, tmp_path / "missing.yaml"]
    assert [str(p) for p in report.problems] == [f"{tmp_path / 'missing.yaml'}: no such file "
                                                 "or folder"]
    assert report.bad == {tmp_path / "missing.yaml"}
