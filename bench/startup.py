"""Start-up time of Hold the Line against a bare Textual app, in the same run.

    .venv/bin/python bench/startup.py                    # --sizes 10,10000 --repeat 7

Every run is a fresh ``python`` process (headless, 80x24). The clock starts in
the parent just before the process is spawned (``time.monotonic()``, which is
system-wide on Linux) and stops inside the child when its first screen is
ready:

* ``bare``   a plain ``textual.app.App`` with one ``Static("hello")``; ready
             after the first refresh following mount (``call_after_refresh``).
* ``N``      ``tui.app.HoldTheLineApp(store, playbooks, problems)`` on a data
             directory with N calls (``bench/datagen.py``), with the shipped
             playbooks, exactly as ``holdtheline`` builds it; ready after the
             first refresh once the home screen is mounted and its tables are
             filled.

The child then exits; ``exit`` is spawn to process end. ``python -c pass``
gives the interpreter's own share. Runs are interleaved (bare, 10, 10000,
bare, ...) so that machine noise hits all of them alike. The ratio is
median(ours) / median(bare).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# -- the child ---------------------------------------------------------------
def child(kind: str, data_dir: str | None) -> None:
    marks: dict[str, float] = {}

    def emit() -> None:
        print("HTL-BENCH " + json.dumps(marks), flush=True)

    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        marks["imported"] = time.monotonic()

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("hello")

            def on_mount(self) -> None:
                self.call_after_refresh(self._bench_ready)

            def _bench_ready(self) -> None:
                marks["ready"] = time.monotonic()
                self.exit()

        bare = Bare()
        bare.run(headless=True)
        emit()
        if bare.return_code:
            raise SystemExit(bare.return_code)
        return

    sys.path.insert(0, str(ROOT))
    # As ``holdtheline`` starts (tui.cli.run_app): the collector paused, every playbook
    # and letter loaded, the store opened, then the app.
    from tui.launch import load_all_letters, load_all_playbooks, pause_collector

    pause_collector()
    from textual.widgets import DataTable

    from tui.app import HoldTheLineApp
    from tui.screens.home import HomeScreen
    from tui.service import Service
    from tui.service.service import RECENT_CALLS
    from tui.store import Store

    marks["imported"] = time.monotonic()
    playbooks, problems = load_all_playbooks([])
    letters, trouble = load_all_letters([])
    marks["playbooks"] = time.monotonic()
    assert data_dir is not None
    store = Store.open(Path(data_dir), early_rows=RECENT_CALLS)  # as holdtheline does
    marks["store_open"] = time.monotonic()
    expected = min(50, store.call_count())

    import tui.app

    class Timed(HoldTheLineApp):
        # CSS_PATH is resolved next to the class's module: point it back at tui/.
        CSS_PATH = [Path(tui.app.__file__).parent / str(path) for path in HoldTheLineApp.CSS_PATH]

        # Textual runs every class's on_mount along the MRO: this one, then the app's.
        def on_mount(self) -> None:
            self.call_after_refresh(self._bench_poll)

        def _bench_poll(self) -> None:
            screen = self.screen
            if isinstance(screen, HomeScreen) and screen.is_mounted:
                tables = screen.query("#calls-table").results(DataTable)
                table = next(iter(tables), None)
                if table is not None and table.row_count == expected:
                    marks["home_mounted"] = time.monotonic()
                    self.call_after_refresh(self._bench_ready)
                    return
            self.call_after_refresh(self._bench_poll)

        def _bench_ready(self) -> None:
            marks["ready"] = time.monotonic()
            self.exit()

    app = Timed(Service(store, playbooks, problems + trouble, letters=letters))
    try:
        app.run(headless=True)
    finally:
        store.close()
    emit()
    if app.return_code:
        raise SystemExit(app.return_code)


# -- the parent --------------------------------------------------------------
def run_once(args: list[str]) -> dict[str, float]:
    env = dict(os.environ)
    for name in ("TEXTUAL", "TEXTUAL_SCREENSHOT", "TEXTUAL_PRESS"):
        env.pop(name, None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, timeout=120
    )
    ended = time.monotonic()
    if done.returncode != 0:
        raise SystemExit(f"startup: child {args} failed ({done.returncode}):\n{done.stderr}")
    result = {"exit": ended - started}
    for line in done.stdout.splitlines():
        if line.startswith("HTL-BENCH "):
            marks = json.loads(line[len("HTL-BENCH "):])
            result.update({key: value - started for key, value in marks.items()})
    if args[:1] != ["-c"] and "ready" not in result:
        raise SystemExit(f"startup: child {args} never reported ready:\n{done.stdout}")
    return result


def median(runs: list[dict[str, float]], key: str) -> float | None:
    values = [run[key] for run in runs if key in run]
    return statistics.median(values) if values else None



def compile_bytecode() -> None:
    """Byte-compile ``tui`` first, as ``pip install`` does: an installed app starts from
    ``.pyc`` files, and a run with ``PYTHONDONTWRITEBYTECODE`` set (or a fresh checkout)
    would otherwise time Python compiling our sources on every start (about 130 ms)."""
    import compileall

    compileall.compile_dir(str(ROOT / "tui"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="App start-up vs a bare Textual app.")
    parser.add_argument("--sizes", default="10,10000", help="history sizes, default 10,10000")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each kind (default 7)")
    parser.add_argument("--child", choices=["bare", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.data_dir)
        return 0
    compile_bytecode()

    sys.path.insert(0, str(HERE))
    import datagen

    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    script = str(Path(__file__).resolve())
    workdir = Path(tempfile.mkdtemp(prefix="htl-startup-", dir="/tmp"))
    try:
        kinds: list[tuple[str, list[str]]] = [
            ("python -c pass", ["-c", "pass"]),
            ("bare Textual", [script, "--child", "bare"]),
        ]
        for size in sizes:
            data_dir = workdir / f"data-{size}"
            stats = datagen.build(data_dir, size)
            print(f"built {size} calls ({stats['index_bytes'] / 1e6:.2f} MB index) "
                  f"in {stats['seconds']:.1f} s", flush=True)
            kinds.append((f"ours, {size} calls",
                          [script, "--child", "ours", "--data-dir", str(data_dir)]))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in kinds}
        for _name, child_args in kinds:  # warm the OS file cache once, not measured
            run_once(child_args)
        for _ in range(args.repeat):
            for name, child_args in kinds:
                runs[name].append(run_once(child_args))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"Start-up, median of {args.repeat} runs, ms from spawn; {os.cpu_count()} CPUs, "
          "headless 80x24")
    columns = [("imported", "imports"), ("playbooks", "playbooks"), ("store_open", "store open"),
               ("home_mounted", "home filled"), ("ready", "READY"), ("exit", "exited")]
    heads = ["run"] + [title for _, title in columns] + ["ready min", "ready max"]
    rows = []
    for name, _ in kinds:
        row = [name]
        for key, _ in columns:
            value = median(runs[name], key)
            row.append("" if value is None else f"{value * 1e3:.0f}")
        ready = [run["ready"] for run in runs[name] if "ready" in run]
        row += [f"{min(ready) * 1e3:.0f}", f"{max(ready) * 1e3:.0f}"] if ready else ["", ""]
        rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            value.ljust(width) if i == 0 else value.rjust(width)
            for i, (value, width) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(heads))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row))

    bare = median(runs["bare Textual"], "ready")
    print()
    for size in sizes:
        ours = median(runs[f"ours, {size} calls"], "ready")
        if bare and ours:
            print(f"ratio ours ({size} calls) / bare: ready {ours / bare:.2f}x "
                  f"(+{(ours - bare) * 1e3:.0f} ms)")
    if len(sizes) >= 2:
        small = median(runs[f"ours, {sizes[0]} calls"], "ready")
        large = median(runs[f"ours, {sizes[-1]} calls"], "ready")
        if small and large:
            print(f"ratio ours {sizes[-1]} / {sizes[0]} calls: ready {large / small:.2f}x "
                  f"(+{(large - small) * 1e3:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
