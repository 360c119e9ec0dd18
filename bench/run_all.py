"""Every goal of issue 11 ("Store v2") in one run, as ratios against floors measured
in the same run.

    .venv/bin/python bench/run_all.py --sizes 10,10000,50000 --data-root /tmp/htl-bench

For each size N the data directory ``<data-root>/data-N`` is built once (the demo's
synthetic history, ``bench/datagen.py``) and reused by later runs. Then:

* **paint**  first paint of the complete home screen vs a bare Textual app (fresh
  processes, from spawn, median of ``--repeat``; as ``bench/startup.py``).
* **ui**     one headless app process (``App.run_test``) with a sampler task that
  wakes every 5 ms and records how late it woke (event-loop lag) and a ``gc``
  callback that records every collection's pause. The app opens the data as
  ``holdtheline`` does (lazily): the time its worker takes to read the older rows after
  the first paint, and the longest stall meanwhile, then
    dial and hang-up (three of each, judged on the median), to the organisation called
    most (its earlier calls are read for the rep hints): longest stall from the
    key until the save is on disk (and the home screen refilled after hang-up); bytes
    the process wrote (``/proc/self/io`` ``wchar``) for the first of each;
    typing 80 characters into the live call (the rep's first name, where it opens), 30 ms
    apart, right after the first dial (while the rep hints are read), each key posted as
    the terminal driver posts it: p99 lag and the longest stall (including GC), against
    a bare app with one ``Input`` typed into the same way;
    history: from ``h`` to the first rows on screen, and to every call loaded, and the
    longest stall meanwhile; one filter keystroke (longest of 6, until the frame that
    draws the table's rows for it, not only the field); statistics. Keys for
    these are posted the same way and timed until the first frame written with their
    effect, without Pilot's waits for the process to go idle (which last as long as a
    worker reads in the background, up to 2 s a key).
* **cli**    ``history``, ``history --json`` and ``export`` in every format (to a
  file), each a fresh process: CPU (user+sys) and peak RSS against the floor, a
  process that reads and ``json.loads`` every data file one at a time (streaming).
* **demo**   ``holdtheline demo --calls N --into DIR``: seconds (only with ``--demo``).
* **import** the JSON export of the data imported into an empty folder (seconds, peak
  RSS), then again (must add nothing).

Ratios are printed as ``goal ... : value (target)``. Timings use the monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

CLI = "import sys; from tui.cli import main; sys.exit(main())"
FLOOR = """
import json, os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(('backups', '.'))]
    for name in files:
        if name.endswith('.json'):
            with open(os.path.join(root, name), 'rb') as fh:
                doc = json.loads(fh.read())
            sys.stdout.write(json.dumps(doc)[:0])
            n += 1
print(n)
"""


def wchar() -> int:
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("wchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Event-loop lag every 5 ms, and every GC pause."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []
        self.gc_pauses: list[tuple[float, float, int]] = []
        self._gc_start = 0.0
        self._task: asyncio.Task[None] | None = None

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = time.monotonic()
        else:
            self.gc_pauses.append((self._gc_start, time.monotonic() - self._gc_start,
                                   info.get("generation", 0)))

    async def _run(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.005)
            after = time.monotonic()
            self.samples.append((after, after - before - 0.005))

    def start(self) -> None:
        gc.callbacks.append(self._gc)
        self._task = asyncio.get_running_loop().create_task(self._run())

    def window(self, start: float, end: float) -> dict[str, float]:
        lags = sorted(lag for at, lag in self.samples if start <= at <= end + 0.05)
        gcs = [took for at, took, _gen in self.gc_pauses if start <= at <= end]
        if not lags:
            return {"p99": 0.0, "max": 0.0, "gc_max": max(gcs, default=0.0)}
        p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
        return {"p99": p99, "max": lags[-1], "gc_max": max(gcs, default=0.0)}


async def wait_for(check: Any, timeout: float | None = None) -> None:
    """Wait until ``check()`` holds; a bench that cannot get there says what it waited for."""
    limit = timeout if timeout is not None else float(os.environ.get("HTL_BENCH_WAIT", "300"))
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            name = getattr(check, "__name__", "")
            raise SystemExit(f"bench: timed out waiting ({name}: {check.__doc__ or ''})".strip())
        await asyncio.sleep(0.002)


async def press_until(app: Any, key: str, handled: Any) -> float:
    """Seconds from posting ``key`` until the first frame written with ``handled()`` true:
    the frame that shows the key's effect (checked as each frame is written, so the
    figure is the key's own latency, not the wait for a later frame).

    Posted as ``Pilot.press`` posts it, but without its waits for the whole process to
    go idle (up to 2 s, and never while a worker reads in the background), which would
    measure the test harness instead of the screen.
    """
    from textual import events

    char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    shown: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    display = app._display

    def written(screen: Any, update: Any) -> None:
        ready = update is not None and not shown.done() and handled()  # made after it
        display(screen, update)
        if ready:
            shown.set_result(time.monotonic())

    app._display = written
    began = time.monotonic()
    try:
        app._driver.send_message(event)
        await wait_for(lambda: shown.done())
        return shown.result() - began
    finally:
        del app._display  # the class's own again


TYPED = "".join("abcdefghij "[index % 11] for index in range(80))
"""What the typing measure types: 80 keys, words of ten letters."""


async def type_like_a_terminal(app: Any, interval: float = 0.03) -> None:
    """``TYPED`` into the focused field, one key every ``interval`` s, each posted as the
    terminal driver posts it; returns once the field holds it all.

    ``Pilot.press`` waits after each key for every widget of the screen to handle a
    message it sends them (``Pilot._wait_for_screen``): some 60 messages a key on the
    call screen, one in the bare app, which the sampler would count as the app's lag.
    """
    from textual import events

    field = app.focused
    before = field.value
    for char in TYPED:
        event = events.Key("space" if char == " " else char, char)
        event.set_sender(app)
        app._driver.send_message(event)
        await asyncio.sleep(interval)

    def typed() -> bool:
        """every key typed shows in the field"""
        return bool(field.value == before + TYPED)

    await wait_for(typed)


DIAL_CYCLES = 3
"""Dial and hang-up are timed this many times (a single stall on this VM varies by
tens of milliseconds from run to run); the goal is judged on the median."""


def ui_child(kind: str, data_dir: str | None) -> None:
    result: dict[str, Any] = {}
    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Input

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Input(id="box")

        async def bare_main() -> None:
            app = Bare()
            async with app.run_test(headless=True, size=(120, 40)) as pilot:
                sampler = Sampler()
                sampler.start()
                app.query_one("#box", Input).focus()
                await pilot.pause()
                start = time.monotonic()
                await type_like_a_terminal(app)
                result["typing"] = sampler.window(start, time.monotonic())
                box = app.query_one("#box", Input)
                box.value = ""
                await pilot.pause()
                presses = []
                for index, char in enumerate("denied"):
                    typed = "denied"[:index + 1]
                    presses.append(await press_until(app, char, lambda t=typed: box.value == t))
                    await asyncio.sleep(0.05)
                result["filter_key"] = max(presses)

        asyncio.run(bare_main())
        print("HTL-UI " + json.dumps(result), flush=True)
        return

    from tui.launch import load_all_letters, load_all_playbooks, pause_collector

    pause_collector()  # as holdtheline starts (tui.cli.run_app); the app resumes it
    from textual.widgets import DataTable

    import tui.app
    from tui.app import HoldTheLineApp
    from tui.screens.home import HomeScreen
    from tui.service import CallRequest, EndCallResult, Service
    from tui.service.service import RECENT_CALLS
    from tui.store import Store

    assert data_dir is not None
    playbooks, problems = load_all_playbooks([])
    letters, trouble = load_all_letters([])
    problems += trouble
    store = Store.open(Path(data_dir), early_rows=RECENT_CALLS)  # as holdtheline does
    total = store.call_count()

    class Timed(HoldTheLineApp):
        CSS_PATH = [Path(tui.app.__file__).parent / str(path) for path in HoldTheLineApp.CSS_PATH]

    def home_filled(app: HoldTheLineApp, extra: int = 0) -> bool:
        """home is on screen with every recent call it should list (``extra`` made since)."""
        screen = app.screen
        if not isinstance(screen, HomeScreen) or not screen.is_mounted:
            return False
        table = next(iter(screen.query("#calls-table").results(DataTable)), None)
        return table is not None and table.row_count == min(50, total + extra)

    async def main() -> None:
        service = Service(store, playbooks, problems, letters=letters)
        app = Timed(service)
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            sampler = Sampler()
            sampler.start()
            await wait_for(lambda: home_filled(app))
            began = time.monotonic()
            # A long history's older rows are read in a worker after the first paint: the
            # measures below start once it is done (as a user who dials a second later).
            await wait_for(lambda: not service.rows_to_read() and not any(
                worker.group == "read-rows" and not worker.is_finished
                for worker in app.workers))
            result["rows_read"] = sampler.window(began, time.monotonic()) | {
                "seconds": time.monotonic() - began}
            await pilot.pause(0.3)
            title = store.list_cases()[0].title
            # The organisation called most: its earlier calls are read for the rep hints
            # while the user types (the longest such read a history can have).
            busiest = Counter(row.organisation for row in store.call_summaries()
                              ).most_common(1)[0][0]
            from tui.screens.call import CallScreen
            dials: list[dict[str, float]] = []
            hangups: list[dict[str, float]] = []

            async def step(act: Any, done: Any) -> dict[str, float]:
                """``act()``, then wait until ``done()`` and the save is on disk: the
                sampler's window, the seconds it took and the bytes written meanwhile."""
                written = wchar()
                start = time.monotonic()
                act()
                await wait_for(done)
                await asyncio.to_thread(store.flush)
                end = time.monotonic()
                return sampler.window(start, end) | {
                    "seconds": end - start, "bytes": wchar() - written}

            for cycle in range(DIAL_CYCLES):
                dials.append(await step(  # -- dial
                    lambda: app.begin_call(CallRequest(case_title=title,
                                                       organisation=busiest)),
                    lambda: isinstance(app.screen, CallScreen)))
                await pilot.pause(0.3)
                if cycle == 0:  # -- typing
                    start = time.monotonic()
                    await type_like_a_terminal(app)
                    result["typing"] = sampler.window(start, time.monotonic())
                    await asyncio.to_thread(store.flush)
                    await pilot.pause(0.3)
                # -- hang up
                screen = app.screen
                assert isinstance(screen, CallScreen)

                def refilled(made: int = cycle + 1, ended: str = screen.session.call.id
                             ) -> bool:
                    """home shows the ended call on top, as resolved"""
                    if not home_filled(app, extra=made):
                        return False
                    table = app.screen.query_one("#calls-table", DataTable)
                    key = table.coordinate_to_cell_key((0, 0)).row_key.value
                    return key == ended and "resolved" in str(table.get_row_at(0)[-1]).lower()

                hangups.append(await step(
                    lambda ending=screen: ending._ended(
                        EndCallResult(outcome="resolved", summary="bench")),
                    refilled))
                await pilot.pause(0.3)
            # The first of each, with every run's longest stall.
            result["dial"] = dials[0] | {"runs": [run["max"] for run in dials]}
            result["hangup"] = hangups[0] | {"runs": [run["max"] for run in hangups]}
            # -- history
            from tui.screens.history import HistoryScreen
            def rows_shown() -> bool:
                screen = app.screen
                return (isinstance(screen, HistoryScreen) and screen.is_mounted
                        and screen.query_one(DataTable).row_count > 0)

            start = time.monotonic()
            first = start + await press_until(app, "h", rows_shown)
            history = app.screen
            assert isinstance(history, HistoryScreen)

            def complete() -> bool:
                done = getattr(history, "fully_loaded", None)
                if done is not None:
                    return bool(done)
                return len(getattr(history, "calls", [])) >= total + DIAL_CYCLES

            await wait_for(complete)
            end = time.monotonic()
            result["history"] = sampler.window(start, end) | {
                "first_rows": first - start, "all": end - start}
            await pilot.pause(0.3)
            history.action_focus_filter()
            await pilot.pause()
            # A key's frame is the one that draws the table's rows for the new filter: the
            # field alone can be drawn a frame earlier (the table hands over its refresh
            # once it has handled its own messages).
            table = history.query_one(DataTable)
            drawn_for = [history._query]
            render_lines = table.render_lines

            def rendered(crop: Any) -> Any:
                drawn_for[0] = history._query
                return render_lines(crop)

            table.render_lines = rendered  # type: ignore[method-assign]
            presses = []
            start = time.monotonic()
            for index, char in enumerate("denied"):
                typed = "denied"[:index + 1]
                presses.append(await press_until(
                    app, char, lambda t=typed: drawn_for[0] == t))
                await asyncio.sleep(0.05)
            del table.render_lines
            result["filter"] = sampler.window(start, time.monotonic()) | {
                "key_max": max(presses), "key_med": statistics.median(presses)}
            await pilot.press("escape")
            from tui.screens.stats import StatsScreen
            start = time.monotonic()
            history.action_stats()
            await wait_for(lambda: isinstance(app.screen, StatsScreen) and app.screen.is_mounted)
            done = getattr(app.screen, "ready", None)
            if done is not None:
                await wait_for(lambda: bool(app.screen.ready))  # type: ignore[attr-defined]
            drawn: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            app.call_after_refresh(lambda: drawn.done() or drawn.set_result(time.monotonic()))
            result["stats"] = {"seconds": await drawn - start}
            result["gc_max_all"] = max((p[1] for p in sampler.gc_pauses), default=0.0)

    try:
        asyncio.run(main())
    finally:
        store.close()
    print("HTL-UI " + json.dumps(result), flush=True)


# -- the parent ------------------------------------------------------------------------
def run_ui(kind: str, data_dir: Path | None) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--ui-child", kind]
    if data_dir is not None:
        args += ["--data-dir", str(data_dir)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    done = subprocess.run(args, capture_output=True, text=True, timeout=1800, env=env)
    if done.returncode != 0:
        print(f"ui child {kind} failed:\n{done.stderr[-3000:]}", flush=True)
        return {}
    for line in done.stdout.splitlines():
        if line.startswith("HTL-UI "):
            result: dict[str, Any] = json.loads(line[len("HTL-UI "):])
            return result
    return {}


def run_measured(args: list[str], timeout: float = 1800,
                 stdout: Any = subprocess.DEVNULL) -> dict[str, Any]:
    """CPU seconds (user+sys), peak RSS (MB), wall seconds and exit status of a process."""
    # /usr/bin/time reports the peak RSS of the command itself (wait4's figure for a
    # child forked from this big process would carry this process's own peak).
    peak_file = tempfile.NamedTemporaryFile(suffix=".rss", delete=False)
    peak_file.close()
    timed = ["/usr/bin/time", "-f", "%M", "-o", peak_file.name, *args]
    started = time.monotonic()
    proc = subprocess.Popen(timed, stdout=stdout, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    code = os.waitstatus_to_exitcode(status)
    try:
        peak_kb = float(Path(peak_file.name).read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        peak_kb = 0.0
    os.unlink(peak_file.name)
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss": peak_kb / 1024,
            "wall": wall, "rc": code, "err": err.strip()[-400:],
            "out": out.strip()[-300:]}


def cli(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI, "--data-dir", str(data_dir), *args]


def measure_cli(data_dir: Path, work: Path) -> dict[str, Any]:
    found: dict[str, Any] = {"floor": run_measured([sys.executable, "-c", FLOOR, str(data_dir)])}
    found["history"] = run_measured(cli(data_dir, "history"))
    found["history --json"] = run_measured(cli(data_dir, "history", "--json"))
    for fmt in ("md", "csv", "json", "ics"):
        target = work / f"export.{fmt}"
        found[f"export {fmt}"] = run_measured(cli(data_dir, "export", "--format", fmt,
                                                  "-o", str(target)))
        found[f"export {fmt}"]["bytes"] = target.stat().st_size if target.exists() else 0
    return found


def measure_import(data_dir: Path, work: Path) -> dict[str, Any]:
    export = work / "export.json"
    if not export.exists():
        run_measured(cli(data_dir, "export", "--format", "json", "-o", str(export)))
    target = work / "imported"
    shutil.rmtree(target, ignore_errors=True)
    first = run_measured(cli(target, "import", str(export)), stdout=subprocess.PIPE)
    second = run_measured(cli(target, "import", str(export)), stdout=subprocess.PIPE)
    shutil.rmtree(target, ignore_errors=True)
    return {"first": first, "second": second, "export_bytes": export.stat().st_size}


def measure_demo(size: int, work: Path) -> dict[str, Any]:
    target = work / "demo"
    shutil.rmtree(target, ignore_errors=True)
    found = run_measured([sys.executable, "-c", CLI, "demo", "--calls", str(size),
                          "--into", str(target)], timeout=900)
    shutil.rmtree(target, ignore_errors=True)
    return found


def ensure_data(root: Path, size: int) -> Path:
    import datagen

    data_dir = root / f"data-{size}"
    if data_dir.is_dir():
        try:
            datagen.verify(data_dir, size, more_allowed=100)  # a call per UI bench run
            return data_dir
        except (SystemExit, Exception):  # incomplete: build again
            pass
    shutil.rmtree(data_dir, ignore_errors=True)
    stats = datagen.build(data_dir, size)
    print(f"built {size} calls in {stats['seconds']:.1f} s", flush=True)
    return data_dir


def paint(sizes: list[int], dirs: dict[int, Path], repeat: int) -> dict[str, float]:
    import startup

    script = str(HERE / "startup.py")
    kinds = [("bare", [script, "--child", "bare"])]
    kinds += [(str(size), [script, "--child", "ours", "--data-dir", str(dirs[size])])
              for size in sizes]
    runs: dict[str, list[float]] = {name: [] for name, _ in kinds}
    for _name, args in kinds:
        startup.run_once(args)
    for _ in range(repeat):
        for name, args in kinds:
            runs[name].append(startup.run_once(args)["ready"])
    return {name: statistics.median(values) for name, values in runs.items()}


def goal(label: str, value: float, target: float, unit: str = "x") -> None:
    mark = "ok " if value <= target else "MISS"
    shown = f"{value:.2f}{unit}" if unit == "x" else f"{value:.0f} {unit}"
    limit = f"{target:.2f}{unit}" if unit == "x" else f"{target:.0f} {unit}"
    print(f"  [{mark}] {label}: {shown} (goal <= {limit})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Issue 11 goals, all of them.")
    parser.add_argument("--sizes", default="10,10000,50000")
    parser.add_argument("--data-root", default="/tmp/htl-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="paint,ui,cli,import",
                        help="comma list of paint,ui,cli,import,demo")
    parser.add_argument("--ui-child", choices=["bare", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ui_child:
        ui_child(args.ui_child, args.data_dir)
        return 0
    import startup

    startup.compile_bytecode()
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    parts = set(args.only.split(","))
    root = Path(args.data_root)
    root.mkdir(parents=True, exist_ok=True)
    dirs = {size: ensure_data(root, size) for size in sizes}
    print(f"Issue 11 goals; {os.cpu_count()} CPUs; data under {root}", flush=True)

    if "paint" in parts:
        ready = paint(sizes, dirs, args.repeat)
        print(f"\nFirst paint of home, median of {args.repeat} (ms from spawn): "
              + ", ".join(f"{k}: {v * 1e3:.0f}" for k, v in ready.items()), flush=True)
        for size in sizes:
            target = 1.2 if size <= 10000 else 1.5
            goal(f"N={size} home first paint / bare", ready[str(size)] / ready["bare"], target)
    bare_paint = None
    if "ui" in parts:
        bare = run_ui("bare", None)
        import startup
        bare_paint = statistics.median(
            startup.run_once([str(HERE / "startup.py"), "--child", "bare"])["ready"]
            for _ in range(3))
        print(f"\nBare app: typing p99 lag {bare['typing']['p99'] * 1e3:.1f} ms, longest "
              f"{bare['typing']['max'] * 1e3:.1f} ms; keystroke {bare['filter_key'] * 1e3:.1f} ms; "
              f"first paint {bare_paint * 1e3:.0f} ms", flush=True)
        for size in sizes:
            if size != sizes[0]:
                # The control again, just before: this VM's own pace drifts by 2-3x within
                # minutes, and a ratio is only fair to the control measured beside it.
                bare = run_ui("bare", None) or bare
                print(f"Bare app again: typing p99 lag {bare['typing']['p99'] * 1e3:.1f} ms, "
                      f"longest {bare['typing']['max'] * 1e3:.1f} ms", flush=True)
            ours = run_ui("ours", dirs[size])
            if not ours:
                continue
            print(f"N={size}: " + json.dumps(ours, default=lambda v: round(v, 4)), flush=True)
            for name, what in (("dial", "dial"), ("hangup", "hang-up (incl. home refill)")):
                runs = ours[name]["runs"]
                goal(f"N={size} {what}: longest stall, median of {len(runs)}",
                     statistics.median(runs) * 1e3, 50, "ms")
                print(f"         each: {', '.join(f'{run * 1e3:.0f}' for run in runs)} ms "
                      f"(the first {name} of the session is the first column)")
            loaded = ours["rows_read"]
            print(f"         older rows read after the first paint in {loaded['seconds'] * 1e3:.0f}"
                  f" ms, longest stall meanwhile {loaded['max'] * 1e3:.0f} ms (p99 "
                  f"{loaded['p99'] * 1e3:.0f} ms)")
            print(f"         dial bytes written {ours['dial']['bytes']:,}; "
                  f"hang-up bytes written {ours['hangup']['bytes']:,}")
            goal(f"N={size} typing p99 lag / bare",
                 ours["typing"]["p99"] / max(bare["typing"]["p99"], 1e-4), 2.0)
            goal(f"N={size} typing longest stall (incl. GC)", ours["typing"]["max"] * 1e3, 100,
                 "ms")
            goal(f"N={size} history newest rows / bare first paint",
                 ours["history"]["first_rows"] / bare_paint, 1.5)
            print(f"         history all loaded {ours['history']['all'] * 1e3:.0f} ms, longest "
                  f"stall meanwhile {ours['history']['max'] * 1e3:.0f} ms")
            goal(f"N={size} history filter keystroke", ours["filter"]["key_max"] * 1e3, 50, "ms")
            print(f"         filter keystroke median {ours['filter']['key_med'] * 1e3:.0f} ms")
            goal(f"N={size} statistics", ours["stats"]["seconds"] * 1e3, 500, "ms")
            print(f"         longest GC pause in the whole session "
                  f"{ours['gc_max_all'] * 1e3:.0f} ms")
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"htl-run-{size}-", dir="/tmp"))
        try:
            if "cli" in parts:
                found = measure_cli(dirs[size], work)
                floor = found["floor"]
                print(f"\nCLI at N={size}: floor (json.loads every file) cpu "
                      f"{floor['cpu']:.2f} s, peak {floor['rss']:.0f} MB", flush=True)
                for name, run in found.items():
                    if name == "floor":
                        continue
                    extra = f", {run['bytes'] / 1e6:.1f} MB out" if "bytes" in run else ""
                    print(f"    {name}: rc {run['rc']}, cpu {run['cpu']:.2f} s, peak "
                          f"{run['rss']:.0f} MB{extra} {run['err'][:200] if run['rc'] else ''}")
                    goal(f"N={size} {name} cpu / floor", run["cpu"] / max(floor["cpu"], 0.01),
                         3.0)
                    goal(f"N={size} {name} peak memory / floor",
                         run["rss"] / max(floor["rss"], 1), 2.0)
            if "import" in parts:
                found = measure_import(dirs[size], work)
                first, second = found["first"], found["second"]
                export_mb = found["export_bytes"] / 1e6
                print(f"\nImport at N={size} ({export_mb:.0f} MB export): first rc {first['rc']} "
                      f"in {first['wall']:.1f} s, cpu {first['cpu']:.1f} s, peak "
                      f"{first['rss']:.0f} MB {first['err'][:300]}; again rc {second['rc']} in "
                      f"{second['wall']:.1f} s, cpu {second['cpu']:.1f} s, peak "
                      f"{second['rss']:.0f} MB {second['err'][:200]}; first says: "
                      f"{first['out']}; again says: {second['out']}", flush=True)
                calls_here = sum(1 for _ in (dirs[size] / "calls").glob("*.json"))
                said = re.search(r"and ([\d,]+) calls?", first["out"])
                added = first["rc"] == 0 and said is not None and int(
                    said[1].replace(",", "")) == calls_here
                print(f"  [{'ok ' if added else 'MISS'}] N={size} import succeeds and adds "
                      "every call", flush=True)
                nothing = second["rc"] == 0 and "added 0 cases and 0 calls" in second["out"]
                print(f"  [{'ok ' if nothing else 'MISS'}] N={size} importing it again adds "
                      "nothing", flush=True)
                if export_mb >= 50:  # memory-bounded: less than the file it reads
                    goal(f"N={size} import peak memory / export size",
                         first["rss"] / export_mb, 1.0)
            if "demo" in parts:
                found = measure_demo(size, work)
                print(f"\ndemo --calls {size} --into: rc {found['rc']} in {found['wall']:.1f} s "
                      f"{found['err'][:300]}", flush=True)
                goal(f"N={size} demo --into", found["wall"], 120, "s")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
