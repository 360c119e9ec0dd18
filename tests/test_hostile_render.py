"""Text from anywhere is shown literally, never as markup or terminal control
(issue 12 point 1).

Every field of a case, its records, a call (reps, notes, references, promises,
summary), the profile and a playbook is filled with hostile text: console markup,
a click action, an escape sequence, C0 and C1 controls and a bidi override, each
led by a marker ``Zq<n>``. Then every screen is opened and every widget on it
rendered, and:

* no segment the terminal would get holds a raw control or bidi character;
* wherever a marker is shown, what follows it is the text as typed (``[b]``),
  never what markup would have made of it (``B`` in bold);
* no segment carries the click action from the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from rich.segment import Segment
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget

from tui.app import HoldTheLineApp
from tui.domain.clock import FrozenClock
from tui.paths import shipped_playbooks_dir
from tui.playbooks import load_playbooks
from tui.service import CallRequest, EndCallResult, Service
from tui.store import Store

TAIL = "[b]B[/b][@click=app.bell]k[/]\x1b[31m\x9b\x9d\u202e\x07[red]"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MARKER = re.compile(r"Zq\d+")


class Hostile:
    """``Zq1…``, ``Zq2…``: a new hostile string with its own marker each time."""

    def __init__(self) -> None:
        self.count = 0
        self.markers: list[str] = []

    def __call__(self) -> str:
        self.count += 1
        self.markers.append(f"Zq{self.count}")
        return f"Zq{self.count}{TAIL}"


def hostile_world(store: Store, clock: FrozenClock, tmp_path: Path) -> tuple[Service, str]:
    """A store where every text a user or an import can set is hostile."""
    h = Hostile()
    folder = tmp_path / "playbooks"
    folder.mkdir()
    name = h().replace("\\", "\\\\").replace('"', '\\"')
    escaped = name.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    (folder / "hostile.yaml").write_text(
        f'id: hostile\nname: "{escaped}"\nkind: other\n', encoding="utf-8")
    playbooks, problems = load_playbooks([shipped_playbooks_dir(), folder])
    assert "hostile" in playbooks, problems
    service = Service(store, playbooks, problems, clock=clock)
    service.save_profile({"name": h(), "phone": h(), "email": h(), "address": h()})
    case = service.cases.open_or_create(h())
    service.cases.add_identifier(case.id, {"key": h(), "value": h()})
    service.cases.add_payment(case.id, {"date": "2026-10-20", "amount": "412.50",
                                        "confirmation": h(), "account": h(), "note": h()})
    service.cases.add_notice(case.id, {"date": "2026-11-20", "name": h(), "notice_id": h(),
                                       "says": h(), "deadline_name": h(),
                                       "deadline_days": "30"})
    for party in (h(), h()):
        service.cases.add_claim(case.id, {"question": "Zq0 same question", "party": party,
                                          "says": h(), "date": "2026-11-01", "who": h()})
    service.cases.add_document(case.id, {"date": "2026-11-02", "what": h(), "how": h(),
                                         "to": h(), "tracking": h()})
    for organisation in (h(), "Blue Cross [MA]"):
        session = service.calls.start(CallRequest(case.title, organisation,
                                                  playbook_id="hostile", number=h()))
        session.set_rep_field("first_name", h())
        session.set_rep_field("rep_id", h())
        session.set_rep_field("department", h())
        session.add_note(h())
        session.enter_line("ref: " + h())
        session.enter_line("promise: " + h() + " in 3 days")
        clock.advance(120)
        session.end(EndCallResult("resolved", h(), references=[h()], promises=[h()],
                                  next_step=h()))
    assert service.flush()
    return service, case.id


def _segments(widget: Widget) -> Iterator[Segment]:
    width, height = widget.size
    if not widget.display or width <= 0 or height <= 0:
        return
    for strip in widget.render_lines(Region(0, 0, width, height)):
        yield from strip


def check_screen(screen: Screen[object], where: str) -> tuple[int, str]:
    """Every rendered segment of every widget: literal; (markers seen, all text)."""
    seen = 0
    shown: list[str] = []
    for widget in [screen, *screen.walk_children()]:
        line = []
        for segment in _segments(widget):
            text = segment.text
            bad = CONTROL.search(text)
            assert bad is None, (f"{where}: {type(widget).__name__} rendered a raw control "
                                 f"character {bad.group()!r} in {text!r}")
            meta = segment.style.meta if segment.style else {}
            assert "app.bell" not in str(meta), f"{where}: {type(widget).__name__}: {meta}"
            line.append(text)
        joined = "".join(line)
        shown.append(joined)
        for found in MARKER.finditer(joined):
            after = joined[found.end():found.end() + 1]
            assert after in ("[", "…", " ", ""), (
                f"{where}: {type(widget).__name__} interpreted markup after "
                f"{found.group()}: {joined[found.start():found.end() + 30]!r}")
            seen += 1
    return seen, "\n".join(shown)


async def test_every_screen_shows_hostile_text_literally(store: Store, clock: FrozenClock,
                                                        tmp_path: Path) -> None:
    from tui.screens.call_detail import CallDetailScreen  # noqa: F401 (opened via the app)
    from tui.screens.history import HistoryScreen
    from tui.screens.playbooks import PlaybooksScreen
    from tui.screens.reps import RepDirectoryScreen
    from tui.screens.stats import StatsScreen

    service, case_id = hostile_world(store, clock, tmp_path)
    app = HoldTheLineApp(service)
    total = 0
    everything: list[str] = []

    async with app.run_test(size=(160, 60)) as pilot:
        async def visit(where: str) -> None:
            nonlocal total
            await pilot.pause()
            seen, text = check_screen(pilot.app.screen, where)
            total += seen
            everything.append(text)

        await visit("home")
        app.notify("Zq900" + TAIL, markup=False)
        app.notify("Zq901" + TAIL, title="Zq902" + TAIL, markup=False)
        await visit("home with notifications")
        app.open_case(case_id)
        for tab in "123456":
            await pilot.press(tab)
            await visit(f"case tab {tab}")
        await pilot.press("escape")
        app.push_screen(HistoryScreen())
        await visit("history")
        call = service.calls.all_calls()[0]
        app.open_call(call, service.cases.get(case_id).title)
        await visit("call detail")
        app.pop_screen()
        await app.screen.run_action("stats")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        await visit("stats")
        app.pop_screen()
        app.push_screen(RepDirectoryScreen())
        await visit("reps")
        app.pop_screen()
        app.pop_screen()
        app.push_screen(PlaybooksScreen())
        await pilot.pause()
        await visit("playbooks")
        app.pop_screen()
        app.pick_case()
        await pilot.pause(0.3)
        await visit("palette: open case")
        await pilot.press("escape")
        app.open_start_dialog(case_id=case_id)
        await visit("start call")
        await pilot.press("escape")
        app.begin_call(CallRequest(service.cases.get(case_id).title, "Blue Cross [MA]",
                                   playbook_id="hostile", number="Zq903" + TAIL))
        await pilot.pause()
        await visit("live call")
        await pilot.press("f1")
        await visit("live call with help")
        await pilot.press("f1", "ctrl+t")
        await visit("end call")
    assert total >= 40, total
    shown = "\n".join(everything)
    assert "Blue Cross [MA]" in shown
    assert "[@click=app.bell]k[/]" in shown and "\\x1b[31m" in shown and "\\x9b" in shown
    assert "\\u202e" in shown
