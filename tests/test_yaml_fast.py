"""The playbook reader's fast path (libyaml) gives exactly what the careful pure-Python
reader gives: the same nodes at the same places for every good file, and for every bad
one the careful reader's own message (the fast path steps aside)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from tests.test_playbook_hostile import CORPUS
from tui.playbooks import yamlsafe

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")


def careful(text: str) -> Node | None:
    loader = yamlsafe._StrictLoader(text)
    loader._text = text
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def assert_same(a: Node | None, b: Node | None, path: str = "root") -> None:
    if a is None or b is None:
        assert a is b, path
        return
    assert type(a) is type(b) and a.tag == b.tag, path
    for one, other in ((a.start_mark, b.start_mark), (a.end_mark, b.end_mark)):
        assert (one.line, one.column, one.index) == (other.line, other.column, other.index), path
        assert (one.buffer, one.pointer) == (other.buffer, other.pointer), path
    if isinstance(a, ScalarNode):
        assert a.value == b.value and (a.style or None) == (b.style or None), path
    elif isinstance(a, SequenceNode):
        assert len(a.value) == len(b.value), path
        for index, (x, y) in enumerate(zip(a.value, b.value, strict=True)):
            assert_same(x, y, f"{path}[{index}]")
    else:
        assert len(a.value) == len(b.value), path
        for (k1, v1), (k2, v2) in zip(a.value, b.value, strict=True):
            assert_same(k1, k2, path)
            assert_same(v1, v2, f"{path}.{k1.value}")


def _texts() -> dict[str, bytes]:
    found = {str(p.relative_to(ROOT)): p.read_bytes()
             for folder in ("playbooks", "tests/fixtures") for p in (ROOT / folder).rglob("*.yaml")}
    for name, case in CORPUS.items():
        for value in vars(case).values():
            if isinstance(value, str) and "\n" in value:
                found[f"corpus:{name}"] = value.encode("utf-8", "surrogatepass")
                break
    return found


def test_fast_and_careful_readers_agree() -> None:
    fast_used = compared = 0
    for name, raw in _texts().items():
        try:
            text = yamlsafe.decode(raw)
        except yamlsafe.YamlProblem:
            continue
        try:
            expected, expected_problem = careful(text), None
        except Exception:  # noqa: BLE001 - worded by compose() below, compared there
            expected, expected_problem = None, "problem"
        fast = yamlsafe._compose_fast(text)
        if fast is not yamlsafe._SLOW:
            fast_used += 1
            assert expected_problem is None, f"{name}: the fast path accepted a bad file"
            assert_same(expected, fast, name)  # type: ignore[arg-type]
        compared += 1
    assert compared >= 100 and fast_used >= 8  # every shipped playbook takes the fast path


def test_every_broken_rule_steps_aside() -> None:
    for text in ("a: &x 1\nb: *x\n", "a: !!python/object x\n", "a: [" * 40 + "]" * 40,
                 "a: \"\\ud800\"\n", "a: 1\na: 2\n---\nb: 3\n",
                 "- x\n" * (yamlsafe.MAX_NODES + 1)):
        assert yamlsafe._compose_fast(text) is yamlsafe._SLOW, text[:40]
