"""The shape of the code, checked: layers import only downwards, styles stay in their
screen, every dialog is centred, and the type checker is clean."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable

from tui.screens.home import HomeScreen

ROOT = Path(__file__).resolve().parent.parent
TUI = ROOT / "tui"
NO_TEXTUAL = ("domain", "store", "service", "playbooks", "export")
"""Packages below the screens: plain Python, usable without a terminal."""


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (TUI / package).rglob("*.py"))


def _under(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("path", _modules(*NO_TEXTUAL), ids=lambda p: str(p.relative_to(TUI)))
def test_lower_layers_never_import_textual_or_the_screens(path: Path) -> None:
    bad = {name for name in _imports(path)
           if _under(name, "textual", "rich", "tui.screens", "tui.widgets", "tui.app",
                     "tui.cli")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_the_store_imports_tinydb() -> None:
    users = {str(p.relative_to(ROOT)) for p in TUI.rglob("*.py")
             if any(_under(name, "tinydb") for name in _imports(p))}
    assert users and all(name.startswith("tui/store/") for name in users), users


@pytest.mark.parametrize("package", ["domain", "store"])
def test_domain_and_store_never_reach_up(package: str) -> None:
    above = {"domain": ("tui.store", "tui.service", "tui.export", "tui.launch"),
             "store": ("tui.service", "tui.export", "tui.launch")}[package]
    for path in _modules(package):
        bad = {name for name in _imports(path) if _under(name, *above)}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _modules("screens", "widgets") + [TUI / "app.py"],
                         ids=lambda p: str(p.relative_to(TUI)))
def test_screens_and_widgets_never_touch_the_store(path: Path) -> None:
    source = path.read_text("utf-8")
    bad = {name for name in _imports(path) if _under(name, "tui.store", "tinydb")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
    assert not re.search(r"\.store\b", source), f"{path.relative_to(ROOT)} reaches .store"


def _top_level_selectors(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors, depth, start = [], 0, 0
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selectors.append(css[start:index].strip())
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                start = index + 1
    return selectors


def _owners() -> dict[str, str]:
    """tcss file name → the class whose CSS_PATH loads it."""
    owners: dict[str, str] = {}
    for path in _modules("screens"):
        for cls in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            for item in cls.body:
                if (isinstance(item, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "CSS_PATH" for t in item.targets)
                        and isinstance(item.value, ast.Constant)):
                    owners[str(item.value.value)] = cls.name
    return owners


def test_every_screen_stylesheet_styles_only_its_own_screen() -> None:
    owners = _owners()
    sheets = sorted((TUI / "screens").glob("*.tcss"))
    assert sheets
    for sheet in sheets:
        owner = "Dialog" if sheet.name == "dialog.tcss" else owners.get(sheet.name)
        assert owner, f"{sheet.name} is not loaded by any screen"
        selectors = _top_level_selectors(sheet.read_text("utf-8"))
        assert selectors == [owner], f"{sheet.name}: top-level rules {selectors}, not {owner}"


def test_the_app_stylesheet_has_no_screen_rules() -> None:
    selectors = _top_level_selectors((TUI / "app.tcss").read_text("utf-8"))
    assert set(selectors) <= {"Screen", ".section-title", "Toast"}, selectors


class _BareTable(Screen[None]):
    """A screen with a table no stylesheet of ours names."""

    def compose(self) -> ComposeResult:
        yield DataTable(id="bare")


async def _bare_table_style(app, pilot) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    app.push_screen(_BareTable())
    await pilot.pause()
    table = app.screen.query_one("#bare", DataTable)
    found = (str(table.styles.height), str(table.styles.width))
    app.pop_screen()
    await pilot.pause()
    return found


async def test_the_case_screen_does_not_restyle_other_tables(make_app, store) -> None:  # type: ignore[no-untyped-def]
    from tui.domain.model import Case

    case = Case.create("Coverage restricted", "2026-11-01T12:00:00+00:00")
    store.save_case(case)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        before = await _bare_table_style(app, pilot)
        app.open_case(case.id)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert await _bare_table_style(app, pilot) == before


async def _assert_centred(app, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    box = app.screen.query_one(".dialog-box")
    region = box.region
    width, height = app.size
    left, right = region.x, width - region.right
    top, bottom = region.y, height - region.bottom
    assert abs(left - right) <= 1, (type(app.screen).__name__, region)
    assert abs(top - bottom) <= 1, (type(app.screen).__name__, region)


async def test_every_dialog_is_centred(make_app, store) -> None:  # type: ignore[no-untyped-def]
    from tui.screens.confirm import ConfirmDialog
    from tui.screens.end_call import EndCallDialog
    from tui.screens.form import Field, FormDialog
    from tui.screens.help import HelpDialog
    from tui.screens.recording import RecordingDialog
    from tui.service import CallRequest, RecordingChoice

    app = make_app(start=CallRequest("Case", "Someone"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        session = app.screen.session
        dialogs = [
            ConfirmDialog("Remove this row?"),
            FormDialog("New case", [Field("title", "Title")]),
            RecordingDialog("MA", RecordingChoice(False, False, "")),
            EndCallDialog(session),
            HelpDialog("## Help\n\nShort.", [("f1", "Help")], ["f1"]),
        ]
        for dialog in dialogs:
            app.push_screen(dialog)
            await _assert_centred(app, pilot)
            app.pop_screen()
            await pilot.pause()
        app.open_start_dialog()
        await _assert_centred(app, pilot)


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
