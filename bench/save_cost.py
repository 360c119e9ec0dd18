"""What one save costs a live call, with 10 calls of history and with 10,000.

    .venv/bin/python bench/save_cost.py                      # --sizes 10,10000 --repeat 50
    .venv/bin/python bench/save_cost.py --sizes 10,200 --repeat 5

For each size N a data directory holding N realistic finished calls is built
(``bench/datagen.py``) in a temp dir under /tmp, opened with ``Store.open``,
and a live call is started on it, as the call screen does: one
``save_call(index=True)`` when the call is dialled. Then, ``--repeat`` times,
one character is typed into the draft note and the call is saved:

* ``ui``       time spent in ``store.save_call(call)`` (the UI thread's share);
* ``seen``     ``save_call`` + ``store.flush()``: from the keystroke until the
               file is on disk, with the store's normal debounce;
* ``write``    the same with the debounce set to 0, i.e. the disk work alone
               (``calls/<id>.json`` rewritten, fsync, rename, fsync dir);
* ``stall``    the longest the UI thread could not run while a save was
               written (main thread polls in 1 ms sleeps instead of flush());
* index table: the same for ``save_call(index=True)``, which also rewrites
               the call's summary row in ``index.json`` (dial, hang-up);
               ``--index-repeat`` saves per mode.

Each save is followed by a pause longer than the debounce so the writer is
idle at the next one. Medians and p95 in milliseconds; the ratio lines
compare the largest size with the smallest. The history size should not
change ``seen`` or ``write``: a keystroke rewrites only the live call's file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import datagen  # noqa: E402  (also puts the project root on sys.path)

import tui.store.store as store_module  # noqa: E402
from tui.domain.clock import SystemClock  # noqa: E402
from tui.domain.live import LiveCall  # noqa: E402
from tui.store import Store  # noqa: E402

DEFAULT_DEBOUNCE = getattr(store_module, "DEBOUNCE_SECONDS", 0.15)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 50 samples is the 48th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def set_debounce(seconds: float) -> bool:
    """Change the writer's debounce (read by the writer on every round)."""
    if not hasattr(store_module, "DEBOUNCE_SECONDS"):
        return False
    store_module.DEBOUNCE_SECONDS = seconds
    return True


def start_live_call(store: Store) -> LiveCall:
    """A call as the user has it a few minutes in: 2 reps, notes, a hold."""
    case = store.list_cases()[0]
    live = LiveCall.start(SystemClock(), case.id, "Health insurer (general)",
                          playbook_id="health-insurer", number="1-800-555-0100")
    live.current_rep.first_name, live.current_rep.rep_id = "Dana", "4471"
    for text in datagen.NOTE_TEXTS[:8]:
        live.add_note(text)
    live.toggle_hold()
    live.toggle_hold()
    live.next_rep()
    live.current_rep.first_name = "Marcus"
    live.add_reference("REF-123456")
    return live


def timed_saves(store: Store, live: LiveCall, repeat: int, *, index: bool,
                debounce: float | None = None, poll: bool = False) -> dict[str, Any]:
    """``repeat`` keystroke saves, each followed by a pause that lets the writer go idle.

    With ``poll`` the main thread does not block in ``flush()`` but sleeps 1 ms
    at a time until the save is on disk, and records the longest gap between
    two wake-ups: how long the writer thread kept the main (UI) thread from
    running (the GIL), i.e. the worst frame hitch a save causes.
    """
    ui: list[float] = []
    seen: list[float] = []
    stall: list[float] = []
    failed = 0
    if debounce is not None and not set_debounce(debounce):
        return {}
    gap = (debounce if debounce is not None else DEFAULT_DEBOUNCE) + 0.05
    try:
        for number in range(repeat):
            live.call.draft_note += "abcdefghijklmnopqrstuvwxyz "[number % 27]
            live.touch()
            t0 = time.perf_counter()
            store.save_call(live.call, index=index)
            t1 = time.perf_counter()
            if poll:
                worst, last = 0.0, t1
                while store.status.pending:
                    time.sleep(0.001)
                    now = time.perf_counter()
                    worst, last = max(worst, now - last), now
                stall.append(worst)
            elif not store.flush():
                failed += 1
            t2 = time.perf_counter()
            ui.append(t1 - t0)
            seen.append(t2 - t0)
            time.sleep(gap)
    finally:
        set_debounce(DEFAULT_DEBOUNCE)
    out = {"ui": summary(ui), "seen": summary(seen), "failed": failed}
    if stall:
        out["stall"] = summary(stall)
    return out


def measure(size: int, repeat: int, index_repeat: int, workdir: Path) -> dict[str, Any]:
    data_dir = workdir / f"data-{size}"
    built = datagen.build(data_dir, size)
    started = time.perf_counter()
    store = Store.open(data_dir)
    opened = time.perf_counter() - started
    result: dict[str, Any] = {"size": size, "built": built, "open": opened}
    try:
        assert len(store.call_summaries()) == size, "the generated history did not load"
        live = start_live_call(store)

        # Dialling: the call screen's first save has index=True (a new row is inserted).
        t0 = time.perf_counter()
        store.save_call(live.call, index=True)
        store.flush()
        result["dial"] = time.perf_counter() - t0
        time.sleep(DEFAULT_DEBOUNCE + 0.05)

        small = min(5, repeat)
        result["key"] = timed_saves(store, live, repeat, index=False)
        result["key_write"] = timed_saves(store, live, repeat, index=False, debounce=0.0)
        result["key_stall"] = timed_saves(store, live, small, index=False, poll=True)
        result["idx"] = timed_saves(store, live, index_repeat, index=True)
        result["idx_write"] = timed_saves(store, live, index_repeat, index=True, debounce=0.0)
        result["idx_stall"] = timed_saves(store, live, index_repeat, index=True, poll=True)
        result["failed"] = sum(
            r.get("failed", 0) for k, r in result.items() if k.startswith(("key", "idx"))
        )
        result["call_file_bytes"] = (data_dir / "calls" / f"{live.call.id}.json").stat().st_size
        index = data_dir / "index"  # layout 2: one file per month; 1: index.json
        result["index_bytes"] = (sum(p.stat().st_size for p in index.iterdir())
                                 if index.is_dir() else (data_dir / "index.json").stat().st_size)
    finally:
        store.close()
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def cell(result: dict[str, Any], key: str, stat: str) -> str:
    value: Any = result
    for name in key.split("."):
        value = value.get(name) if isinstance(value, dict) else None
    if value is None:
        return "n/a"
    return ms(value[stat])


def table(results: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> None:
    heads = ["calls"] + [title for title, _, _ in columns]
    rows = [[str(r["size"])] + [cell(r, key, stat) for _, key, stat in columns] for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(heads)]
    print("  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def ratio(small: dict[str, Any], large: dict[str, Any], key: str, stat: str = "median") -> str:
    a, b = cell(small, key, stat), cell(large, key, stat)
    if "n/a" in (a, b) or float(a) == 0:
        return "n/a"
    return f"{float(b) / float(a):.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cost of one live-call save vs history size.")
    parser.add_argument("--sizes", default="10,10000",
                        help="comma-separated history sizes (calls), default 10,10000")
    parser.add_argument("--repeat", type=int, default=50, help="keystroke saves per size")
    parser.add_argument("--index-repeat", type=int, default=5,
                        help="save_call(index=True) saves per size and mode (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dirs")
    args = parser.parse_args(argv)
    try:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--sizes {args.sizes}: expected numbers such as 10,10000")
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.index_repeat < 1:
        parser.error("need sizes >= 1 and --repeat/--index-repeat >= 1")

    print(f"Hold the Line save cost: sizes {sizes}, {args.repeat} keystroke saves each, "
          f"{args.index_repeat} index saves per mode; {os.cpu_count()} CPUs; "
          f"writer debounce {DEFAULT_DEBOUNCE * 1e3:.0f} ms; data under /tmp", flush=True)
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="htl-bench-", dir="/tmp"))
    try:
        for size in sizes:
            result = measure(size, args.repeat, args.index_repeat, workdir)
            built = result["built"]
            print(f"  N={size}: built {built['calls']} calls / {built['cases']} cases in "
                  f"{built['seconds']:.1f} s; index.json {built['index_bytes'] / 1e6:.2f} MB; "
                  f"live call file {result['call_file_bytes'] / 1e3:.1f} kB; "
                  f"Store.open {result['open'] * 1e3:.0f} ms; "
                  f"dial save (index=True, new row) {result['dial'] * 1e3:.1f} ms", flush=True)
            results.append(result)
    finally:
        if args.keep:
            print(f"data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print()
    print("Keystroke save, save_call(call) as the call screen does on every edit (ms):")
    print("  ui = time in save_call() on the UI thread; seen = save_call() + flush() with the")
    print("  debounce; write = the same with debounce 0 (disk work only); stall = longest the")
    print("  UI thread could not run while the save was written")
    table(results, [
        ("ui med", "key.ui", "median"), ("ui p95", "key.ui", "p95"),
        ("seen med", "key.seen", "median"), ("seen p95", "key.seen", "p95"),
        ("write med", "key_write.seen", "median"), ("write p95", "key_write.seen", "p95"),
        ("stall max", "key_stall.stall", "max"),
    ])
    print()
    print("Index save, save_call(call, index=True) at dial and hang-up; it also rewrites")
    print("index.json (ms):")
    table(results, [
        ("ui med", "idx.ui", "median"),
        ("seen med", "idx.seen", "median"), ("seen p95", "idx.seen", "p95"),
        ("write med", "idx_write.seen", "median"), ("write p95", "idx_write.seen", "p95"),
        ("stall max", "idx_stall.stall", "max"),
    ])
    failed = sum(r["failed"] for r in results)

    if len(results) >= 2:
        small, large = results[0], results[-1]
        label = f"{large['size']} / {small['size']}"
        print()
        print(f"ratio {label}: keystroke save+flush median {ratio(small, large, 'key.seen')}, "
              f"p95 {ratio(small, large, 'key.seen', 'p95')}")
        print(f"ratio {label}: keystroke disk write (debounce 0) median "
              f"{ratio(small, large, 'key_write.seen')}, "
              f"p95 {ratio(small, large, 'key_write.seen', 'p95')}")
        print(f"ratio {label}: keystroke save_call() on the UI thread median "
              f"{ratio(small, large, 'key.ui')}")
        print(f"ratio {label}: index save+flush median {ratio(small, large, 'idx.seen')}; "
              f"index disk write (debounce 0) median {ratio(small, large, 'idx_write.seen')}; "
              f"Store.open {large['open'] / small['open']:.1f}x")
    if failed:
        print(f"WARNING: {failed} flush(es) reported an error or timed out")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
