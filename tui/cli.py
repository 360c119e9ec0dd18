"""The ``holdtheline`` command.

Each command imports what it needs when it runs: ``history`` and ``export`` load the
streamed store reader and their exporter, never Textual, the playbooks or the letters
(a short-lived command, in little memory; see ``tests/test_cli_memory.py``).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__, paths
from tui.config import Config, ConfigError, load_config
from tui.domain.text import (
    has_lone_surrogate,
    plural,
    terminal_text,
    visible,
    without_surrogates,
)
from tui.export.formats import EXPORT_FORMATS
from tui.launch import (
    LaunchError,
    NoTerminal,
    load_all_letters,
    load_all_playbooks,
    pause_collector,
    playbook_sources,
    require_terminal,
)
from tui.service.base import ServiceError
from tui.store.errors import StoreError

if TYPE_CHECKING:
    from tui.service import Service
    from tui.service.exports import ExportService

CliError = LaunchError
"""A problem to report in one line, with exit status 1."""


class Parser(argparse.ArgumentParser):
    """argparse, but errors are one line and never a traceback."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (not {value})")
    return value


def build_parser() -> Parser:
    parser = Parser(
        prog="holdtheline",
        description="Hold the Line: keep every phone battle with insurers, exchanges, "
        "billing departments and government offices on the record.",
    )
    parser.add_argument("--version", action="version", version=f"holdtheline {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where your data lives (default: $HOLDTHELINE_HOME or the platform data folder)",
    )
    parser.add_argument(
        "--playbooks",
        metavar="DIR",
        action="append",
        default=[],
        help="another folder of playbooks (overrides shipped ones with the same id)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file: keys, theme, hold alert (default: config.toml in your "
        "config folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    call = commands.add_parser("call", help="go straight into a live call")
    call.add_argument("--case", metavar="TEXT", help="the case's title (created if new) or id")
    call.add_argument("--playbook", metavar="ID", help="the playbook of whom you are calling")
    call.add_argument("--incoming", action="store_true",
                      help="they called you: log an incoming call")
    call.add_argument("--from", dest="from_number", metavar="NUMBER",
                      help="with --incoming: the number they called from")
    call.add_argument("--resume", action="store_true",
                      help="continue the most recent interrupted call (the app quit, crashed "
                      "or was killed during it): the same call, its timer going on")
    export = commands.add_parser(
        "export",
        help="write a dossier (md or pdf), spreadsheet (csv), full backup (json) or "
        "calendar (ics)",
        description="Export cases and calls. md: a dossier to send to an escalation "
        "office; pdf: the same dossier, printable; csv: one row per call, for a "
        "spreadsheet; json: everything, "
        "re-importable; ics: follow-ups and deadlines for a calendar.",
    )
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS, metavar="FORMAT",
                        help="md, pdf, csv, json or ics")
    export.add_argument("--case", metavar="TEXT", help="only this case (title or id)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--mask", action="store_true",
                        help="hide identifiers (account, member, confirmation, reference and "
                        "rep IDs) except their last 4 characters, for sharing")
    history = commands.add_parser(
        "history",
        help="print calls, oldest first (for scripts)",
        description="Print calls, oldest first: an aligned table, or JSON with --json.",
    )
    history.add_argument("--case", metavar="TEXT", help="only this case (title or id)")
    history.add_argument("--grep", metavar="TEXT",
                         help="only calls whose notes, rep names or IDs, reference numbers, "
                         "promises, summary, outcome, organisation or case contain every "
                         "word of TEXT (ignoring case); quote a phrase to find it as typed")
    history.add_argument("--json", action="store_true",
                         help="a JSON list of full call documents instead of the table")
    demo = commands.add_parser(
        "demo",
        help="open the app on a copy of a worked example (your data is not touched)",
        description="Open the app on a temporary copy of a worked example, or with "
        "--into write a synthetic history into an empty folder and exit.",
    )
    demo.add_argument("--calls", metavar="N", type=_positive_int,
                      help="generate a synthetic history of N calls (N >= 1)")
    demo.add_argument("--into", metavar="DIR",
                      help="write the example data into the empty folder DIR and exit")
    importer = commands.add_parser("import", help="merge a JSON export (twice adds nothing)")
    importer.add_argument("file", metavar="FILE")
    followups = commands.add_parser(
        "followups", help="list follow-ups (promises with a date), or mark one done",
        description="List every follow-up: promises with a date, and whether each was kept, "
        "kept late, broken or is still open. 'followups done ID' marks one done.")
    followups.add_argument("--due", action="store_true",
                           help="only open ones that are due today or broken")
    followups.add_argument("--json", action="store_true", help="a JSON list for scripts")
    followup_actions = followups.add_subparsers(dest="action", metavar="ACTION",
                                                parser_class=Parser)
    done = followup_actions.add_parser("done", help="mark a follow-up done (--undo: not done)")
    done.add_argument("id", metavar="ID", help="the follow-up's id, as listed (call-…#n)")
    done.add_argument("--undo", action="store_true", help="mark it not done again")
    backup = commands.add_parser(
        "backup", help="list your backups, take one now, or restore one",
        description="Backups are taken when the app opens your data and at least daily "
        "while it runs; the newest 10 are kept, and never is the fullest one dropped.")
    backup_actions = backup.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser,
                                           required=True)
    backup_actions.add_parser("list", help="every backup, newest first: number, name, what "
                              "it holds")
    backup_actions.add_parser("now", help="take a backup now")
    restore = backup_actions.add_parser(
        "restore", help="make your data what a backup holds (your data as it is now is "
        "backed up first)")
    restore.add_argument("which", metavar="WHICH", nargs="?",
                         help="its number or name in 'backup list' (default: the newest)")
    conflicts = commands.add_parser(
        "conflicts", help="files a sync tool (Syncthing, Dropbox…) kept twice: list or resolve",
        description="When the same record was changed on two computers, the sync tool keeps "
        "the second version as a conflict copy. List them, or keep one version: the other is "
        "moved into damaged/, never deleted.")
    conflicts.add_argument("file", metavar="FILE", nargs="?", help="the conflict copy to resolve")
    conflicts.add_argument("--keep", choices=["mine", "theirs"],
                           help="mine: the original stays; theirs: the conflict copy replaces it")
    letters = commands.add_parser(
        "letters", help="list the letters that can be written from a case",
        description="List every letter template: its id (for 'holdtheline letter ID'), the "
        "playbook it belongs to ('any' for every organisation) and its title.")
    letters.add_argument("action", choices=("list",), metavar="list", nargs="?", default="list",
                         help="list the letters (the only action)")
    letter = commands.add_parser(
        "letter", help="write a letter filled from a case (md, txt or pdf)",
        description="Fill a letter template from a case and its calls, and print it or "
        "write it to a file. Review it before sending: text in [square brackets] is for "
        "you to fill in.")
    letter.add_argument("id", metavar="ID", help="the letter's id (see holdtheline letters)")
    letter.add_argument("--case", metavar="TEXT", required=True,
                        help="the case (title or id)")
    letter.add_argument("--call", metavar="N", type=_positive_int,
                        help="the call it is about: N as numbered in the dossier (1 = oldest); "
                        "default: the latest call to the letter's organisation")
    letter.add_argument("--format", choices=("md", "txt", "pdf"), default="txt",
                        metavar="FORMAT", help="txt (default), md or pdf")
    letter.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    commands.add_parser("keys", help="print every key binding in force (after your settings)",
                        description="Print every key binding in force: where it works, its "
                        "keys, its id (to remap it in the config file) and what it does.")
    playbooks = commands.add_parser("playbooks", help="list, show or check playbooks")
    actions = playbooks.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser,
                                       required=True)
    actions.add_parser("list", help="every playbook: id, name, kind, where it came from")
    show = actions.add_parser("show", help="one playbook, in full")
    show.add_argument("id", metavar="ID")
    validate = actions.add_parser("validate", help="check playbook files; exit 1 on any problem")
    validate.add_argument("paths", metavar="PATH", nargs="+", help="files or folders")
    return parser


def run_playbooks(args: argparse.Namespace) -> int:
    from tui.playbooks.render import render_text

    dirs = playbook_sources(args.playbooks)
    if args.action == "validate":
        from tui.playbooks import validate_paths
        from tui.playbooks.loader import is_letters_file

        targets: list[Path] = []
        for given in args.paths:
            path = Path(given).expanduser()
            if not path.exists() and not path.is_symlink():
                raise CliError(f"{given}: no such file or folder")
            targets.append(path)
        # A FIFO, a device, a folder without playbooks, a symlink loop: problems, exit 1.
        report = validate_paths(targets, dirs)
        for problem in report.problems:
            print(visible(str(problem)))
        if report.problems:
            print(f"{len(report.bad)} of {plural(len(report.checked), 'file')} have problems",
                  file=sys.stderr)
            return 1
        letters = sum(1 for path in report.checked if is_letters_file(path))
        print(f"{plural(len(report.checked) - letters, 'playbook file')} OK"
              + (f"; {plural(letters, 'letters file')} OK" if letters else ""), file=sys.stderr)
        return 0
    found, problems = load_all_playbooks(args.playbooks)
    if args.action == "list":
        rows = sorted(found.values(), key=lambda p: p.id)
        width = max([len(p.id) for p in rows] + [2])
        name_width = min(40, max([len(p.name) for p in rows] + [4]))
        for playbook in rows:
            name = visible(playbook.name)
            if len(name) > name_width:
                name = name[: name_width - 1] + "…"
            print(f"{visible(playbook.id):<{width}}  {name:<{name_width}}  "
                  f"{playbook.kind:<10}  {playbook.origin}")
    else:
        shown = found.get(args.id)
        if shown is None:
            known = ", ".join(sorted(found)) or "none"
            raise CliError(f"no playbook with id '{args.id}' (known: {known})")
        names = {pid: pb.name for pid, pb in found.items()}
        _write_stdout(render_text(shown, names))
    if problems:
        files = sorted({str(p.path) for p in problems})
        print(f"{plural(len(files), 'playbook file')} could not be loaded: {', '.join(files)} "
              "(see holdtheline playbooks validate)", file=sys.stderr)
    return 0


def _letters_service(args: argparse.Namespace) -> Service:
    """Read-only data, with every playbook and letter loaded."""
    from tui.service import Service
    from tui.store import Store

    playbooks, problems = load_all_playbooks(args.playbooks)
    letters, trouble = load_all_letters(args.playbooks)
    store = Store.open(paths.data_dir(args.data_dir), read_only=True)
    return Service(store, playbooks, problems + trouble, letters=letters)


def run_letters(args: argparse.Namespace) -> int:
    playbooks, problems = load_all_playbooks(args.playbooks)
    letters, trouble = load_all_letters(args.playbooks)
    from tui.service.letters import letter_catalogue

    catalogue, clashes = letter_catalogue(letters, playbooks)
    rows = sorted(catalogue.values(), key=lambda t: (t.playbook_id or "", t.id))
    width = max([len(t.id) for t in rows] + [2])
    owner_width = max([len(t.playbook_id or "any") for t in rows] + [3])
    for template in rows:
        owner = visible(template.playbook_id or "any")
        print(f"{visible(template.id):<{width}}  {owner:<{owner_width}}  "
              f"{visible(template.title)}")
    for problem in [*trouble, *clashes]:
        print(visible(str(problem)), file=sys.stderr)
    if problems:
        files = sorted({str(p.path) for p in problems})
        print(f"{plural(len(files), 'playbook file')} could not be loaded: {', '.join(files)} "
              "(see holdtheline playbooks validate)", file=sys.stderr)
    return 0


def run_letter(args: argparse.Namespace) -> int:
    service = _letters_service(args)
    service.letters.get(args.id)
    case = service.letters.find_case(args.case)
    draft = service.letters.draft(args.id, case.id, args.call)
    if args.output:
        path = service.letters.write(draft.text, Path(args.output).expanduser(),
                                     draft.template.title, args.format)
        print(f"Wrote '{visible(draft.template.title)}' for {visible(case.title)} to {path}",
              file=sys.stderr)
    else:
        from tui.service.letters import letter_bytes

        if args.format == "pdf" and sys.stdout.isatty():
            raise CliError("a PDF is not for the terminal: give -o FILE (or redirect it)")
        data = letter_bytes(draft.text, args.format, draft.template.title,
                            service.profile().name)
        if args.format == "pdf":
            _write_stdout_bytes(data)
        else:
            _write_stdout(visible(data.decode("utf-8"), keep_newlines=True))
    from tui.service.letters import placeholders

    left = placeholders(draft.text)
    if left:
        print(f"to fill in before sending: {', '.join(visible(p) for p in left)}",
              file=sys.stderr)
    return 0


def _config(args: argparse.Namespace) -> Config:
    given = Path(args.config).expanduser() if args.config else None
    return load_config(given, must_exist=given is not None)


def run_followups(args: argparse.Namespace) -> int:
    import json

    from tui.domain.followups import promise_status
    from tui.domain.timefmt import format_local

    if args.action == "done":
        from tui.service import Service
        from tui.store import Store

        store = Store.open(paths.data_dir(args.data_dir))
        try:
            service = Service(store)
            call_id, index = service.followups.by_key(args.id)
            text = service.followups.set_done(call_id, index, not args.undo)
            if not store.flush():
                raise CliError("could not write it to disk; try again")
        finally:
            store.close()
        print(f"{'Not done' if args.undo else 'Done'}: {visible(text)}")
        return 0
    service = _read_only_service(args)
    today = service.today()
    titles = service.cases.titles()
    rows: list[dict[str, str | None]] = []
    for item in service.followups.all():
        status = promise_status(item.promise, today)
        if args.due and status not in ("broken", "today"):
            continue
        rows.append({"id": item.key, "status": status, "due": item.due.isoformat(),
                     "done_at": item.done_at, "organisation": item.organisation,
                     "case": titles.get(item.case_id, ""), "promised": item.text})
    if args.json:
        _write_stdout(_terminal_safe_json(json.dumps(rows, ensure_ascii=False, indent=2)))
        return 0
    if not rows:
        print("no follow-ups" + (" due" if args.due else ""), file=sys.stderr)
        return 0
    table = [("ID", "STATUS", "DUE", "DONE", "ORGANISATION", "PROMISED")]
    table += [(str(row["id"]), str(row["status"]), str(row["due"]),
               format_local(row["done_at"], "YYYY-MM-DD") or "-",
               visible(str(row["organisation"])), visible(str(row["promised"])))
              for row in rows]
    widths = [max(len(line[col]) for line in table) for col in range(5)]
    _write_stdout("".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line[:5], widths, strict=True))
        + "  " + line[5] + "\n" for line in table))
    return 0


def _terminal_safe_json(text: str) -> str:
    """JSON with C1 controls and bidi overrides escaped: the same values, safe to print."""
    from tui.export.history import terminal_safe

    return terminal_safe(text) + "\n"


def run_keys(args: argparse.Namespace) -> int:
    from tui.keys import keymap_for, keys_table

    _write_stdout(keys_table(keymap_for(_config(args), dict(os.environ))))
    return 0


def run_app(args: argparse.Namespace) -> int:
    wanted = getattr(args, "playbook", None) or ""
    case_text = getattr(args, "case", None)
    resume = args.command == "call" and args.resume
    if resume and (case_text is not None or wanted):
        raise CliError("--resume continues the last interrupted call; leave out --case and "
                       "--playbook")
    if args.command == "call" and case_text is not None and not case_text.strip():
        raise CliError("--case needs a title, e.g. --case \"Coverage restricted\"")
    config = _config(args)
    pause_collector()
    try:
        return _run_app(args, config, wanted, case_text, resume)
    finally:
        gc.enable()  # as the app does after its first paint (an error before it, too)


def _run_app(args: argparse.Namespace, config: Config, wanted: str, case_text: str | None,
             resume: bool) -> int:
    from tui.app import HoldTheLineApp
    from tui.service import Service
    from tui.store import Store

    playbooks, problems = load_all_playbooks(args.playbooks)
    letters, trouble = load_all_letters(args.playbooks)
    problems += trouble
    if wanted and wanted not in playbooks:
        known = ", ".join(sorted(playbooks)) or "none"
        raise CliError(f"no playbook with id '{wanted}' (known: {known})")
    from tui.service.service import RECENT_CALLS

    # Only what home shows is read before the first paint; the rest follows in a worker.
    store = Store.open(paths.data_dir(args.data_dir), early_rows=RECENT_CALLS)
    try:
        service = Service(store, playbooks, problems, letters=letters)
        start = None
        incoming = bool(getattr(args, "incoming", False))
        resume_id = ""
        if resume:
            latest = service.calls.latest_interrupted()
            if latest is None:
                raise CliError("no interrupted call to continue (a call is kept as "
                               "interrupted when the app quits or dies during it)")
            resume_id = latest.id
        elif args.command == "call" and case_text and wanted:
            start = service.calls.request_for_playbook(case_text, wanted)
            if incoming:
                start.direction, start.number = "incoming", args.from_number or ""
        app = HoldTheLineApp(
            service,
            start=start,
            resume=resume_id,
            ask_to_start=args.command == "call" and start is None and not resume,
            start_playbook=wanted,
            start_case=(case_text or "").strip(),
            start_incoming=incoming,
            config=config,
            env=dict(os.environ),
        )
        require_terminal()
        app.run()
    finally:
        store.close()
    return app.return_code or 0


def _read_only_service(args: argparse.Namespace) -> Service:
    """For the commands that only read: works while the app has the data open. A damaged
    file is named and nothing is printed (no export silently missing a case)."""
    from tui.service import Service
    from tui.store import Store

    store = Store.open(paths.data_dir(args.data_dir), read_only=True)
    _refuse_damaged(store.problems)
    return Service(store)


def _reading_exports(args: argparse.Namespace) -> ExportService:
    """``history`` and ``export``: the data read as it is used (a long history in little
    memory), checked as :func:`_read_only_service` checks it."""
    from tui.service.exports import ExportService
    from tui.store.reader import StoreReader

    store = StoreReader.open(paths.data_dir(args.data_dir))
    _refuse_damaged(store.problems)
    return ExportService.for_reading(store)


def _refuse_damaged(problems: Iterable[object]) -> None:
    damaged = [p for p in problems if getattr(p, "kind", "") in ("damaged", "missing")]
    if damaged:
        raise CliError("; ".join(visible(p.describe()) for p in damaged)  # type: ignore[attr-defined]
                       + ". Open the app to restore from a backup (or: holdtheline backup "
                       "list / restore)")


def _write_stdout(text: str) -> None:
    """UTF-8 whatever the locale, bytes exactly as rendered; on a terminal, with any
    control character left in the data shown as ``\x1b`` instead of obeyed."""
    if _is_terminal(sys.stdout):
        text = terminal_text(text)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def _write_stdout_chunks(chunks: Iterable[str], size: int = 64 * 1024) -> None:
    """:func:`_write_stdout` of text made piece by piece, written in batches of whole
    pieces (not a system call per line, never the whole text at once)."""
    batch: list[str] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            _write_stdout("".join(batch))
            batch, held = [], 0
    if batch:
        _write_stdout("".join(batch))


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _write_stdout_bytes(data: bytes) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        raise CliError("cannot write bytes to this output: give -o FILE")
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def run_export(args: argparse.Namespace) -> int:
    exports = _reading_exports(args)
    if args.output:
        result = exports.write(args.format, Path(args.output).expanduser(), args.case,
                               mask=args.mask)
        print(f"Wrote {plural(result.calls, 'call')} in {plural(result.cases, 'case')} to "
              f"{result.path}",
              file=sys.stderr)
    elif args.format == "pdf":
        if sys.stdout.isatty():
            raise CliError("a PDF is not for the terminal: give -o FILE (or redirect it)")
        data, _cases, _listed = exports.render_bytes("pdf", args.case, mask=args.mask)
        _write_stdout_bytes(data)
    else:
        _cases, chunks, _calls = exports.stream(args.format, args.case, mask=args.mask)
        _write_stdout_chunks(chunks)
    return 0


def run_history(args: argparse.Namespace) -> int:
    from tui.export.history import history_json_chunks, history_table_chunks

    if args.grep is not None and not args.grep.strip():
        raise CliError("--grep needs some text to look for")
    exports = _reading_exports(args)
    # Calls are read one at a time and dropped once listed: a long history in little memory.
    cases, calls = exports.select_streamed(args.case)
    titles = {case.id: case.title for case in cases}
    if args.grep:
        from tui.domain.search import matches

        grep = args.grep
        calls = (call for call in calls if matches(call, grep, titles.get(call.case_id, "")))
    if args.json:
        _write_stdout_chunks(history_json_chunks(calls))
        return 0
    table = history_table_chunks(calls, titles)
    first = next(table, None)
    if first is None:
        print("no calls" + (" match" if args.grep else ""), file=sys.stderr)
        return 0
    _write_stdout_chunks([first])
    _write_stdout_chunks(table)
    return 0


def run_demo_command(args: argparse.Namespace) -> int:
    try:
        from tui.demo import run_demo
    except ModuleNotFoundError as error:
        if error.name != "tui.demo":
            raise
        raise CliError("the demo is not available in this build") from None
    return run_demo(args)


def run_backup(args: argparse.Namespace) -> int:
    from tui.store.backup import find_backup, list_backups

    data_dir = paths.data_dir(args.data_dir)
    if args.action == "list":
        found = list_backups(data_dir)
        if not found:
            print(f"no backups yet in {data_dir / 'backups'}", file=sys.stderr)
            return 0
        for number, info in enumerate(found, start=1):
            print(f"{number:>3}  {info.name:<40}  {plural(info.cases, 'case')}, "
                  f"{plural(info.calls, 'call')}")
        return 0
    from tui.store import Store

    store = Store.open(data_dir, backup=False)
    try:
        if args.action == "now":
            try:
                info = store.backup_now("manual")
            except OSError as error:
                raise CliError(f"cannot back up: {error.strerror or error}") from None
            print(f"Backed up {plural(info.cases, 'case')} and {plural(info.calls, 'call')} "
                  f"to {info.path}")
            return 0
        try:
            chosen = find_backup(data_dir, args.which)
        except LookupError as error:
            raise CliError(str(error)) from None
        try:
            before = store.restore_backup(chosen)
        except OSError as error:
            raise CliError(f"cannot restore: {error.strerror or error}") from None
    finally:
        store.close()
    print(f"Restored the backup {chosen.name} ({plural(chosen.cases, 'case')}, "
          f"{plural(chosen.calls, 'call')}); your data as it was is in the backup "
          f"{before.name}")
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    from tui.store import Store

    data_dir = paths.data_dir(args.data_dir)
    store = Store.open(data_dir, backup=False)
    try:
        if args.file is None:
            found = store.conflicts()
            for problem in found:
                print(visible(str(problem.path)))
            if not found:
                print("no sync conflicts", file=sys.stderr)
            return 0
        if args.keep is None:
            raise CliError("say which version to keep: --keep mine or --keep theirs")
        path = Path(args.file).expanduser()
        if not path.is_absolute():
            path = data_dir / path if (data_dir / path).exists() else path.resolve()
        print(store.resolve_conflict(path, args.keep))
    finally:
        store.close()
    return 0


def run_import(args: argparse.Namespace) -> int:
    from tui.service import Service
    from tui.store import Store

    # No backup on open: the import takes one itself, only when it will add something.
    store = Store.open(paths.data_dir(args.data_dir), backup=False)
    try:
        for problem in store.problems:
            if problem.kind == "undone":
                print(f"holdtheline: {visible(problem.reason)}", file=sys.stderr)
        service = Service(store)
        try:
            report = service.import_file(Path(args.file).expanduser())
        except ServiceError as error:
            raise CliError(f"{args.file}: {error}") from None
        if not store.flush():
            raise CliError("could not write everything to disk; nothing was lost, try again")
    finally:
        store.close()
    for conflict in report.conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    print(f"Imported {args.file}: {report.summary()}")
    return 0


TEXT_ARGUMENTS = {"case": "--case", "from_number": "--from", "grep": "--grep", "id": "ID"}
"""Arguments that become stored or searched text (not file names)."""


def _clean_text_arguments(args: argparse.Namespace) -> None:
    """Bytes that are not UTF-8 in a text argument become U+FFFD, and the user is told
    (Python hands them over as lone surrogates, which cannot be saved)."""
    for attribute, label in TEXT_ARGUMENTS.items():
        value = getattr(args, attribute, None)
        if isinstance(value, str) and has_lone_surrogate(value):
            setattr(args, attribute, without_surrogates(value))
            print(f"holdtheline: {label}: bytes that are not UTF-8 were replaced with "
                  "\ufffd", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _clean_text_arguments(args)
    try:
        return _dispatch(args)
    except Exception as error:  # a bug: one paragraph and a crash log, no traceback
        from tui.crashlog import crash_dir, crash_message, write_crash_log

        try:
            folder = crash_dir(paths.data_dir(args.data_dir))
        except Exception:
            folder = Path(os.devnull)
        log = write_crash_log(error, folder)
        print(crash_message(log, saved=True), file=sys.stderr)
        return 70


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "export":
            return run_export(args)
        if args.command == "playbooks":
            return run_playbooks(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "history":
            return run_history(args)
        if args.command == "demo":
            return run_demo_command(args)
        if args.command == "keys":
            return run_keys(args)
        if args.command == "followups":
            return run_followups(args)
        if args.command == "backup":
            return run_backup(args)
        if args.command == "conflicts":
            return run_conflicts(args)
        if args.command == "letters":
            return run_letters(args)
        if args.command == "letter":
            return run_letter(args)
        return run_app(args)
    except NoTerminal as error:
        print(f"holdtheline: {error}", file=sys.stderr)
        return 2
    except (LaunchError, StoreError, ServiceError, ConfigError) as error:
        print(f"holdtheline: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``holdtheline history | head``): stop quietly.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
