"""The playbook loader: safe YAML (RELIABILITY.md §4, S1–S5), strict schema, overrides, extends.

The tests at the end of this file pin loader bugs found while writing them (crashes on
control characters and odd digits, overrides, extends cycles, dates); all are fixed.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from tui.playbooks import (
    FACT_STATUSES,
    PLAYBOOK_SCHEMA_VERSION,
    SOURCE_STATUSES,
    load_file,
    load_playbooks,
)
from tui.playbooks import loader as loader_module
from tui.playbooks.schema import (
    DEADLINE_KEYS,
    LINK_KEYS,
    PHONE_KEYS,
    SOURCE_KEYS,
    STEP_KEYS,
    TEXT_KEYS,
    TOP_KEYS,
)
from tui.playbooks.yamlsafe import MAX_BYTES, MappingNode, SequenceNode, compose

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "playbooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "playbooks"
BAD = FIXTURES / "bad"
GOOD = FIXTURES / "good"
GOOD_IDS = {"acme-insurer", "acme-regional", "tricky-values"}
SHIPPED_IDS = {
    "health-insurer",
    "ma-division-of-insurance",
    "ma-governor-constituent-services",
    "ma-health-connector",
    "ma-office-of-patient-protection",
    "medical-billing-dispute",
    "neighborhood-health-plan",
    "utility-billing-dispute",
}

# file -> (line of the problem, words its message must contain)
BAD_EXPECTED: dict[str, tuple[int, list[str]]] = {
    "not_yaml.yaml": (4, ["mapping values are not allowed"]),
    "unknown_key.yaml": (5, ["unknown key 'phone'", "did you mean 'phones'?"]),
    "misspelled_nested_key.yaml": (7, ["unknown key 'lable'", "did you mean 'label'?"]),
    "duplicate_key.yaml": (5, ["duplicate key 'name'"]),
    "missing_name.yaml": (2, ["missing 'name'"]),
    "bad_kind.yaml": (4, ["kind must be one of", "'hospital'"]),
    "bad_slug_id.yaml": (2, ["id must be lowercase", "'Bad_Slug ID'"]),
    "alias.yaml": (6, ["aliases", "not allowed", "copy the text"]),
    "anchor.yaml": (3, ["anchors", "not allowed", "copy the text"]),
    "python_tag.yaml": (5, ["tags", "python/object/apply:os.system", "not allowed"]),
    "custom_tag.yaml": (3, ["tags", "!upper", "not allowed"]),
    "bad_source_status.yaml": (9, ["status must be one of", "'verified'"]),
    "bad_source_date.yaml": (8, ["date must be a real date like", "'05/01/2026'"]),
    "days_not_number.yaml": (7, ["days must be a whole number", "'thirty'"]),
    "list_expected.yaml": (5, ["never must be a list"]),
    "mapping_expected.yaml": (5, ["a step must be a mapping"]),
    "unknown_extends.yaml": (5, ["extends names 'no-such-playbook'", "not a known playbook"]),
    "unknown_escalate_to.yaml": (7, ["escalate_to names 'no-such-office'", "not a known playbook"]),
    "not_utf8.yaml": (3, ["not UTF-8"]),
    "empty.yaml": (1, ["the file is empty"]),
    "top_level_list.yaml": (2, ["must be a mapping"]),
    "too_deep.yaml": (3, ["nested deeper than 32 levels"]),
    "two_documents.yaml": (5, ["another document"]),
    "newer_schema.yaml": (2, ["schema_version 3 is newer"]),
    "empty_name.yaml": (3, ["name must not be empty"]),
}


def problem_re(path: Path) -> re.Pattern[str]:
    """``path:line:column: message`` for this exact path."""
    return re.compile(rf"^{re.escape(str(path))}:([1-9]\d*):([1-9]\d*): (.+)$", re.DOTALL)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def minimal(playbook_id: str, extra: str = "", name: str = "") -> str:
    return f"id: {playbook_id}\nname: {name or playbook_id.upper()}\nkind: other\n{extra}"


def dir_with(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, text in files.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------
# The bad corpus: one problem kind per file, reported at its line, the others still load
# ---------------------------------------------------------------------------------------


def test_every_bad_fixture_has_an_expectation() -> None:
    on_disk = {path.name for path in BAD.iterdir() if path.is_file()}
    assert on_disk == set(BAD_EXPECTED)
    assert (BAD / "empty.yaml").read_bytes() == b""
    raw = (BAD / "not_utf8.yaml").read_bytes()
    assert b"Caf\xe9" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("file_name", sorted(BAD_EXPECTED))
def test_bad_fixture_is_reported_and_left_out(file_name: str, tmp_path: Path) -> None:
    folder = tmp_path / "playbooks"
    shutil.copytree(GOOD, folder)
    bad = folder / file_name
    shutil.copyfile(BAD / file_name, bad)

    found, problems = load_playbooks([folder])

    # The good files in the same folder still load, unchanged and with no problem.
    assert set(found) == GOOD_IDS
    assert all(pb.source_path is not None and pb.source_path.parent == folder
               and pb.source_path != bad for pb in found.values())
    mine = [p for p in problems if p.path == bad]
    assert mine, f"no problem reported for {file_name}"
    assert mine == problems, [str(p) for p in problems if p.path != bad]

    pattern = problem_re(bad)
    for problem in mine:
        text = str(problem)
        match = pattern.match(text)
        assert match, text
        assert (int(match[1]), int(match[2])) == (problem.line, problem.column)

    line, words = BAD_EXPECTED[file_name]
    matching = [p for p in mine if all(word in p.message for word in words)]
    assert matching, f"{file_name}: no message with {words}: {[str(p) for p in mine]}"
    assert matching[0].line == line, str(matching[0])


def test_whole_bad_corpus_next_to_good_files(tmp_path: Path) -> None:
    found, problems = load_playbooks([GOOD, BAD])
    assert set(found) == GOOD_IDS
    assert {p.path.name for p in problems} == set(BAD_EXPECTED)
    assert not [p for p in problems if p.path.parent != BAD]


def test_load_file_reports_without_loading() -> None:
    playbook, problems, _ = load_file(BAD / "bad_kind.yaml")
    assert playbook is None
    assert [str(p) for p in problems] == [
        f"{BAD / 'bad_kind.yaml'}:4:7: kind must be one of: exchange, insurer, government, "
        "billing, other (not 'hospital')"
    ]


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    playbook, problems, _ = load_file(tmp_path / "missing.yaml")
    assert playbook is None
    # No line or column applies: ``path: message``.
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'missing.yaml'}: no such file (or a symlink to a missing file)"]


def test_three_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "three.yaml", """
        id: three-problems
        name: Three problems
        kind: hospital
        phone: []
        sources:
          - title: A page
            date: "2026-01-05"
            status: verified
        """)
    playbook, problems, _ = load_file(path)
    assert playbook is None
    got = sorted((p.line, p.message) for p in problems)
    assert len(got) == 3, [str(p) for p in problems]
    assert got[0][0] == 3 and "kind must be one of" in got[0][1]
    assert got[1][0] == 4 and "unknown key 'phone'" in got[1][1] and "'phones'" in got[1][1]
    assert got[2][0] == 8 and "status must be one of" in got[2][1]
    assert all(str(p).startswith(f"{path}:{p.line}:{p.column}: ") for p in problems)


def test_unknown_key_without_near_miss_has_no_hint(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yaml", minimal("x", "zzzzzz: 1\n"))
    _, problems, _ = load_file(path)
    assert [p.message for p in problems] == ["unknown key 'zzzzzz' in the playbook"]


# ---------------------------------------------------------------------------------------
# S4: values stay the strings that were written
# ---------------------------------------------------------------------------------------

S4_VALUES = [
    "0123456", "00012345", "02134", "12:30:45", "NO", "1_000", "08", "2024-02-30",
    "on", "Off", "yes", "y", "n", "true", "False", "null", "~", "0x1F", "0o17", "0b101",
    "1e3", ".inf", "-.inf", ".NaN", "+1", "1.0", "190:20:30", "2001-12-14t21:59:43.10-05:00",
]


@pytest.mark.parametrize("raw", S4_VALUES)
def test_plain_values_stay_exactly_as_written(raw: str, tmp_path: Path) -> None:
    path = write(tmp_path / "s4.yaml", f"""
        id: s4
        name: {raw}
        kind: other
        phones:
          - label: {raw}
            number: {raw}
            hours: {raw}
            tty: {raw}
            menu:
              - {raw}
        before_you_call:
          - {raw}
        steps:
          - title: {raw}
            say: {raw}
            tips:
              - {raw}
        never:
          - {raw}
        deadlines:
          - name: {raw}
            days: 30
            from: {raw}
            source: {raw}
        sources:
          - title: {raw}
            url: {raw}
            date: "2026-01-05"
            status: ok
        """)
    playbook, problems, _ = load_file(path)
    assert problems == [] and playbook is not None
    phone, step, deadline, source = (
        playbook.phones[0], playbook.steps[0], playbook.deadlines[0], playbook.sources[0])
    values = [
        playbook.name, phone.label, phone.number, phone.hours, phone.tty, *phone.menu,
        *playbook.before_you_call, step.title, step.say, *step.tips, *playbook.never,
        deadline.name, deadline.from_, deadline.source, source.title, source.url,
    ]
    assert len(values) == 16
    assert values == [raw] * 16
    assert all(type(value) is str for value in values)


def test_good_fixture_with_tricky_values() -> None:
    found, problems = load_playbooks([GOOD])
    assert problems == []
    tricky = found["tricky-values"]
    assert tricky.name == "0123456"
    phone = tricky.phones[0]
    assert (phone.label, phone.number, phone.hours, phone.tty) == (
        "NO", "0123456", "12:30:45", "00012345")
    assert phone.menu == ["NO", "on", "1_000", "08", "0x1F", "1e3", ".inf", "~", "null", "yes",
                          "Off", "2024-02-30"]
    assert tricky.before_you_call == ["02134", "2024-02-30"]
    assert (tricky.steps[0].title, tricky.steps[0].say, tricky.steps[0].tips) == (
        "12:30:45", "true", ["1_000", "on"])
    assert tricky.never == ["NO"]
    deadline = tricky.deadlines[0]
    assert (deadline.name, deadline.days, deadline.from_, deadline.source) == (
        "2024-02-30", 7, "2024-02-30", "null")
    assert (tricky.sources[0].title, tricky.sources[0].url) == ("00012345", "~")


def test_plain_scalars_round_trip_property(tmp_path: Path) -> None:
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.configuration import set_hypothesis_home_dir

    # Hypothesis caches under ./.hypothesis by default: keep the checkout clean.
    set_hypothesis_home_dir(tmp_path / ".hypothesis")

    words = st.sampled_from([
        "yes", "no", "Yes", "NO", "on", "Off", "y", "n", "true", "False", "null", "Null", "~",
        "nan", ".inf", "0x1F", "0o17", "1e3", "1_000", "0123", "00012345", "08",
    ])
    digits = st.text(alphabet="0123456789", min_size=1, max_size=8)
    token = st.one_of(words, digits)
    separator = st.sampled_from([":", "_", "-", ".", " ", ""])
    scalars = st.builds(
        lambda first, rest: first + "".join(sep + tok for sep, tok in rest),
        token, st.lists(st.tuples(separator, token), max_size=6),
    )
    path = tmp_path / "property.yaml"

    @settings(max_examples=300, deadline=None, database=None)
    @given(scalars)
    def round_trip(value: str) -> None:
        path.write_text(f"id: prop\nname: {value}\nkind: other\n"
                        f"phones:\n  - label: x\n    number: {value}\n", encoding="utf-8")
        playbook, problems, _ = load_file(path)
        assert problems == [], [str(p) for p in problems]
        assert playbook is not None
        assert playbook.name == value
        assert playbook.phones[0].number == value

    try:
        round_trip()
    finally:
        set_hypothesis_home_dir(None)


# ---------------------------------------------------------------------------------------
# S2, S3, size, tags: refused quickly, with file:line:column, nothing executed
# ---------------------------------------------------------------------------------------


def test_alias_bomb_is_rejected_early_and_small(tmp_path: Path) -> None:
    # Refused at the first anchor (4:5), before any alias is expanded: the peak
    # memory shows nothing was expanded (the time it takes is no unit test's business).
    lines = ["id: bomb", "name: Bomb", "kind: other",
             'l0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        lines.append(f"l{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    tracemalloc.start()
    try:
        playbook, problems, _ = load_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert playbook is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:4:5: anchors (&name) are not allowed")
    assert "copy the text" in problems[0].message
    assert peak < 20 * 1024 * 1024, peak  # refused before anything was expanded


DEEP_SCRIPT = """
import sys
from pathlib import Path
from tui.playbooks import load_file
depth, shape, path = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
opening, closing = ("[", "]") if shape == "list" else ("{a: ", "}")
path.write_text("id: deep\\nname: " + opening * depth + closing * depth + "\\nkind: other\\n",
                encoding="utf-8")
playbook, problems, _ = load_file(path)
assert playbook is None
for problem in problems:
    print(problem)
"""


@pytest.mark.parametrize(("depth", "shape"), [
    (500, "list"), (5_000, "list"), (30_000, "list"), (100_000, "list"),
    (500, "mapping"), (30_000, "mapping"),
])
def test_deep_nesting_is_one_problem_in_a_subprocess(depth: int, shape: str,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    result = subprocess.run(
        [sys.executable, "-c", DEEP_SCRIPT, str(depth), shape, str(path)],
        capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:2:")
    assert lines[0].endswith("nested deeper than 32 levels")


def test_ten_megabyte_file_is_refused_by_size(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(minimal("huge").encode() + b"# padding\n" * (1024 * 1024))
    assert path.stat().st_size > 10 * 1024 * 1024

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file over the size limit was parsed")

    monkeypatch.setattr(loader_module, "compose", no_parsing)  # refused before parsing
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert [str(p) for p in problems] == [f"{path}: file is larger than 256 KB"]


def test_size_limit_boundary(tmp_path: Path) -> None:
    head = minimal("edge").encode()
    path = tmp_path / "edge.yaml"
    path.write_bytes(head + b"#" * (MAX_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == MAX_BYTES
    playbook, problems, _ = load_file(path)
    assert problems == [] and playbook is not None and playbook.id == "edge"
    path.write_bytes(head + b"#" * (MAX_BYTES - len(head)) + b"\n")
    playbook, problems, _ = load_file(path)
    assert playbook is None and "larger than 256 KB" in problems[0].message


def test_python_tag_is_refused_and_nothing_runs(tmp_path: Path,
                                                capfd: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "executed"
    path = write(tmp_path / "evil.yaml", f"""
        id: evil
        name: Evil
        kind: other
        steps: !!python/object/apply:os.system ["echo hi; touch {marker}"]
        """)
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:4:8: tags like ")
    assert "python/object/apply:os.system" in problems[0].message
    assert not marker.exists()
    out, err = capfd.readouterr()
    assert "hi" not in out and "hi" not in err


@pytest.mark.parametrize("tagged", [
    "!!python/object/new:os.system [echo hi]",
    "!!python/name:os.system",
    "!!python/object:builtins.dict {}",
    "!!binary aGk=",
    "!!int 12",
    "!!timestamp 2024-01-01",
    "!!set {a, b}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> [echo hi]",
    "!custom value",
])
def test_other_tags_are_refused(tagged: str, tmp_path: Path) -> None:
    path = write(tmp_path / "tag.yaml", minimal("tag") + f"never: {tagged}\n")
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:4:8: tags like ")


def test_s1_no_unsafe_yaml_loading_in_the_app() -> None:
    forbidden = re.compile(
        r"yaml\.load\(|full_load|unsafe_load|FullLoader|UnsafeLoader|Loader=yaml\.Loader|CLoader"
    )
    sources = sorted((REPO / "tui").rglob("*.py"))
    assert len(sources) > 10
    hits = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if forbidden.search(line)
    ]
    assert hits == []


# ---------------------------------------------------------------------------------------
# Overrides, extends and cycles
# ---------------------------------------------------------------------------------------


def test_user_overrides_shipped_and_cli_overrides_both(tmp_path: Path) -> None:
    user = dir_with(tmp_path, "user", {
        "mine.yaml": minimal("ma-health-connector", name="User version"),
    })
    cli = dir_with(tmp_path, "cli", {
        "ma-health-connector.yaml": minimal("ma-health-connector", name="CLI version"),
    })

    found, problems = load_playbooks([(SHIPPED, "shipped"), (user, "user")])
    assert problems == []
    assert found["ma-health-connector"].name == "User version"
    assert found["ma-health-connector"].origin == "user"
    assert found["ma-health-connector"].source_path == user / "mine.yaml"
    assert found["health-insurer"].origin == "shipped"
    assert set(found) == SHIPPED_IDS

    found, problems = load_playbooks([(SHIPPED, "shipped"), (user, "user"), (cli, "--playbooks")])
    assert problems == []
    assert found["ma-health-connector"].name == "CLI version"
    assert found["ma-health-connector"].origin == "--playbooks"
    assert set(found) == SHIPPED_IDS


def test_plain_path_directories_count_as_shipped(tmp_path: Path) -> None:
    found, _ = load_playbooks([GOOD, tmp_path / "does-not-exist"])
    assert {pb.origin for pb in found.values()} == {"shipped"}


def test_bad_override_keeps_the_good_shipped_playbook(tmp_path: Path) -> None:
    user = dir_with(tmp_path, "user", {
        "ma-health-connector.yaml": minimal("ma-health-connector", "phone: []\n"),
    })
    found, problems = load_playbooks([(SHIPPED, "shipped"), (user, "user")])
    assert set(found) == SHIPPED_IDS
    assert found["ma-health-connector"].origin == "shipped"
    assert found["ma-health-connector"].name == "Massachusetts Health Connector"
    assert [p.path for p in problems] == [user / "ma-health-connector.yaml"]


def test_children_extend_the_overriding_parent(tmp_path: Path) -> None:
    user = dir_with(tmp_path, "user", {
        "health-insurer.yaml": minimal("health-insurer", "never:\n  - Mine first\n"),
    })
    found, problems = load_playbooks([(SHIPPED, "shipped"), (user, "user")])
    assert problems == []
    nhp = found["neighborhood-health-plan"]
    assert nhp.never[0] == "Mine first"
    assert nhp.steps[0].title == "Say it's a Health Connector plan and get them on your side"


def test_extends_merge_rules() -> None:
    found, problems = load_playbooks([GOOD])
    assert problems == []
    parent, child = found["acme-insurer"], found["acme-regional"]
    assert child.extends == "acme-insurer"
    assert (child.id, child.name, child.kind) == (
        "acme-regional", "Acme Regional Plan (fictional)", "insurer")
    assert [p.number for p in child.phones] == ["1-555-010-0002", "1-555-010-0001"]
    assert child.main_number == "1-555-010-0002"
    assert [s.title for s in child.steps] == [
        "Take the rep's name and ID", "Ask for a reference number", "Ask for the regional office"]
    assert child.never == ["Hang up without a reference number",
                           "Accept 'call the head office' without a name"]
    assert child.before_you_call == ["Your Acme member ID", "Your regional plan letter"]
    assert child.escalate_to == ["tricky-values"]
    assert [d.name for d in child.deadlines] == ["Internal appeal"]
    assert [s.status for s in child.sources] == ["ok", "stale"]
    # The parent is not changed by its child.
    assert [p.number for p in parent.phones] == ["1-555-010-0001"]
    assert len(parent.steps) == 2


def test_extends_chain_and_escalate_to_without_repeats(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "never: [from a]\nescalate_to: [d]\n"),
        "b.yaml": minimal("b", "extends: a\nnever: [from b]\nescalate_to: [d, e]\n"),
        "c.yaml": minimal("c", "extends: b\nnever: [from c]\nescalate_to: [e]\n"),
        "d.yaml": minimal("d"),
        "e.yaml": minimal("e"),
    })
    found, problems = load_playbooks([folder])
    assert problems == []
    assert found["c"].never == ["from a", "from b", "from c"]
    assert found["c"].escalate_to == ["d", "e"]


def test_extends_cycle_leaves_out_both_and_keeps_the_others(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "extends: b\n"),
        "b.yaml": minimal("b", "extends: a\n"),
        "c.yaml": minimal("c"),
        "self.yaml": minimal("self", "extends: self\n"),
    })
    found, problems = load_playbooks([folder])
    assert set(found) == {"c"}
    assert sorted(p.path.name for p in problems) == ["a.yaml", "b.yaml", "self.yaml"]
    for problem in problems:
        assert "extends goes round in a circle" in problem.message
        assert str(problem).startswith(f"{problem.path}:4:10: ")


def test_reference_to_a_left_out_playbook_cascades(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "escalate_to: [b]\n"),
        "b.yaml": minimal("b", "kind2: x\n"),
        "c.yaml": minimal("c"),
    })
    found, problems = load_playbooks([folder])
    assert set(found) == {"c"}
    assert sorted(p.path.name for p in problems) == ["a.yaml", "b.yaml"]


# ---------------------------------------------------------------------------------------
# The shipped playbooks
# ---------------------------------------------------------------------------------------

SHIPPED_FILES = sorted(SHIPPED.glob("*.yaml"))


def test_shipped_playbooks_all_load_without_problems() -> None:
    assert {path.stem for path in SHIPPED_FILES} == SHIPPED_IDS
    found, problems = load_playbooks([(SHIPPED, "shipped")])
    assert [str(p) for p in problems] == []
    assert set(found) == SHIPPED_IDS
    assert all(pb.origin == "shipped" for pb in found.values())


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.stem)
def test_shipped_playbook_file(path: Path) -> None:
    playbook, problems, _ = load_file(path)
    assert problems == [] and playbook is not None
    assert playbook.id == path.stem
    text = path.read_text(encoding="utf-8")
    for phone in playbook.phones:
        for key, value in (("number", phone.number), ("tty", phone.tty)):
            if value:
                # Plain (``tty: "711"``) or cited (``tty:`` then ``text: "711"``).
                written = (rf'^\s*{key}:\s*(?:\n\s*text:\s*)?'
                           rf'(?:"{re.escape(value)}"|{re.escape(value)})\s*$')
                assert re.search(written, text, re.MULTILINE), (key, value)
    assert playbook.sources, "every shipped playbook names its sources"
    assert playbook.schema_version == 2
    for source in playbook.sources:
        assert source.id and source.published, source.title
        if source.published != "unknown":
            assert re.fullmatch(r"(about )?\d{4}(-\d{2}(-\d{2})?)?", source.published)
        if source.checked:
            dt.date.fromisoformat(source.checked)
        assert source.status in SOURCE_STATUSES


def test_health_connector_flags_the_unverified_number() -> None:
    playbook, problems, _ = load_file(SHIPPED / "ma-health-connector.yaml")
    assert problems == [] and playbook is not None
    urgent = [phone for phone in playbook.phones if phone.number == "844-558-3454"]
    assert len(urgent) == 1
    assert "reported by a user, unverified" in urgent[0].label
    # Not right under the official number, and with a warning about bank details.
    assert playbook.phones[-1] is urgent[0]
    assert "Never give bank details" in urgent[0].label
    trust = playbook.trust(urgent[0], dt.date(2026, 11, 30))
    assert (trust.status, trust.label, trust.flagged) == ("unverified", "unverified", True)
    statuses = {source.status for source in playbook.sources}
    assert statuses - {"ok"}, "some facts must be flagged"
    assert {"weak", "stale", "secondary"} <= statuses


def test_neighborhood_health_plan_extends_health_insurer() -> None:
    found, problems = load_playbooks([(SHIPPED, "shipped")])
    assert problems == []
    nhp, parent = found["neighborhood-health-plan"], found["health-insurer"]
    assert nhp.extends == "health-insurer"
    assert nhp.steps[: len(parent.steps)] == parent.steps
    assert len(nhp.steps) > len(parent.steps)
    assert nhp.never[: len(parent.never)] == parent.never
    own, _, _ = load_file(SHIPPED / "neighborhood-health-plan.yaml")
    assert own is not None
    assert nhp.phones[: len(own.phones)] == own.phones


# ---------------------------------------------------------------------------------------
# docs/playbooks.md
# ---------------------------------------------------------------------------------------

DOCS = REPO / "docs" / "playbooks.md"


def _keys(node: object) -> set[str]:
    assert isinstance(node, MappingNode)
    return {str(key.value) for key, _ in node.value}


def test_docs_example_loads_and_uses_every_field(tmp_path: Path) -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```$", DOCS.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1
    example = blocks[0]
    folder = tmp_path / "docs-example"
    folder.mkdir()
    path = folder / "example.yaml"
    path.write_text(example, encoding="utf-8")

    playbook, problems, _ = load_file(path)
    assert [str(p) for p in problems] == []
    assert playbook is not None
    found, problems = load_playbooks([(SHIPPED, "shipped"), (folder, "user")])
    assert [str(p) for p in problems] == []
    assert found[playbook.id].origin == "user"

    root = compose(example)
    assert _keys(root) == set(TOP_KEYS)
    assert isinstance(root, MappingNode)
    fields = {str(key.value): value for key, value in root.value}
    for name, allowed in (("phones", PHONE_KEYS), ("steps", STEP_KEYS),
                          ("deadlines", DEADLINE_KEYS), ("sources", SOURCE_KEYS),
                          ("links", LINK_KEYS)):
        items = fields[name]
        assert isinstance(items, SequenceNode)
        assert set().union(*(_keys(item) for item in items.value)) == set(allowed), name
    # Cited text (a mapping with ``text``) shows every key somewhere in the example.
    cited: list[MappingNode] = []
    pending: list[object] = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, MappingNode):
            if "text" in _keys(node):
                cited.append(node)
            pending.extend(value for _, value in node.value)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
    assert set().union(*(_keys(node) for node in cited)) == set(TEXT_KEYS)
    assert playbook.schema_version == PLAYBOOK_SCHEMA_VERSION == 2


def test_docs_name_every_field_and_status() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in (*TOP_KEYS, *PHONE_KEYS, *STEP_KEYS, *DEADLINE_KEYS, *SOURCE_KEYS,
                 *LINK_KEYS, *TEXT_KEYS, *FACT_STATUSES, "date"):
        assert f"`{name}`" in text, name
    for command in ("holdtheline playbooks validate", "holdtheline playbooks list",
                    "holdtheline playbooks show", "--playbooks DIR",
                    "~/.config/holdtheline/playbooks/", "path:line:column: message"):
        assert command in text, command


# ---------------------------------------------------------------------------------------
# Loader bugs found while writing these tests (now fixed; kept as regression tests)
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"], ids=["NUL", "BEL", "ESC"])
def test_raw_control_character_is_a_problem_not_a_crash(char: str, tmp_path: Path) -> None:
    folder = tmp_path / "pb"
    shutil.copytree(GOOD, folder)
    path = folder / "control.yaml"
    path.write_text(minimal("control") + f"never:\n  - ok\n  - a{char}b\n", encoding="utf-8")
    found, problems = load_playbooks([folder])
    assert set(found) == GOOD_IDS
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{path}:6:6: ")


@pytest.mark.parametrize("extra", [
    "deadlines:\n  - name: d\n    days: \u00b2\n",
    "deadlines:\n  - name: d\n    days: " + "9" * 5000 + "\n",
    "schema_version: \u00b3\n",
], ids=["superscript-days", "5000-digit-days", "superscript-schema-version"])
def test_odd_digits_are_a_problem_not_a_crash(extra: str, tmp_path: Path) -> None:
    path = write(tmp_path / "digits.yaml", minimal("digits", extra))
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert len(problems) == 1 and problems[0].line in (4, 6)


@pytest.mark.parametrize("extra", [
    "",
    "escalate_to: [\"acme\\n\"]\n",
], ids=["id", "escalate_to"])
def test_slug_with_trailing_newline_is_refused(extra: str, tmp_path: Path) -> None:
    text = 'id: "newline\\n"\n' if not extra else "id: newline\n"
    path = write(tmp_path / "slug.yaml", text + "name: N\nkind: other\n" + extra)
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert len(problems) == 1


def test_override_with_bad_reference_keeps_the_shipped_playbook(tmp_path: Path) -> None:
    user = dir_with(tmp_path, "user", {
        "ma-health-connector.yaml": minimal("ma-health-connector", "extends: no-such-playbook\n"),
    })
    found, problems = load_playbooks([(SHIPPED, "shipped"), (user, "user")])
    assert set(found) == SHIPPED_IDS  # today ma-health-connector and, by cascade, NHP are gone
    assert found["ma-health-connector"].origin == "shipped"
    assert [p.path for p in problems] == [user / "ma-health-connector.yaml"]


def test_cycle_message_names_the_playbooks_in_the_circle(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "extends: b\n"),
        "b.yaml": minimal("b", "extends: a\n"),
    })
    _, problems = load_playbooks([folder])
    by_file = {p.path.name: p.message for p in problems}
    assert by_file["a.yaml"].endswith("a → b → a")
    assert by_file["b.yaml"].endswith("b → a → b")


def test_extending_into_a_cycle_is_reported_once_per_file(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "extends: b\n"),
        "b.yaml": minimal("b", "extends: c\n"),
        "c.yaml": minimal("c", "extends: b\n"),
        "z.yaml": minimal("z"),
    })
    found, problems = load_playbooks([folder])
    assert set(found) == {"z"}
    assert sorted(p.path.name for p in problems) == ["a.yaml", "b.yaml", "c.yaml"]


def test_escalate_to_a_playbook_dropped_by_a_cycle(tmp_path: Path) -> None:
    folder = dir_with(tmp_path, "pb", {
        "a.yaml": minimal("a", "extends: b\n"),
        "b.yaml": minimal("b", "extends: a\n"),
        "e.yaml": minimal("e", "escalate_to: [a]\n"),
    })
    found, problems = load_playbooks([folder])
    assert all(target in found for pb in found.values() for target in pb.escalate_to)
    assert "e.yaml" in {p.path.name for p in problems}


@pytest.mark.parametrize("date", ["2024-13-45", "2024-02-30",
                                  "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661"],
                         ids=["month-13", "feb-30", "arabic-indic-digits"])
def test_source_date_must_be_a_real_date(date: str, tmp_path: Path) -> None:
    path = write(tmp_path / "date.yaml", minimal("date") + (
        f"sources:\n  - title: t\n    date: \"{date}\"\n    status: ok\n"))
    playbook, problems, _ = load_file(path)
    assert playbook is None
    assert [p.line for p in problems] == [6]


def test_two_documents_message_explains_itself() -> None:
    _, problems, _ = load_file(BAD / "two_documents.yaml")
    assert "document" in problems[0].message
    assert not problems[0].message.startswith("but ")
