"""Exports streamed from the store are the exports made in memory, byte for byte, at a
size where streaming matters (600 calls in 24 cases): the same digests as the exports
before they were streamed (``tests/golden/generated-600.json``), by both roads."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui import __version__
from tui.cli import main
from tui.demo import synthetic
from tui.domain.clock import FrozenClock
from tui.export.spool import SortedSpool, Spool
from tui.service import Service, ServiceError
from tui.service.exports import ExportService
from tui.store import Store
from tui.store.reader import StoreReader

GOLDEN = Path(__file__).parent / "golden" / "generated-600.json"
EXPECTED = json.loads(GOLDEN.read_text("utf-8"))
NOW = datetime.fromisoformat(EXPECTED["now"])


def _digest(text: str) -> str:
    text = text.replace(f'"app_version": "{__version__}"', '"app_version": "<version>"')
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cases, calls = synthetic.history(EXPECTED["calls"], seed=EXPECTED["seed"])
    folder = tmp_path_factory.mktemp("generated") / "data"
    with Store.open(folder, backup=False) as store:
        store.write_many(cases, calls)
    return folder


def _exports() -> list[tuple[str, str, bool, str | None]]:
    found = []
    for fmt in ("md", "csv", "json", "ics"):
        for mask in (False, True):
            for case in (None, EXPECTED["case"]):
                name = f"{fmt}{' masked' if mask else ''}{' one case' if case else ''}"
                found.append((name, fmt, mask, case))
    return found


@pytest.mark.slow
def test_exports_streamed_from_the_store_are_the_same_bytes(generated: Path) -> None:
    streamed = ExportService.for_reading(StoreReader.open(generated), FrozenClock(NOW))
    in_memory = Service(Store.open(generated, read_only=True), {}, [], clock=FrozenClock(NOW),
                        letters=[]).exports
    found = {}
    for name, fmt, mask, case in _exports():
        _cases, chunks, _calls = streamed.stream(fmt, case, mask=mask)
        found[name] = _digest("".join(chunks))
        text, _cases, _listed = in_memory.render(fmt, case, mask=mask)
        assert _digest(text) == found[name], f"{name}: the store's stream and the list differ"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        EXPECTED["digests"].update(found)
        GOLDEN.write_text(json.dumps(EXPECTED, indent=2) + "\n", "utf-8")
    for name, digest in found.items():
        assert digest == EXPECTED["digests"][name], f"{name} differs from before"


@pytest.mark.slow
@pytest.mark.parametrize("args", [["history"], ["history", "--json"],
                                  ["history", "--grep", "supervisor"],
                                  ["history", "--case", "CASE"]], ids=" ".join)
def test_history_is_the_same_bytes(generated: Path, args: list[str],
                                   capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    given = [EXPECTED["case"] if arg == "CASE" else arg for arg in args]
    assert main(["--data-dir", str(generated), *given]) == 0
    out = capsysbinary.readouterr().out
    assert hashlib.sha256(out).hexdigest() == EXPECTED["digests"][" ".join(args)]


def test_export_file_is_written_whole_or_not_at_all(generated: Path, tmp_path: Path) -> None:
    calls = sorted((generated / "calls").glob("*.json"))
    damaged = tmp_path / "data"
    import shutil

    shutil.copytree(generated, damaged)
    # A call file that became unreadable after the folder was opened: the export stops,
    # no partial file is left, and the error is one line.
    exports = ExportService.for_reading(StoreReader.open(damaged), FrozenClock(NOW))
    (damaged / "calls" / calls[len(calls) // 2].name).write_text("{", "utf-8")
    target = tmp_path / "out.md"
    with pytest.raises(ServiceError, match=f"nothing was written: .*{calls[len(calls) // 2].name}"
                       ".* is damaged"):
        exports.write("md", target)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".holdtheline-export-")]


def test_exported_files_are_private(generated: Path, tmp_path: Path) -> None:
    exports = ExportService.for_reading(StoreReader.open(generated), FrozenClock(NOW))
    for fmt in ("md", "csv", "json", "ics"):
        result = exports.write(fmt, tmp_path / f"out.{fmt}")
        assert result.calls == EXPECTED["calls"] and result.cases == 24
        assert (result.path.stat().st_mode & 0o777) == 0o600


# -- the spools ---------------------------------------------------------------------
@pytest.mark.parametrize("limit", [10, 1 << 20], ids=["on disk", "in memory"])
def test_a_spool_gives_back_what_was_written(limit: int) -> None:
    pieces = ["a\r\nb", "\n", "ü" * 40, "line\rend\n", "x" * 200, ""]
    with Spool(limit) as spool:
        for _round in range(2):  # emptied when read, then used again
            for piece in pieces:
                spool.write(piece)
            assert "".join(spool.chunks()) == "".join(pieces)
        spool.write("one\ntwo\n\nthree")
        assert list(spool.lines()) == ["one", "two", "", "three"]


def test_without_a_temporary_folder_the_spools_stay_in_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refused(*_args: object, **_kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    with Spool(10) as spool:
        spool.write("x" * 50)
        spool.write("y\n")
        assert list(spool.lines()) == ["x" * 50 + "y"]
    sorted_spool = SortedSpool(run=2)
    for key in (b"c", b"a", b"b"):
        sorted_spool.add(key, key.decode())
    assert list(sorted_spool.texts()) == ["a", "b", "c"]


@pytest.mark.parametrize("run", [3, 1000])
def test_a_sorted_spool_sorts_like_sorted(run: int) -> None:
    pick = random.Random(4)
    items = [(bytes([pick.randrange(5)]) + pick.choice([b"", b"\x00", b"a"]),
              f"text {n} " + "é" * pick.randrange(3)) for n in range(200)]
    spool = SortedSpool(run=run)
    for key, text in items:
        spool.add(key, text)
    expected = [text for _key, text in sorted(items, key=lambda item: item[0])]  # stable
    assert list(spool.texts()) == expected


def test_bytes_written_to_stdout_are_the_export(generated: Path,
                                                capsysbinary: pytest.CaptureFixture[bytes]
                                                ) -> None:
    assert main(["--data-dir", str(generated), "export", "--format", "csv"]) == 0
    out = capsysbinary.readouterr().out
    text = io.BytesIO(out).read().decode("utf-8")
    assert text.startswith("\ufeffdate,time,case") and text.count("\r\n") == 601


# -- the faster paths give the old text -----------------------------------------------
def _escape_before(text: str, *, starts_block: bool = False) -> str:
    """``markdown._escape`` as it was (a generator per character, every pattern tried)."""
    from tui.export import markdown

    shown = markdown.visible(text, keep_newlines=True)
    escaped = "".join("\\" + ch if ch in markdown._SPECIALS else ch for ch in shown)
    escaped = markdown._ENTITY.sub(r"\\&", escaped)
    escaped = " ".join(part.strip() for part in escaped.splitlines())
    if starts_block:
        escaped = markdown._LINE_START.sub(r"\1\\\2", escaped)
        escaped = markdown._NUMBERED.sub(r"\1\\\2", escaped)
    return escaped


TRICKY = (" \t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\u00a0\u3000#>+=-&;#0123456789\u0663\u00b2"
          "abX.)*_[]<>|~`\\é\x1b\u202e")


@given(st.text(alphabet=TRICKY, max_size=12), st.booleans())
def test_markdown_escaping_is_unchanged(text: str, starts_block: bool) -> None:
    from tui.export.markdown import _escape

    assert _escape(text, starts_block=starts_block) == _escape_before(text,
                                                                      starts_block=starts_block)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@given(_JSON_VALUES)
def test_pretty_json_is_json_dumps(document: object) -> None:
    from tui.export.history import pretty_json

    assert pretty_json(document) == json.dumps(document, ensure_ascii=False, indent=2)
