"""The letter screen, driven by keys: w on a case, pick a letter, edit it, save it to the
case's documents (and a PDF), open it again from the documents tab."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from textual.widgets import OptionList, Select, TextArea

from tui import demo
from tui.screens.case import CaseScreen
from tui.screens.form import FormDialog
from tui.screens.letter import LetterScreen
from tui.store import Store

START = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


async def test_review_edit_and_save_a_letter(make_app, store: Store,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    case = demo.build_story(store, START)
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        app.open_case(case.id)
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LetterScreen)
        listing = screen.query_one(OptionList)
        ids = [listing.get_option_at_index(n).id for n in range(listing.option_count)]
        assert ids[0] == "insurer-grievance"  # the latest call was to the insurer
        # Choose the Connector's dispute: it fills from the case.
        listing.highlighted = ids.index("connector-billing-dispute")
        await pilot.press("enter")
        await pilot.pause()
        area = screen.query_one(TextArea)
        assert app.focused is area
        assert screen.letter_id == "connector-billing-dispute"
        assert "BP7731-5520" in area.text and "Ana Reyes" in area.text
        # Edit: fill in the address the template left in brackets.
        area.cursor_location = (0, 0)
        await pilot.press("end")
        await pilot.press(*" (member)")
        await pilot.pause()
        assert screen.dirty
        assert area.text.splitlines()[0] == "Ana Reyes (member)"
        # Save: the date sent, how, and a PDF copy.
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-how", Select).value = "certified mail"
        target = tmp_path / "dispute.pdf"
        path_field = dialog.query_one("#field-path")
        path_field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and not screen.dirty
        saved = store.get_case(case.id).documents[-1]  # type: ignore[union-attr]
        assert saved.letter == "connector-billing-dispute"
        assert saved.text.startswith("Ana Reyes (member)\n")
        assert saved.how == "certified mail" and saved.file == str(target)
        assert saved.date == app.service.today().isoformat()
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        assert "Ana Reyes (member)" in PdfReader(target).pages[0].extract_text()
        # Leaving with nothing unsaved goes straight back to the case.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        # The saved letter opens again from the documents tab.
        await pilot.press("5")
        await pilot.pause()
        table = app.screen.query_one("#documents-table")
        table.focus()
        table.move_cursor(row=table.row_count - 1)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, LetterScreen) and again.document_id == saved.id
        assert again.text == saved.text and not again.dirty


async def test_unsaved_edits_are_not_lost_by_one_key(make_app, store: Store) -> None:  # type: ignore[no-untyped-def]
    case = demo.build_story(store, START)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_case(case.id)
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LetterScreen)
        area = screen.query_one(TextArea)
        area.focus()
        await pilot.press(*"My own words {{ case.title }}")
        await pilot.pause()
        assert screen.dirty and "My own words {{ case.title }}" in screen.text
        # Choosing another letter asks first; esc asks first.
        await pilot.press("f2")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert "My own words" in screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseScreen)
        assert not store.get_case(case.id).documents[-1].text  # type: ignore[union-attr]
