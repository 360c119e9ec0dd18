"""How close to a bare Textual app a complete home screen can start, whatever our code does.

    .venv/bin/python bench/shell_floor.py [--runs 7]

Times (fresh processes, from spawn to the first frame drawn, interleaved, median) a bare
app with one ``Static`` against a *shell* of home: the widgets a complete home screen
needs (a header, three titled tables of ten rows, a footer of eight keys) and nothing
of Hold the Line (no store, no playbooks, no domain code). The shell's ratio is the
floor under issue 11's "first paint of home <= 1.2x bare" goal on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLES = ["Start call", "They called", "New case", "History", "Reps", "Playbooks", "Quit",
          "Export"]


def child(kind: str) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Static

    marks: dict[str, float] = {}

    class Shell(App[None]):
        BINDINGS = [Binding(key, "bell", title)
                    for key, title in zip("cnahdpqx", TITLES, strict=True)]

        def compose(self) -> ComposeResult:
            if kind == "bare":
                yield Static("hello")
                return
            from textual.widgets import DataTable, Footer, Header

            yield Header()
            for number in range(3):
                yield Static(f"Section {number}")
                yield DataTable(id=f"table-{number}")
            yield Footer()

        def on_mount(self) -> None:
            if kind == "shell":
                from textual.widgets import DataTable

                for table in self.query(DataTable):
                    for column in range(6):
                        table.add_column(f"column {column}", width=12)
                    for row in range(10):
                        table.add_row(*(f"row {row} cell {column}" for column in range(6)))
            self.call_after_refresh(self._ready)

        def _ready(self) -> None:
            marks["ready"] = time.monotonic()
            self.exit()

    Shell().run(headless=True, size=(120, 40))
    print("HTL-BENCH " + json.dumps(marks), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=["bare", "shell"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sys.path.insert(0, str(HERE))
    import startup

    ready: dict[str, list[float]] = {"bare": [], "shell": []}
    for _ in range(args.runs):
        for kind in ready:  # interleaved: machine noise hits both alike
            ready[kind].append(startup.run_once([__file__, "--child", kind])["ready"])
    bare, shell = (statistics.median(ready[kind]) for kind in ("bare", "shell"))
    print(f"first frame, median of {args.runs}: bare {bare * 1e3:.0f} ms, home's widgets "
          f"alone {shell * 1e3:.0f} ms: {shell / bare:.2f}x bare (issue 11 asks <= 1.20x "
          "for the complete home)")


if __name__ == "__main__":
    main()
