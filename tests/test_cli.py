"""The command line: one-line errors, exports, versions; never a traceback."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui import __version__
from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import SCHEMA_VERSION, Case
from tui.store import Store


def seed(data_dir: Path) -> None:
    clock = FrozenClock()
    with Store.open(data_dir) as store:
        case = Case.create("Coverage restricted", "2026-11-24T14:00:00+00:00")
        store.save_case(case)
        live = LiveCall.start(clock, case.id, "Massachusetts Health Connector",
                              number="1-877-623-6765")
        live.current_rep.first_name = "Dana"
        live.current_rep.rep_id = "4471"
        clock.advance(60)
        live.enter_line("[bold]paid[/bold] on 11/01 *really*")
        live.toggle_hold()
        clock.advance(600)
        live.toggle_hold()
        live.enter_line("ref: 88213")
        live.enter_line("promise: will call back in 3 days")
        live.next_rep()
        live.current_rep.first_name = "Lee"
        live.current_rep.id_refused = True
        live.current_rep.role = "supervisor"
        live.end("callback promised", "Billing will review")
        store.save_call(live.call, index=True)


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True,
                          text=True, timeout=60, **kwargs)  # type: ignore[call-overload]


def test_version_and_help() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"holdtheline {__version__}"
    result = run("--help")
    assert result.returncode == 0
    for word in ("call", "export", "--data-dir"):
        assert word in result.stdout
    assert run("export", "--help").returncode == 0


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["export"], ["export", "--format", "docx"], ["frobnicate"],
     ["call", "--playbook"]],
)
def test_bad_arguments_give_one_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "d"), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("holdtheline") and ": error:" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_playbook_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data-dir", str(tmp_path / "d"), "call", "--case", "x", "--playbook", "nope"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "no playbook with id 'nope'" in err
    assert "ma-health-connector" in err


def test_blank_case_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--data-dir", str(tmp_path / "d"), "call", "--case", "  ",
                 "--playbook", "ma-health-connector"])
    assert code == 1 and "--case needs a title" in capsys.readouterr().err


def test_damaged_store_is_refused_and_kept(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    seed(data_dir)
    (index,) = (data_dir / "cases").iterdir()  # a case's only copy
    index.write_bytes(b'{"case": {"1": ')
    for args in (["export", "--format", "json"], ["history"]):
        result = run("--data-dir", str(data_dir), *args)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert index.name in result.stderr and "restore" in result.stderr
        assert "Traceback" not in result.stderr
    assert index.read_bytes() == b'{"case": {"1": '


def test_second_window_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    with Store.open(data_dir):
        result = run("--data-dir", str(data_dir))
    assert result.returncode == 1
    assert "another Hold the Line window" in result.stderr and result.stderr.count("\n") == 1


def test_export_json_is_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "d"
    seed(data_dir)
    monkeypatch.setenv("HOLDTHELINE_HOME", str(data_dir))
    result = run("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == "holdtheline-export" and doc["schema_version"] == SCHEMA_VERSION
    (case,) = doc["cases"]
    (call,) = doc["calls"]
    assert case["title"] == "Coverage restricted" and call["case_id"] == case["id"]
    assert call["notes"][0]["text"] == "[bold]paid[/bold] on 11/01 *really*"
    assert [r["first_name"] for r in call["reps"]] == ["Dana", "Lee"]
    assert call["reps"][1]["id_refused"] is True
    assert call["references"][0]["number"] == "88213"
    assert call["promises"][0]["due"] == "2026-11-27"
    assert call["hold_segments"][0]["end_elapsed"] == 660
    assert call["started_at"] == "2026-11-24T14:05:00+00:00"
    for document in (case, call):
        assert document["schema_version"] == SCHEMA_VERSION


def test_export_markdown_log(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    seed(data_dir)
    result = run("--data-dir", str(data_dir), "export", "--format", "md")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    expected = [
        "## Coverage restricted",
        "#### 1. 2026-11-24 14:05 +00:00 — Massachusetts Health Connector",
        "- Length: 11m 00s, ended 14:16; on hold 10m 00s (1 hold); talking 1m 00s",
        "- Outcome: callback promised",
        "- Summary: Billing will review",
        "  1. Dana — ID 4471, agent (on the line from 00:00:00)",
        "  2. Lee — **refused to give ID**, supervisor (on the line from 00:11:00)",
        "  - `00:01:00 · 14:06:00` \\[bold\\]paid\\[/bold\\] on 11/01 \\*really\\*",
        "- Reference numbers: 88213 (at 00:11:00)",
    ]
    for line in expected:
        assert line in text.splitlines(), line
    # Kept, broken or pending depends on today's date: only the start is fixed.
    assert any(line.startswith("  - will call back in 3 days — due 2026-11-27: ")
               for line in text.splitlines())


def test_export_to_file_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    seed(data_dir)
    target = tmp_path / "out.md"
    result = run("--data-dir", str(data_dir), "export", "--format", "md", "-o", str(target))
    assert result.returncode == 0
    assert "Wrote 1 call in 1 case" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Dana #4471" in target.read_text("utf-8")
    bad = run("--data-dir", str(data_dir), "export", "--format", "md", "-o",
              str(tmp_path / "missing" / "x.md"))
    assert bad.returncode == 1 and "does not exist" in bad.stderr


def test_export_one_case(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    seed(data_dir)
    result = run("--data-dir", str(data_dir), "export", "--format", "json", "--case",
                 "coverage RESTRICTED")
    assert len(json.loads(result.stdout)["calls"]) == 1
    missing = run("--data-dir", str(data_dir), "export", "--format", "json", "--case", "nope")
    assert missing.returncode == 1 and "no case called 'nope'" in missing.stderr


def test_empty_export(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "never-created"), "export", "--format", "md")
    assert result.returncode == 0 and "No cases yet." in result.stdout
    assert not (tmp_path / "never-created").exists()


SHIPPED = [
    "health-insurer", "ma-division-of-insurance", "ma-governor-constituent-services",
    "ma-health-connector", "ma-office-of-patient-protection", "medical-billing-dispute",
    "neighborhood-health-plan", "utility-billing-dispute",
]


def test_playbooks_list(tmp_path: Path) -> None:
    result = run("playbooks", "list")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == SHIPPED
    assert all(row[-1] == "shipped" for row in rows)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "hc.yaml").write_text(
        "id: ma-health-connector\nname: My Connector notes\nkind: exchange\n"
        "phones: [{label: Direct line, number: 0123456, menu: [NO, '1']}]\n"
    )
    (mine / "bad.yaml").write_text("id: bad\nname: Bad\nkind: exchange\nsteps: [oops]\n")
    result = run("--playbooks", str(mine), "playbooks", "list")
    assert result.returncode == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("ma-health-connector"))
    assert "My Connector notes" in line and line.endswith("--playbooks")
    assert "bad.yaml" in result.stderr and "could not be loaded" in result.stderr
    shown = run("--playbooks", str(mine), "playbooks", "show", "ma-health-connector")
    assert "0123456  Direct line" in shown.stdout
    assert "Menu: NO › 1" in shown.stdout


def test_playbooks_show_is_complete_and_literal() -> None:
    result = run("playbooks", "show", "ma-health-connector")
    assert result.returncode == 0
    text = result.stdout
    for expected in ("Massachusetts Health Connector  (ma-health-connector, exchange)",
                     "1-877-623-6765", "844-558-3454", "reported by a user, unverified",
                     "Never agree to", "✗ Pay 'the difference'", "Steps", "Say: “",
                     "Deadlines", "35 days", "Check the date on your notice",
                     "Sources", "[conflict]", "Escalate to"):
        assert expected in text, expected
    missing = run("playbooks", "show", "nope")
    assert missing.returncode == 1 and "no playbook with id 'nope'" in missing.stderr


def test_playbooks_validate(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    good = run("playbooks", "validate", str(root / "playbooks"))
    assert good.returncode == 0, good.stdout
    assert "8 playbook files OK" in good.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\nname: X\nkind: nope\nphone: []\nextends: nowhere\n")
    result = run("playbooks", "validate", str(bad), str(root / "playbooks" / "health-insurer.yaml"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"{bad}:1:5: id must be lowercase letters, digits and dashes (not 'Bad Id')",
        f"{bad}:3:7: kind must be one of: exchange, insurer, government, billing, other "
        "(not 'nope')",
        f"{bad}:4:1: unknown key 'phone' in the playbook (did you mean 'phones'?)",
    ]
    assert "1 of 2 files have problems" in result.stderr
    missing = run("playbooks", "validate", str(tmp_path / "none.yaml"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr
    dangling = tmp_path / "dangling.yaml"
    dangling.write_text("id: dangling\nname: D\nkind: other\nescalate_to: [nowhere]\n")
    result = run("playbooks", "validate", str(dangling))
    assert result.returncode == 1
    assert f"{dangling}:4:15: escalate_to names 'nowhere'" in result.stdout


def test_json_export_is_streamed_and_the_same(tmp_path: Path) -> None:
    """The full JSON export is written a call at a time (a history of any size in little
    memory): the same text as made whole, and a call file found damaged half-way leaves
    no file and no temp file, with one line saying which file."""
    from tui.export.json_export import export_json
    from tui.service import Service

    data_dir = tmp_path / "d"
    seed(data_dir)
    with Store.open(data_dir) as store:
        store.save_call(LiveCall.start(FrozenClock(), store.list_cases()[0].id, "Second").call,
                        index=True)
    target = tmp_path / "all.json"
    result = run("--data-dir", str(data_dir), "export", "--format", "json", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 calls in 1 case" in result.stderr
    with Store.open(data_dir, read_only=True) as store:
        cases, calls = Service(store, {}, []).exports.select()
        document = json.loads(target.read_text("utf-8"))
        whole = export_json(cases, calls, document["exported_at"], store.get_profile())
    assert target.read_text("utf-8") == whole
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    newest = max((data_dir / "calls").iterdir(), key=lambda path: path.stat().st_mtime_ns)
    newest.write_bytes(b'{"call": {"1": ')
    damaged = tmp_path / "damaged.json"
    result = run("--data-dir", str(data_dir), "export", "--format", "json", "-o", str(damaged))
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert newest.name in result.stderr and "Traceback" not in result.stderr
    assert not damaged.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".holdtheline-export-")] == []
