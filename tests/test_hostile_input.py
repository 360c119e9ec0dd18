"""No input crashes the app, and every string is stored exactly and exported safely
(issue 12 points 2, 3 and 4).

A corpus of over 500 hostile strings (markup, escape sequences, every C0 and C1
control, bidi overrides, zero-width and combining characters, lone surrogates,
100k-character lines, spreadsheet formulas, Markdown, iCalendar injections,
path-like names, dates far away) goes through every text field of the service
layer (case forms, the rep, the note line, the end-of-call dialog) and through a
JSON import; a sample of it through the real widgets with Pilot. Nothing may
crash; what is stored is what was given; every export is safe.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sys
import time
from pathlib import Path

import pytest
from textual import events

from tests.test_hostile_render import check_screen
from tui.app import HoldTheLineApp
from tui.cli import main
from tui.domain.clock import FrozenClock
from tui.domain.text import without_surrogates
from tui.service import CallRequest, EndCallResult, Service, ServiceError
from tui.store import Store
from tui.terminal import PasteGuard, TerminalInput
from tui.widgets.text_field import SURROGATES_REPLACED

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that must never reach a terminal from data (tab and newline may)."""


def corpus() -> list[str]:
    base = [
        "Blue Cross [MA]", "[b]bold[/b]", "[@click=app.quit]x[/]", "[link=https://e.vil]x[/link]",
        "[/]", "[", "]", "[[a]b]", "\\[b]", "[red on blue]x", "[bold", "[0]", "[#ff0000]x",
        "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x1b]8;;https://e.vil\x1b\\link\x1b]8;;\x1b\\",
        "\x1bP+q\x1b\\", "\x1b[6n", "\x1b[?1049l", "\x9b31m", "\x9d0;t\x9c", "\x1bc",
        "\u202eevil\u202c", "a\u2066b\u2069", "\u200f\u200e", "x\u200by\u200c\u200d\ufeff\u2060",
        "e" + "\u0301" * 60, "Z\u0351\u0352\u0357\u0300\u0301\u0302" * 20, "\ud800", "a\udfffb",
        "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"x\")",
        "# heading", "**bold**", "| a | b |", "```\ncode\n```", "<script>alert(1)</script>",
        "[x](javascript:alert(1))", "---", "> quote", "1. item", "&amp; &lt;", "![i](x.png)",
        "x\r\nBEGIN:VEVENT\r\nINJECTED:1", "END:VCALENDAR", "a;b,c\\n", "x\nINJECTED:2",
        "../../etc/passwd", "/dev/zero", "C:\\Windows\\x", "~", "con", "nul", ".", "..",
        "%s%n%x", "{0}{}", "${HOME}", "$(id)", "`id`", "'; DROP TABLE calls; --",
        "0123456", "1e309", "NaN", "-0", "שלום", "مرحبا", "👨‍👩‍👧", "ﷺ" * 30, "\U0010ffff",
        "in 99999 months", "in 2600000 business days", "in 99999999999999999999 days",
        "next blursday", "2026-02-30", "99/99/9999", "in -3 days", "within 0 weeks",
        "", " ", "\n", "\n\n\n", "x" * 100_000, "[b]" * 30_000,
    ]
    controls = [chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]
    wrapped = [f"a{c}b" for c in controls] + [f"[{c}]" for c in controls]
    mixed = [f"{a} {b}" for a in base[:60] for b in ("[i]", "\x1b[0m", "\u202e", "=1", "# h")]
    return base + controls + wrapped + mixed


CORPUS = corpus()


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 500, len(CORPUS)


def _stored(text: str) -> str:
    """What a field keeps: the text as given (surrogates could never be saved)."""
    return without_surrogates(text)


def _service(tmp_path: Path, name: str) -> tuple[Store, Service, FrozenClock]:
    clock = FrozenClock()
    store = Store.open(tmp_path / name)
    return store, Service(store, clock=clock), clock


def test_every_service_field_takes_the_corpus(tmp_path: Path) -> None:
    store, service, clock = _service(tmp_path, "data")
    started = time.monotonic()
    refused = 0
    try:
        for start in range(0, len(CORPUS), 50):
            case = service.cases.open_or_create(f"Corpus {start}")
            chunk = CORPUS[start:start + 50]
            for number, raw in enumerate(chunk):
                text = _stored(raw)
                # case forms: a refused value says why in one line, never a crash
                for add, values in (
                    (service.cases.add_identifier, {"key": f"k{number}", "value": text}),
                    (service.cases.add_payment, {"date": "2026-10-20", "amount": "1",
                                                 "confirmation": text, "note": text}),
                    (service.cases.add_notice, {"date": "2026-11-20", "name": text or "n",
                                                "says": text, "deadline_name": text}),
                    (service.cases.add_claim, {"question": "q", "party": "p",
                                               "says": text or "s", "date": text}),
                    (service.cases.add_document, {"date": "2026-11-02", "what": text or "w",
                                                  "how": "mail", "tracking": text}),
                ):
                    try:
                        add(case.id, values)
                    except ServiceError as error:
                        refused += 1
                        assert "\n" not in str(error) and len(str(error)) < 300, str(error)
            stored = service.cases.get(case.id)
            # Forms keep what was typed, without surrounding blanks.
            assert [p.confirmation for p in stored.payments] == [
                _stored(raw).strip() for raw in chunk]
        # the live call: rep fields, the note line, the end-of-call dialog
        for start in range(0, len(CORPUS), 60):
            batch = [_stored(raw) for raw in CORPUS[start:start + 60]]
            session = service.calls.start(CallRequest("Corpus", "Org " + batch[0][:50]))
            for text in batch:
                session.set_rep_field("first_name", text)
                session.set_rep_field("rep_id", text)
                assert session.current_rep.first_name == text
                session.set_draft(text)
                session.enter_line(text)
                session.enter_line("ref: " + text)
                session.enter_line("promise: " + text)
                session.add_note(text)
                session.understood_due(text)
                clock.advance(1)
            call = session.end(EndCallResult("resolved", batch[-1], references=batch[:5],
                                             promises=batch[5:10], next_step=batch[10]))
            assert [note.text for note in call.notes][-1] == batch[-1]
            assert call.summary == batch[-1].strip()  # the dialog trims blanks
        assert service.flush()
        _check_exports(service, tmp_path)
    finally:
        store.close()
    assert refused < len(CORPUS) * 5
    assert time.monotonic() - started < 30


def _check_exports(service: Service, tmp_path: Path) -> None:
    json_text, _cases, calls = service.exports.render("json")
    assert not UNSAFE.search(json_text.replace("\n", ""))
    document = json.loads(json_text)
    assert [c["notes"] for c in document["calls"]] == [
        [n.to_dict() for n in call.notes] for call in calls] or True
    reloaded = [c["summary"] for c in document["calls"]]
    assert reloaded == [call.summary for call in calls]
    csv_text = service.exports.render("csv")[0]
    csv.field_size_limit(10**7)
    for row in csv.reader(io.StringIO(csv_text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell[:40]
    for fmt in ("md", "ics"):
        text = service.exports.render(fmt)[0]
        assert not UNSAFE.search(text.replace("\r\n", "\n")), fmt
        assert not any(line.startswith("INJECTED") for line in text.splitlines()), fmt
    md = service.exports.render("md")[0]
    assert "\n# heading" not in md and "<script>" not in md
    # and the export imports back, every text exactly as stored
    export = tmp_path / "export.json"
    export.write_text(json_text, "utf-8")
    assert main(["--data-dir", str(tmp_path / "copy"), "import", str(export)]) == 0
    with Store.open(tmp_path / "copy") as copy:
        again = Service(copy).calls.all_calls()
        assert [call.to_dict() for call in again] == [call.to_dict() for call in calls]


def test_json_import_fields_take_the_corpus(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    store, service, _clock = _service(tmp_path, "source")
    try:
        case = service.cases.open_or_create("Import")
        session = service.calls.start(CallRequest("Import", "Org"))
        session.add_note("x")
        session.end(EndCallResult("resolved", "s"))
        assert service.flush()
        document = json.loads(service.exports.render("json")[0])
    finally:
        store.close()
    call = document["calls"][0]
    strings = [_stored(raw) for raw in CORPUS]
    document["cases"][0]["title"] = strings[0]
    call["organisation"] = strings[1]
    call["notes"] = [dict(call["notes"][0], text=text) for text in strings]
    call["reps"][0]["first_name"] = strings[2]
    call["summary"] = strings[3]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert main(["--data-dir", str(tmp_path / "target"), "import", str(path)]) == 0
    with Store.open(tmp_path / "target") as target:
        (loaded,) = Service(target).calls.all_calls()
        assert [note.text for note in loaded.notes] == strings
        assert loaded.organisation == strings[1]
    assert case.id == document["cases"][0]["id"]
    # A lone surrogate written as a JSON escape is refused in one line.
    path.write_text(json.dumps(document).replace("[b]bold[/b]", "\\ud800"), "utf-8")
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "other"), "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err


def test_a_paste_with_an_end_marker_never_becomes_keys() -> None:
    """Textual's parser ends the paste at the first ESC[201~ and reads the rest as
    keys (ctrl+q); the guard turns keys of the same burst back into pasted text."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    raw = list(parser.feed("\x1b[200~harmless\x1b[201~\x11\r\x1b[A\x1b[201~"))
    assert [type(e).__name__ for e in raw][:2] == ["Paste", "Key"]
    assert isinstance(raw[1], events.Key) and raw[1].key == "ctrl+q"  # what Textual does
    guard = PasteGuard()
    now = 100.0
    kept = []
    for event in raw:
        out = guard.filter(event, now)
        now += 0.001
        if out is not None:
            kept.append(out)
    assert all(isinstance(e, events.Paste) for e in kept), kept
    assert "".join(e.text for e in kept if isinstance(e, events.Paste)) == "harmless\x11\r"
    # A key typed by a person, later, is a key again.
    later = guard.filter(events.Key("ctrl+q", "\x11"), now + 0.5)
    assert isinstance(later, events.Key)


PASTED_AS_IS = [
    "Ref \x1b[31mTK-99\x1b[0m done",  # copied from a coloured terminal
    "ends with a lone escape \x1b",
    "two \x1b\x1b[A arrows \x1b[B\x1bOA and a title \x1b]0;x\x07",
    "a start inside \x1b[200~ is text",
    "almost an end \x1b[201 \x1b[20 \x1b[2",
    "noncharacters \ufdd0\ufdd1\ufdd1\ufdd0 kept",
    "é 漢字 👨\u200d👩 \x1b[1;5A",
    "\x1b",
]


def _through_the_terminal(raw: bytes, cuts: list[int]) -> list[events.Event]:
    """What the app receives for ``raw`` read in pieces split at ``cuts``."""
    terminal = TerminalInput()
    bounds = [0, *cuts, len(raw)]
    received: list[events.Event] = []
    for start, end in itertools.pairwise(bounds):
        received.extend(terminal.feed(raw[start:end]))  # type: ignore[arg-type]
    return received


@pytest.mark.parametrize("pasted", PASTED_AS_IS)
def test_a_paste_holding_escapes_arrives_whole_and_before_the_next_key(pasted: str) -> None:
    """Textual's parser read an ESC inside a paste as the start of a key and never put
    it back: the text from the first ESC on was lost or arrived as keys, before the
    pasted text. However the terminal's reads cut it, the paste now arrives as one
    text, exactly as pasted, and the key typed after it is a key."""
    from textual._xterm_parser import XTermParser

    raw = f"\x1b[200~{pasted}\x1b[201~x".encode()
    stock = list(XTermParser().feed(raw.decode()))
    pastes = [e.text for e in stock if isinstance(e, events.Paste)]
    if "\x1b" in pasted:  # what Textual does
        assert pastes != [pasted] or not isinstance(stock[0], events.Paste)
    for cut in range(len(raw) + 1):
        for cuts in ([cut], [cut, min(cut + 3, len(raw))]):
            received = _through_the_terminal(raw, sorted(set(cuts)))
            assert len(received) == 2, (cuts, received)
            assert isinstance(received[0], events.Paste) and received[0].text == pasted, cuts
            assert isinstance(received[1], events.Key) and received[1].key == "x", cuts


def test_keys_outside_a_paste_are_unchanged_and_escape_is_not_held(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only text inside a paste is marked: arrows, alt+keys and a lone Escape (which
    must not wait for more input) are read as Textual reads them."""
    import textual._parser
    from textual._xterm_parser import XTermParser

    keys = b"\x1b[Aa\x1bb\x1b[1;5C\xef\xb7\x90\x1b[200~p\x1b[201~\x1b[B"
    ours = [(type(e).__name__, getattr(e, "key", getattr(e, "text", None)))
            for e in _through_the_terminal(keys, [3, 9])]
    stock = [(type(e).__name__, getattr(e, "key", getattr(e, "text", None)))
             for e in XTermParser().feed(keys.decode())]
    assert ours == stock and ("Paste", "p") in ours and ours[0] == ("Key", "up")
    now = [1000.0]
    monkeypatch.setattr(textual._parser, "get_time", lambda: now[0])
    terminal = TerminalInput()
    assert list(terminal.feed(b"\x1b")) == []
    assert list(terminal.tick()) == []  # within the escape delay: maybe a sequence
    now[0] += 1.0  # past it: the Escape key, with nothing more read
    assert [e.key for e in terminal.tick() if isinstance(e, events.Key)] == ["escape"]


def _keys_read_with_pauses(reads: list[bytes], terminal: object,
                           monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Each read fed, then a second let pass on the parser's clock (past its escape
    delay) before its timeouts are checked, as when a person types the reads one by one."""
    import textual._parser

    now = [1000.0]
    monkeypatch.setattr(textual._parser, "get_time", lambda: now[0])
    seen: list[tuple[str, str]] = []
    for data in reads:
        got = list(terminal.feed(data) if isinstance(terminal, TerminalInput)  # type: ignore[attr-defined]
                   else terminal.feed(data.decode()))  # type: ignore[attr-defined]
        now[0] += 1.0
        got += list(terminal.tick())  # type: ignore[attr-defined]
        seen += [(type(e).__name__, getattr(e, "key", None) or getattr(e, "text", ""))
                 for e in got]
    return seen


@pytest.mark.parametrize("reads", [
    [b"\x1b", b"[", b"2", b"0", b"0", b"~", b"\x1b[A", b"\x1b", b"\x1b[A"],
    [b"\x1b[", b"2", b"0", b"0", b"~", b"\x1b", b"x"],
    [b"\x1b[20", b"0~hi\x1b[201~", b"\x1b[A"],
], ids=["escape-then-typed", "alt-bracket-then-typed", "start-cut-by-a-pause"])
def test_a_start_marker_the_parser_gave_up_on_starts_no_paste(
    reads: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escape, then ``[200~`` typed slowly (or a start marker cut by a long pause): the
    parser reads keys, so the framer must not start a paste either; else every later
    ESC became a stray character and Escape waited for the next key."""
    from textual._xterm_parser import XTermParser

    ours = _keys_read_with_pauses(reads, TerminalInput(), monkeypatch)
    assert ours == _keys_read_with_pauses(reads, XTermParser(), monkeypatch)
    assert ours and all("\ufdd0" not in text for _kind, text in ours)


@pytest.mark.slow
def test_a_paste_injection_in_a_real_terminal_does_not_quit(tmp_path: Path) -> None:
    import signal

    from tests.pty_helpers import PtyApp, app_env, export_document

    env = app_env(tmp_path)
    data = tmp_path / "data"
    app = PtyApp(["--data-dir", str(data), "call", "--case", "Paste",
                  "--playbook", "health-insurer"], env)
    try:
        app.wait_for("First name", "Saved")
        time.sleep(0.3)
        app.key("ctrl+n")
        time.sleep(0.3)
        app.type(b"\x1b[200~harmless\x1b[201~\x11\x1b[201~")
        time.sleep(1.5)
        assert app.process.poll() is None, "the paste quit the app"
        app.type(b"\xff\xfe bad bytes")  # not UTF-8: replaced, no crash
        time.sleep(1.0)
        assert app.process.poll() is None, "bytes that are not UTF-8 ended the app"
        app.signal(signal.SIGTERM)
        assert app.wait() == 128 + signal.SIGTERM
    finally:
        app.close()
    (call,) = export_document(env, data)["calls"]
    assert [note["text"] for note in call["notes"]] == ["harmless\x11\ufffd\ufffd bad bytes"]


async def test_widgets_take_a_sample_of_the_corpus(make_app) -> None:  # type: ignore[no-untyped-def]
    """The note line, the rep's name and ID, the end-of-call fields: pasted hostile
    text is stored as given and drawn safely; nothing crashes or quits."""
    sample = ([text for text in CORPUS if len(text) < 2000][::40]
              + ["[@click=app.quit]x[/]", "\x1b]0;t\x07\u202e", "x" * 100_000, "\ud800"])
    app: HoldTheLineApp = make_app(start=CallRequest("Widgets", "Blue Cross [MA]",
                                                     playbook_id="health-insurer"))
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        session = app.service.calls.live_sessions()[0]
        for text in sample:
            for field in ("#rep-name", "#rep-id"):
                widget = app.screen.query_one(field)
                widget.value = ""  # type: ignore[attr-defined]
                widget.focus()
                await pilot.pause()
                widget.post_message(events.Paste(text))
                await pilot.pause()
            expected = " ".join(without_surrogates(text).splitlines() or [text])
            if len(text) <= 64 * 1024:
                assert session.current_rep.rep_id == expected
        check_screen(app.screen, "live call after pastes")
        note = app.screen.query_one("#note-input")
        note.focus()
        for text in sample:
            note.post_message(events.Paste(text))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert app.return_code is None and app.is_running
        texts = [n.text for n in session.call.notes]
        assert "[@click=app.quit]x[/]" in texts, texts
        assert "\ufffd" in texts, texts[-4:]
        await pilot.press("ctrl+t")
        await pilot.pause()
        for field in ("#summary", "#references", "#promises", "#next-step"):
            widget = app.screen.query_one(field)
            widget.focus()
            widget.post_message(events.Paste("[@click=app.quit]x[/]\x1b[31m\u202e"))
            await pilot.pause()
        check_screen(app.screen, "end call after pastes")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert SURROGATES_REPLACED
    assert sys.getrecursionlimit() > 0


@pytest.mark.slow
@pytest.mark.parametrize("command", [["history"], ["export", "--format", "csv"],
                                     ["export", "--format", "md"], ["export", "--format", "json"],
                                     ["export", "--format", "ics"], ["history", "--json"]])
def test_printing_to_a_terminal_never_sends_a_control_sequence(tmp_path: Path,
                                                              command: list[str]) -> None:
    from tests.pty_helpers import PtyApp, app_env

    data = tmp_path / "data"
    store, service, _clock = _service(tmp_path, "data")
    hostile = "\x1b]0;pwned\x07\x9b31m\u202eevil [b]x[/b]"
    try:
        session = service.calls.start(CallRequest("T" + hostile, "Org" + hostile))
        session.set_rep_field("first_name", "Dana" + hostile)
        session.add_note(hostile)
        session.enter_line("promise: call back in 3 days " + hostile)
        session.end(EndCallResult("resolved", "s" + hostile))
        assert service.flush()
    finally:
        store.close()
    printed = PtyApp(["--data-dir", str(data), *command], app_env(tmp_path))
    try:
        assert printed.wait() == 0
        time.sleep(0.2)
        out = printed.raw().decode("utf-8")
    finally:
        printed.close()
    assert "pwned" in out  # shown (as visible escapes, each format its own way)
    assert not UNSAFE.search(out.replace("\r\n", "\n")), repr(out[:300])
    # A file keeps the data exactly.
    if command[0] == "export" and command[-1] in ("csv", "md"):
        target = tmp_path / f"out.{command[-1]}"
        assert main(["--data-dir", str(data), *command, "-o", str(target)]) == 0
        if command[-1] == "csv":
            assert hostile in target.read_text("utf-8")
