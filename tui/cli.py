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
    return parser


def _playbook_dirs(args: argparse.Namespace) -> list[Path]:
    dirs = [paths.shipped_playbooks_dir(), paths.user_playbooks_dir()]
    for extra in args.playbooks:
        path = Path(extra).expanduser()
        if not path.is_dir():
            raise CliError(f"--playbooks {extra}: no such folder")
        dirs.append(path)
    return dirs


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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            return run_export(args)
        return run_app(args)
    except (CliError, StoreError) as error:
        print(f"holdtheline: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
