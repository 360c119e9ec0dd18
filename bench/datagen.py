"""Build a data directory holding N realistic calls: the demo's synthetic history.

Used by ``bench/save_cost.py`` and ``bench/startup.py``; also runnable on its
own::

    .venv/bin/python bench/datagen.py /tmp/htl-10k --calls 10000

The history is ``tui.demo.synthetic``'s (``holdtheline demo --calls N`` makes
the same): every call made with the real domain code (``LiveCall`` on a
``FrozenClock``) and written by the store's bulk path, ``Store.write_many``.
``verify()`` then opens the directory with ``Store.open`` to prove it loads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from tui.demo import synthetic  # noqa: E402
from tui.store import Store  # noqa: E402

NOTE_TEXTS = list(synthetic.NOTES["coverage"])
"""Realistic note texts (``save_cost.py`` types some into its live call)."""


def build(data_dir: Path, calls: int, seed: int = 1) -> dict[str, Any]:
    """Write ``calls`` calls into ``data_dir`` (new or empty); returns what was written."""
    started = time.perf_counter()
    made, cases = synthetic.generate(data_dir, calls, seed)
    call_files = list((data_dir / "calls").iterdir())
    return {
        "calls": made,
        "cases": cases,
        "seconds": time.perf_counter() - started,
        "index_bytes": sum(p.stat().st_size for p in (data_dir / "index").iterdir())
        if (data_dir / "index").is_dir() else (data_dir / "index.json").stat().st_size,
        "call_file_bytes_avg": sum(p.stat().st_size for p in call_files) // max(1, made),
    }


def verify(data_dir: Path, calls: int, more_allowed: int = 0) -> float:
    """Open the directory with the real store; returns the seconds ``Store.open`` took.
    ``more_allowed``: calls added since it was built that are fine (each run of
    ``run_all.py``'s UI bench dials one)."""
    started = time.perf_counter()
    with Store.open(data_dir) as store:
        took = time.perf_counter() - started
        rows = store.call_summaries()
        if not calls <= len(rows) <= calls + more_allowed:
            raise SystemExit(f"datagen: the store sees {len(rows)} calls, expected {calls}")
        if store.recovered_calls:
            raise SystemExit("datagen: the store had to recover calls (none should be live)")
        store.load_call(rows[-1].id)
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        stats = build(args.data_dir, args.calls, args.seed)
    except ValueError as error:
        parser.error(str(error))
    opened = verify(args.data_dir, args.calls)
    print(
        f"wrote {stats['calls']} calls in {stats['cases']} cases to {args.data_dir} "
        f"in {stats['seconds']:.1f} s (index {stats['index_bytes'] / 1e6:.2f} MB, "
        f"call files ~{stats['call_file_bytes_avg'] / 1e3:.1f} kB); "
        f"Store.open {opened * 1e3:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
