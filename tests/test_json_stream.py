"""The JSON reader of the import: every member and element of a big object handed over
with its place in the file, a window at a time, whatever the layout; what is wrong named."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.service import json_stream
from tui.service.json_stream import JsonStreamError, object_members

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(document=st.dictionaries(st.text(max_size=6), _JSON | st.lists(_JSON, max_size=5),
                                max_size=5),
       indent=st.sampled_from([None, 0, 2, 4, "\t"]), window=st.sampled_from([3, 17, 4096]))
def test_the_reader_hands_over_every_member_and_element(document: dict, indent: object,
                                                         window: int) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=False)  # type: ignore[arg-type]
    raw = text.encode("utf-8")
    real = json_stream.WINDOW_BYTES
    json_stream.WINDOW_BYTES = window  # refills in the middle of everything
    try:
        pieces = list(object_members(io.BytesIO(raw), limit=len(raw)))
    finally:
        json_stream.WINDOW_BYTES = real
    rebuilt: dict = {}
    for piece in pieces:
        if piece.kind == "array":
            rebuilt[piece.key] = []
            continue
        assert raw[piece.offset:piece.offset + len(piece.text)] == piece.text
        value = json.loads(piece.text)
        if piece.kind == "value":
            rebuilt[piece.key] = value
        else:
            assert piece.index == len(rebuilt[piece.key])
            rebuilt[piece.key].append(value)
    assert rebuilt == document


@pytest.mark.parametrize(("text", "message"), [
    (b"", "the file is empty"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"a": 1, "a": 2}', "appears twice"),
    (b'{"a": [1, 2] x', "expected ',' or '}'"),
    (b'{"a": [1 2]}', "expected ',' or ']'"),
    (b'{"a": 1} {}', "more text after the object"),
    (b'{"a": [{"b": "never closed}]}', "unterminated string"),
    (b'{"a": [' + b"[" * 5000 + b"]" * 5000 + b"]}", "nested too deeply"),
])
def test_the_reader_says_what_is_wrong(text: bytes, message: str) -> None:
    with pytest.raises(JsonStreamError, match=message):
        list(object_members(io.BytesIO(text), limit=1 << 20))


def test_one_value_larger_than_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "WINDOW_BYTES", 64)
    monkeypatch.setattr(json_stream, "MAX_VALUE_BYTES", 4096)
    pieces = object_members(io.BytesIO(b'{"calls": ["' + b"x" * 10_000 + b'"]}'),
                            limit=1 << 20)
    with pytest.raises(JsonStreamError, match="larger than") as raised:
        list(pieces)
    assert raised.value.kind == "size"


def test_elements_laid_out_unlike_the_first_are_found_all_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The first element's closing line is only a guess for the next ones: one on a single
    line, or one with an inner object closing at that indentation, is read the slow way."""
    first = json.dumps({"a": {"b": [1, 2]}, "c": "x"}, indent=2).replace("\n", "\n  ")
    odd = '{"a": {"b": 1,\n  }, "c": 2}'.replace(",\n  }", "\n  }")  # inner } at that indent
    text = ('{"calls": [\n  ' + first + ',\n  {"one": "line"},\n  ' + odd + ',\n  '
            + first + "\n]}").encode()
    monkeypatch.setattr(json_stream, "WINDOW_BYTES", 16)
    guessed: list[bool] = []
    real = json_stream._Window._closed_by

    def closed_by(self: json_stream._Window, closer: bytes) -> int | None:
        end = real(self, closer)
        guessed.append(end is not None)
        return end

    monkeypatch.setattr(json_stream._Window, "_closed_by", closed_by)
    pieces = [p for p in object_members(io.BytesIO(text), limit=1 << 20)
              if p.kind == "element"]
    assert [json.loads(p.text) for p in pieces] == json.loads(text)["calls"]
    assert [text[p.offset:p.offset + len(p.text)] for p in pieces] == [p.text for p in pieces]
    assert guessed == [False, False, True]  # the one-line and odd ones not, the last one so
