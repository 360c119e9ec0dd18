"""Files from outside are read only so much, and what the app creates is private
(issue 12 points 7 and 9)."""

from __future__ import annotations

import io
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.config import save_theme
from tui.crashlog import write_crash_log
from tui.service.base import ServiceError
from tui.service.imports import open_export
from tui.service.json_stream import JsonStreamError, object_members
from tui.store import Store
from tui.store.atomic import EXPORT_TEMP_PREFIX, STALE_EXPORT_SECONDS, write_private_file


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("holdtheline: ") and err.count("\n") == 1, err
    return err


def test_import_of_a_device_is_refused_at_once(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert main(["--data-dir", str(tmp_path / "d"), "import", "/dev/zero"]) == 1
    assert time.monotonic() - started < 2
    assert "/dev/zero: not a regular file" in _one_line_error(capsys)


def test_import_reads_only_up_to_the_limit(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 5000)
    asked: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        real_read = handle.read

        def read(size: int = -1) -> bytes:
            data: bytes = real_read(size)
            asked.append(len(data))
            return data

        handle.read = read
        return handle

    monkeypatch.setattr(Path, "open", counting_open)
    with pytest.raises(ServiceError, match="larger than"):  # refused by its size, unread
        with open_export(big, limit=1000):
            pass
    assert sum(asked) == 0
    with open_export(big, limit=5000) as handle:
        assert handle.read() == b" " * 5000
    # A file that grows while it is read (its size was checked first) is read only up to
    # the limit too.
    with pytest.raises(JsonStreamError, match="larger than"):
        list(object_members(io.BytesIO(b'{"a": [' + b"1, " * 5000 + b"1]}"), limit=1000))


def test_import_of_an_endless_pipe_stops_at_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child writes until the reader goes away
        try:
            with open(fifo, "wb") as out:
                while True:
                    out.write(b"[" * 65536)
        finally:
            os._exit(0)
    try:
        started = time.monotonic()
        with pytest.raises(ServiceError, match="larger than"):
            with open_export(fifo, limit=4 * 1024 * 1024):
                pass
        assert time.monotonic() - started < 5
    finally:
        os.waitpid(pid, 0)


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_import_is_one_line(tmp_path: Path, depth: int,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for inner in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        path = tmp_path / "deep.json"
        path.write_text('{"format":"holdtheline-export","schema_version":2,"cases":'
                        f'[{{"title":{inner}}}],"calls":[]}}', "utf-8")
        assert main(["--data-dir", str(tmp_path / "d"), "import", str(path)]) == 1
        err = _one_line_error(capsys)
        assert "nested too deeply" in err or "a record is wrong" in err, err
        assert "Recursion" not in err


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_folder_the_app_creates_is_0700_under_umask_000(tmp_path: Path,
                                                             umask_zero: None) -> None:
    data = tmp_path / "a" / "b" / "data"
    with Store.open(data):
        pass
    for folder in (tmp_path / "a", tmp_path / "a" / "b", data, data / "calls"):
        assert _mode(folder) == 0o700, folder
    assert all(_mode(p) == 0o600 for p in data.rglob("*") if p.is_file())
    config = tmp_path / "cfg" / "deeper" / "config.toml"
    save_theme(config, "nord")
    assert _mode(config.parent) == _mode(config.parent.parent) == 0o700
    assert _mode(config) == 0o600
    try:
        raise RuntimeError("x")
    except RuntimeError as error:
        log = write_crash_log(error, tmp_path / "state" / "crash-logs")
    assert log is not None and _mode(log) == 0o600
    assert _mode(log.parent) == _mode(log.parent.parent) == 0o700
    out = tmp_path / "exports"
    out.mkdir()
    write_private_file(out / "calls.csv", b"x")
    assert _mode(out / "calls.csv") == 0o600


def test_existing_parent_folders_are_left_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with Store.open(shared / "data"):
        pass
    assert _mode(shared) == 0o755 and _mode(shared / "data") == 0o700


def test_a_failed_export_leaves_no_partial_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_private_file(tmp_path / "dossier.md", b"# everything")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_exports_temp_file_is_swept_by_the_next_export(tmp_path: Path) -> None:
    stale = tmp_path / f"{EXPORT_TEMP_PREFIX}abc123.tmp"
    stale.write_bytes(b"half a dossi")
    old = time.time() - STALE_EXPORT_SECONDS - 5
    os.utime(stale, (old, old))
    running = tmp_path / f"{EXPORT_TEMP_PREFIX}def456.tmp"  # another export, writing now
    running.write_bytes(b"")
    mine = tmp_path / "notes.tmp"  # not ours: never touched
    mine.write_bytes(b"keep")
    write_private_file(tmp_path / "calls.json", json.dumps([]).encode())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["calls.json", running.name, "notes.tmp"])


def test_the_import_limit_takes_a_50000_call_export(tmp_path: Path) -> None:
    """The size limit stops devices and pipes, not a real history: a 50,000-call export
    (about 210 MB with the demo's calls) is well inside it."""
    from tui.cli import main as cli_main
    from tui.service.imports import MAX_IMPORT_BYTES

    data, out = tmp_path / "data", tmp_path / "export.json"
    assert cli_main(["demo", "--calls", "40", "--into", str(data)]) == 0
    assert cli_main(["--data-dir", str(data), "export", "--format", "json", "-o", str(out)]) == 0
    calls = len(json.loads(out.read_text("utf-8"))["calls"])
    per_call = out.stat().st_size / calls
    assert 50_000 * per_call * 2 < MAX_IMPORT_BYTES, per_call


def test_a_file_name_with_a_line_break_is_not_taken_for_a_call(tmp_path: Path) -> None:
    """The call files are found with one search over every name joined by line breaks;
    a name holding one (``junk\\ncall-….json``) must not pass for a call file."""
    data = tmp_path / "d"
    store = Store.open(data)
    store.close()
    calls = data / "calls"
    (calls / "junk\ncall-ffffffffffff.json").write_text("{}", "utf-8")
    (calls / "call-ffffffffffff.json.tmp").write_text("{}", "utf-8")
    store = Store.open(data, read_only=True)
    try:
        assert store.call_summaries() == []
        assert not store.has_call("call-ffffffffffff")
        assert [p for p in store.problems if p.kind in ("damaged", "missing")] == []
    finally:
        store.close()
