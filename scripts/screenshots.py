"""Produce screenshots/ from the real app with a frozen clock.

Run: python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.widgets import Input  # noqa: E402

from tui.app import HoldTheLineApp  # noqa: E402
from tui.demo import build_story  # noqa: E402
from tui.domain.clock import FrozenClock  # noqa: E402
from tui.paths import shipped_playbooks_dir  # noqa: E402
from tui.playbooks import load_playbooks  # noqa: E402
from tui.service import CallRequest, Service  # noqa: E402
from tui.store import Store  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (100, 30)
NARROW = (60, 20)
"""Below 80 columns the playbook goes under the call."""


def seed(store: Store) -> None:
    """The worked example from SPEC.md, as `holdtheline demo` shows it."""
    build_story(store, datetime(2026, 11, 2, 14, 0, tzinfo=UTC))
    store.flush()


async def no_blink(pilot) -> None:  # type: ignore[no-untyped-def]
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()  # let pending edits reach the store first
    pilot.app.service.flush()
    for screen in pilot.app.screen_stack:
        if hasattr(screen, "_show_save_state"):
            screen._show_save_state()
        if hasattr(screen, "_tick"):  # the call's clock as of the frozen clock's time, not
            screen._tick()  # as of its last half-second tick (which may not have come yet)
    await pilot.pause()
    await pilot.pause(0.1)  # let the style change of the indicator land


async def letter_screenshots(app, pilot, tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """A letter being reviewed (w on the case), and the first pages of the dossier and of
    that letter as PDF, rendered to PNG with pdftoppm (poppler-utils) when it is there."""
    from textual.widgets import OptionList

    await pilot.press("w")
    await pilot.pause()
    listing = app.screen.query_one(OptionList)
    ids = [listing.get_option_at_index(n).id for n in range(listing.option_count)]
    listing.highlighted = ids.index("connector-billing-dispute")
    await pilot.press("enter")
    await pilot.pause()
    app.screen.query_one("#letter-text").scroll_to(y=14, animate=False)
    await pilot.pause()
    app.save_screenshot("letter.svg", str(OUT))
    letter = app.screen.text
    await pilot.press("escape")
    await pilot.pause()
    dossier = tmp / "dossier.pdf"
    app.service.exports.write("pdf", dossier)
    letter_pdf = app.service.letters.write(letter, tmp / "letter.pdf",
                                           "Billing dispute and reinstatement request")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils): PDF pages not rendered")
        return
    for pdf, name in ((dossier, "dossier-pdf"), (letter_pdf, "letter-pdf")):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                        "-singlefile", str(pdf), str(OUT / name)], check=True)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    with tempfile.TemporaryDirectory() as tmp:
        clock = FrozenClock()
        store = Store.open(Path(tmp) / "data")
        seed(store)
        app = HoldTheLineApp(Service(store, playbooks, problems, clock=clock))
        async with app.run_test(size=SIZE) as pilot:
            await no_blink(pilot)
            app.save_screenshot("home.svg", str(OUT))
            await pilot.press("c")  # the dial form, whom to call found by typing
            await pilot.pause()
            await pilot.press(*"Denied claim", "tab", *"massachusetts gov")
            await no_blink(pilot)
            app.save_screenshot("start-call.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("p")
            await pilot.pause()
            await pilot.press("down", "down", "down")
            await pilot.pause()
            app.save_screenshot("playbooks.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("h")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press(*"billing")
            await no_blink(pilot)
            app.save_screenshot("history.svg", str(OUT))
            await pilot.press("escape")
            await pilot.pause()
            app.open_case(store.list_cases()[0].id)
            await pilot.pause()
            app.save_screenshot("case.svg", str(OUT))
            await pilot.press("4")
            await pilot.pause()
            app.save_screenshot("case-claims.svg", str(OUT))
            await letter_screenshots(app, pilot, Path(tmp))
        request = CallRequest(
            store.list_cases()[0].title,
            "Massachusetts Health Connector",
            "ma-health-connector",
            playbooks["ma-health-connector"].main_number,
        )
        app = HoldTheLineApp(Service(store, playbooks, problems, clock=clock), start=request)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(*"Dana", "tab", *"4471")
            clock.advance(754)
            await pilot.press("ctrl+n", *"Asked for a supervisor; will wait", "enter")
            await pilot.press(*"ref: 88213", "enter")
            await pilot.press("ctrl+o")
            clock.advance(312)
            await no_blink(pilot)
            app.save_screenshot("live-call.svg", str(OUT))
            await pilot.press("ctrl+o")
            await pilot.press("ctrl+l", "space", "down", "space", "down")
            await no_blink(pilot)
            app.save_screenshot("live-call-checklist.svg", str(OUT))
            await pilot.press("f7")
            await no_blink(pilot)
            app.save_screenshot("live-call-panel.svg", str(OUT))
            await pilot.press("f7")
            await pilot.resize_terminal(*NARROW)
            await pilot.press("ctrl+n", *"Supervisor: Lee", "enter")
            await no_blink(pilot)
            app.save_screenshot("live-call-narrow.svg", str(OUT))
            await pilot.resize_terminal(*SIZE)
            await pilot.press("ctrl+t")
            await pilot.pause()
            await pilot.press(*"Billing will review the payments", "tab", "down", "down", "enter")
            await pilot.press("tab", *"will call back in 3 days")
            await no_blink(pilot)
            app.save_screenshot("end-call.svg", str(OUT))
            await pilot.press("escape")
            await pilot.press("ctrl+q")
        store.close()
    shots = sorted(p.name for p in [*OUT.glob("*.svg"), *OUT.glob("*.png")])
    print(f"wrote {', '.join(shots)} to {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
