"""What crosses into the app from disk or an import is checked before it is used:
ids before they name a file, every field's type, links between records."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.domain.timefmt import to_iso
from tui.export.json_export import export_document
from tui.store import Store


def _story(data_dir: Path) -> dict:  # type: ignore[type-arg]
    """A store with one case and one call; returns its JSON export."""
    clock = FrozenClock()
    with Store.open(data_dir) as store:
        case = Case.create("Coverage restricted", to_iso(clock.now()))
        store.save_case(case)
        live = LiveCall.start(clock, case.id, "Massachusetts Health Connector")
        live.current_rep.first_name = "Dana"
        live.add_note("hello")
        call = live.end("resolved")
        store.save_call(call, index=True)
        assert store.flush()
        return export_document([case], [call], to_iso(clock.now()))


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("bad_id", ["../../PWNED", "/tmp/PWNED-abs", "../index", "calls/x",
                                    "call-../../etc", "CALL-0123456789AB", "", "call-0123"])
def test_import_refuses_ids_that_could_name_other_files(tmp_path: Path, bad_id: str,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    source = tmp_path / "source"
    document = _story(source)
    document["calls"][0]["id"] = bad_id
    export = tmp_path / "export.json"
    export.write_text(json.dumps(document), "utf-8")
    target = tmp_path / "target"
    before = _files(tmp_path)
    assert main(["--data-dir", str(target), "import", str(export)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "field calls[0].id" in err and "nothing was imported" in err
    created = _files(tmp_path) - before
    # Only the (empty) store itself may appear: no call file anywhere, no PWNED.
    assert all(name.startswith("target") for name in created)
    assert not list((target / "calls").glob("*.json"))
    assert not Path("/tmp/PWNED-abs.json").exists()
    assert not any("PWNED" in name for name in _files(tmp_path.parent))


def test_import_checks_everything_first_and_changes_nothing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    document = _story(tmp_path / "source")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document), "utf-8")
    target = tmp_path / "target"
    cases = [dict(document["cases"][0], id=f"case-00000000000{n}", title=f"Case {n}")
             for n in range(3)]
    calls = [dict(document["calls"][0], id=f"call-00000000000{n}", case_id=cases[n]["id"])
             for n in range(3)]
    calls[2]["reps"] = 5  # the last record is wrong: nothing at all may be written
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(document, cases=cases, calls=calls)), "utf-8")
    assert main(["--data-dir", str(target), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "field calls[2].reps: expected array, got int" in err
    assert main(["--data-dir", str(target), "history"]) == 0
    assert "no calls" in capsys.readouterr().err
    # Duplicate ids and calls of a case not in the file are refused the same way.
    twice = dict(document, calls=document["calls"] * 2)
    bad.write_text(json.dumps(twice), "utf-8")
    assert main(["--data-dir", str(target), "import", str(bad)]) == 1
    assert "appears more than once" in capsys.readouterr().err
    orphan = dict(document, cases=[])
    bad.write_text(json.dumps(orphan), "utf-8")
    assert main(["--data-dir", str(target), "import", str(bad)]) == 1
    assert "not in the file" in capsys.readouterr().err
    assert main(["--data-dir", str(target), "import", str(good)]) == 0
    assert "added 1 case and 1 call" in capsys.readouterr().out
    assert main(["--data-dir", str(target), "import", str(good)]) == 0
    assert "added 0 cases and 0 calls; 2 already here" in capsys.readouterr().out


@pytest.mark.parametrize(("field", "value", "message"), [
    ("reps", 5, "field reps: expected array, got int"),
    ("duration_seconds", "long", "field duration_seconds: expected float, got str"),
    ("notes", [{"text": 1, "elapsed": 0, "at": ""}], "field notes[0].text"),
    ("outcome", "exploded", "field outcome"),
    ("case_id", "../index", "field case_id"),
])
def test_a_wrongly_typed_call_file_is_refused_in_one_line(
        tmp_path: Path, field: str, value: object, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    document = _story(data)
    (path,) = (data / "calls").glob("*.json")
    stored = json.loads(path.read_text("utf-8"))
    stored["call"]["1"][field] = value
    raw = json.dumps(stored).encode("utf-8")
    path.write_bytes(raw)
    for command in (["history"], ["export", "--format", "md"]):
        assert main(["--data-dir", str(data), *command]) == 1
        err = capsys.readouterr().err
        assert err.startswith("holdtheline: the data file ") and err.count("\n") == 1
        assert str(path) in err and message in err
    assert path.read_bytes() == raw  # kept exactly as it was
    assert document["calls"][0]["id"] == path.stem


def test_a_wrongly_typed_index_row_is_refused(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _story(data)
    (index,) = (data / "cases").iterdir()
    stored = json.loads(index.read_text("utf-8"))
    stored["case"]["1"]["payments"] = [{"id": "../x", "date": "d", "amount": "1"}]
    index.write_text(json.dumps(stored), "utf-8")
    assert main(["--data-dir", str(data), "history"]) == 1
    err = capsys.readouterr().err
    assert index.name in err and "field payments[0].id" in err


def test_call_files_not_named_by_an_id_are_ignored(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _story(data)
    (data / "calls" / "notes for me.json").write_text("{}", "utf-8")
    shutil.rmtree(data / "index")
    with Store.open(data) as store:
        assert len(store.call_summaries()) == 1


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("holdtheline")
    env = dict(os.environ, TERM="xterm-256color")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=60,
                          env=env, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.mark.parametrize("args", [[], ["call", "--case", "X", "--playbook", "health-insurer"],
                                  ["demo"]])
def test_without_a_terminal_the_app_says_so_and_exits_2(tmp_path: Path,
                                                        args: list[str]) -> None:
    done = _run(["--data-dir", str(tmp_path / "d"), *args], stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "\x1b" not in done.stderr and done.stderr.count("\n") == 1
    assert "needs a terminal" in done.stderr and "holdtheline export" in done.stderr


def test_printing_commands_work_in_pipes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _story(data)
    history = _run(["--data-dir", str(data), "history"], stdin=subprocess.DEVNULL)
    assert history.returncode == 0 and "Massachusetts Health Connector" in history.stdout
    export = _run(["--data-dir", str(data), "export", "--format", "csv"],
                  stdin=subprocess.DEVNULL)
    assert export.returncode == 0 and "Dana" in export.stdout
    listed = _run(["playbooks", "list"], stdin=subprocess.DEVNULL)
    assert listed.returncode == 0 and "ma-health-connector" in listed.stdout
    assert "\x1b" not in history.stdout + export.stdout + listed.stdout
