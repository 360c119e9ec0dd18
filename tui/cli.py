"""The ``holdtheline`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from tui import __version__, paths
from tui.domain.clock import SystemClock
from tui.domain.timefmt import to_iso
from tui.store import Store, StoreError


class CliError(Exception):
    """A problem to report in one line, with exit status 1."""


class Parser(argparse.ArgumentParser):
    """argparse, but errors are one line and never a traceback."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    call = commands.add_parser("call", help="go straight into a live call")
    call.add_argument("--case", metavar="TEXT", help="the case's title (created if new) or id")
    call.add_argument("--playbook", metavar="ID", help="the playbook of whom you are calling")
    export = commands.add_parser("export", help="print every case and call")
    export.add_argument("--format", required=True, choices=["json", "md"], help="json or md")
    export.add_argument("--case", metavar="TEXT", help="only this case (title or id)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    importer = commands.add_parser("import", help="merge a JSON export (twice adds nothing)")
    importer.add_argument("file", metavar="FILE")
    playbooks = commands.add_parser("playbooks", help="list, show or check playbooks")
    actions = playbooks.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser,
                                       required=True)
    actions.add_parser("list", help="every playbook: id, name, kind, where it came from")
    show = actions.add_parser("show", help="one playbook, in full")
    show.add_argument("id", metavar="ID")
    validate = actions.add_parser("validate", help="check playbook files; exit 1 on any problem")
    validate.add_argument("paths", metavar="PATH", nargs="+", help="files or folders")
    return parser


def _playbook_dirs(args: argparse.Namespace) -> list[tuple[Path, str]]:
    dirs = [(paths.shipped_playbooks_dir(), "shipped"), (paths.user_playbooks_dir(), "user")]
    for extra in args.playbooks:
        path = Path(extra).expanduser()
        if not path.is_dir():
            raise CliError(f"--playbooks {extra}: no such folder")
        dirs.append((path, "--playbooks"))
    return dirs


def run_playbooks(args: argparse.Namespace) -> int:
    from tui.domain.text import visible
    from tui.playbooks import load_playbooks
    from tui.playbooks.render import render_text

    dirs = _playbook_dirs(args)
    if args.action == "validate":
        targets: list[tuple[Path, str]] = []
        for given in args.paths:
            path = Path(given).expanduser()
            if not path.exists():
                raise CliError(f"{given}: no such file or folder")
            targets.append((path, "validate"))
        checked = {
            file.resolve()
            for path, _ in targets
            for file in ([path] if path.is_file() else [*path.glob("*.yaml"), *path.glob("*.yml")])
        }
        found, problems = load_playbooks([*dirs, *targets])
        mine = [p for p in problems if p.path.resolve() in checked]
        for problem in mine:
            print(visible(str(problem)))
        bad = {p.path.resolve() for p in mine}
        if mine:
            print(f"{len(bad)} of {len(checked)} file(s) have problems", file=sys.stderr)
            return 1
        print(f"{len(checked)} playbook file(s) OK", file=sys.stderr)
        return 0
    found, problems = load_playbooks(dirs)
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
        playbook = found.get(args.id)
        if playbook is None:
            known = ", ".join(sorted(found)) or "none"
            raise CliError(f"no playbook with id '{args.id}' (known: {known})")
        names = {pid: pb.name for pid, pb in found.items()}
        sys.stdout.write(render_text(playbook, names))
    if problems:
        files = sorted({str(p.path) for p in problems})
        print(f"{len(files)} playbook file(s) could not be loaded: {', '.join(files)} "
              "(see holdtheline playbooks validate)", file=sys.stderr)
    return 0


def run_app(args: argparse.Namespace) -> int:
    from tui.app import HoldTheLineApp
    from tui.playbooks import load_playbooks
    from tui.screens.start_call import CallRequest

    playbooks, problems = load_playbooks(_playbook_dirs(args))
    start: CallRequest | None = None
    wanted = getattr(args, "playbook", None) or ""
    if wanted and wanted not in playbooks:
        known = ", ".join(sorted(playbooks)) or "none"
        raise CliError(f"no playbook with id '{wanted}' (known: {known})")
    case_text = getattr(args, "case", None)
    if args.command == "call" and case_text is not None and not case_text.strip():
        raise CliError("--case needs a title, e.g. --case \"Coverage restricted\"")
    store = Store.open(paths.data_dir(args.data_dir))
    try:
        if args.command == "call" and case_text and wanted:
            found = store.find_case(case_text)
            playbook = playbooks[wanted]
            start = CallRequest(
                case_title=found.title if found else case_text.strip(),
                organisation=playbook.name,
                playbook_id=playbook.id,
                number=playbook.main_number,
            )
        app = HoldTheLineApp(
            store,
            playbooks,
            problems,
            start=start,
            ask_to_start=args.command == "call" and start is None,
            start_playbook=wanted,
            start_case=(case_text or "").strip(),
        )
        app.run()
    finally:
        store.close()
    return 0


def run_export(args: argparse.Namespace) -> int:
    from tui.export import export_json, export_markdown

    store = Store.open(paths.data_dir(args.data_dir), read_only=True)
    cases = store.list_cases()
    if args.case:
        case = store.find_case(args.case)
        if case is None:
            raise CliError(f"no case called '{args.case}'")
        cases = [case]
    case_ids = {case.id for case in cases}
    calls = [call for call in store.iter_calls() if call.case_id in case_ids]
    exported_at = to_iso(SystemClock().now())
    render = export_json if args.format == "json" else export_markdown
    text = render(cases, calls, exported_at)
    if args.output:
        from tui.store.atomic import write_private_file

        target = Path(args.output).expanduser()
        if not target.parent.is_dir():
            raise CliError(f"-o {args.output}: the folder {target.parent} does not exist")
        try:
            write_private_file(target, text.encode("utf-8"))
        except OSError as error:
            raise CliError(f"cannot write {args.output}: {error.strerror}") from error
        print(f"Wrote {len(calls)} call(s) in {len(cases)} case(s) to {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_import(args: argparse.Namespace) -> int:
    import json

    from tui.export.importer import ImportError_, import_document

    path = Path(args.file).expanduser()
    try:
        document = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CliError(f"{args.file}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {args.file}: {error}") from None
    except json.JSONDecodeError as error:
        raise CliError(f"{args.file} is not valid JSON (line {error.lineno})") from None
    store = Store.open(paths.data_dir(args.data_dir))
    try:
        try:
            report = import_document(store, document)
        except ImportError_ as error:
            raise CliError(f"{args.file}: {error}") from None
        if not store.flush():
            raise CliError("could not write everything to disk; nothing was lost, try again")
    finally:
        store.close()
    for conflict in report.conflicts:
        print(f"conflict: {conflict}", file=sys.stderr)
    print(f"Imported {args.file}: {report.summary()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            return run_export(args)
        if args.command == "playbooks":
            return run_playbooks(args)
        if args.command == "import":
            return run_import(args)
        return run_app(args)
    except (CliError, StoreError) as error:
        print(f"holdtheline: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
