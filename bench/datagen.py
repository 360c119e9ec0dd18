"""Build a data directory holding N realistic calls, fast.

Used by ``bench/save_cost.py`` and ``bench/startup.py``; also runnable on its
own::

    .venv/bin/python bench/datagen.py /tmp/htl-10k --calls 10000

The calls are made with the real domain code (``LiveCall`` on a
``FrozenClock``), so every document is exactly what the app would store.
Going through ``Store.save_call(index=True)`` for every call would rewrite
``index.json`` once per call (quadratic: hours for 10,000 calls), so the
files are written directly, in the store's own TinyDB layout and encoding:

    index.json            {"cases": {"1": case_doc, ...}, "calls": {"1": summary_row, ...}}
    calls/<call-id>.json  {"call": {"1": call_doc}}

``verify()`` then opens the directory with ``Store.open`` to prove it loads.
``tests/test_bench_smoke.py`` checks that this layout matches what the store
itself writes.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from tui.domain.clock import FrozenClock  # noqa: E402
from tui.domain.live import LiveCall  # noqa: E402
from tui.domain.model import OUTCOMES, Call, Case  # noqa: E402
from tui.domain.timefmt import to_iso  # noqa: E402
from tui.store import Store  # noqa: E402

ORGANISATIONS = [
    ("health-insurer", "Health insurer (general)", "1-800-555-0100"),
    ("ma-health-connector", "MA Health Connector", "1-877-623-6765"),
    ("ma-division-of-insurance", "MA Division of Insurance", "617-521-7794"),
    ("medical-billing-dispute", "Hospital billing office", "617-555-0142"),
    ("utility-billing-dispute", "Electric company billing", "1-800-555-0199"),
    ("neighborhood-health-plan", "Neighborhood Health Plan", "1-800-555-0123"),
]
FIRST_NAMES = ["Dana", "Marcus", "Priya", "Leo", "Tanya", "Sam", "Ines", "Olu", "Grace", "Ken"]
DEPARTMENTS = ["Member Services", "Billing", "Eligibility", "Appeals", "Claims", ""]
NOTE_TEXTS = [
    "Rep says the enrollment start date on file is 1 Feb, not 1 Jan.",
    "Asked for a supervisor; told the wait is about 20 minutes.",
    "They cannot see the retro change the exchange sent on the 14th.",
    "Claim 4471-88 was denied as 'not covered on date of service'.",
    "Rep read back my address; it is correct.",
    "Transferred to eligibility, music on hold.",
    "Supervisor agrees the dates are wrong and will open a ticket.",
    "Asked them to note the account: caller disputes the termination.",
    "They want the 1095-A; said I would fax it today.",
    "Rep confirmed the appeal deadline is 180 days from the EOB date.",
    "Asked for a direct extension; got 4402.",
    "Call dropped once at the transfer; called back in.",
    "Second rep had no record of the earlier call.",
    "Requested written confirmation by mail and by the portal.",
    "They say the premium for January was never received.",
]
PROMISES = [
    "callback in 3 business days",
    "written confirmation within 2 weeks",
    "supervisor will call back next tuesday",
    "reprocess the claim in 10 days",
    "mail the corrected 1095-A",
]
SUMMARIES = [
    "Dates still wrong; ticket opened, waiting for the callback.",
    "Supervisor agreed to fix the enrollment dates.",
    "No progress: they need the exchange to resend the file.",
    "Claim sent back for reprocessing.",
]


def make_cases(count: int, clock: FrozenClock) -> list[Case]:
    cases = []
    for number in range(count):
        case = Case.create(f"Dispute {number + 1:03d}: coverage dates", to_iso(clock.now()))
        case.identifiers = {"member_id": f"M{100000 + number}", "claim": f"C-{number:05d}"}
        if number % 7 == 6:
            case.status = "closed"
        cases.append(case)
    return cases


def make_call(clock: FrozenClock, case: Case, rng: random.Random) -> Call:
    """One finished call: 2-3 reps, 5-15 notes, 1-2 holds, a reference and a promise."""
    playbook_id, org, number = rng.choice(ORGANISATIONS)
    live = LiveCall.start(clock, case.id, org, playbook_id=playbook_id,
                          playbook_name=org, number=number)
    reps = rng.randint(2, 3)
    notes = rng.randint(5, 15)
    holds = rng.randint(1, 2)
    # Spread the notes over the reps, with the holds in between.
    events = ["note"] * notes + ["hold"] * holds + ["rep"] * (reps - 1) + ["ref", "promise"]
    rng.shuffle(events)

    def fill_rep() -> None:
        rep = live.current_rep
        rep.first_name = rng.choice(FIRST_NAMES)
        if rng.random() < 0.1:
            rep.id_refused = True
        else:
            rep.rep_id = str(rng.randint(1000, 9999))
        rep.role = "supervisor" if rng.random() < 0.2 else "agent"
        rep.department = rng.choice(DEPARTMENTS)

    fill_rep()
    for event in events:
        clock.advance(rng.uniform(20, 240))
        if event == "note":
            live.add_note(rng.choice(NOTE_TEXTS))
        elif event == "hold":
            live.toggle_hold()  # on hold ...
            clock.advance(rng.uniform(60, 1500))
            live.toggle_hold()  # ... and back
        elif event == "rep":
            live.next_rep()
            fill_rep()
        elif event == "ref":
            live.add_reference(f"REF-{rng.randint(100000, 999999)}")
        else:
            live.add_promise(rng.choice(PROMISES))
    clock.advance(rng.uniform(10, 60))
    live.call.checklist = {"name-and-id": True, "dates": rng.random() < 0.5}
    return live.end(rng.choice(OUTCOMES), rng.choice(SUMMARIES))


def build(data_dir: Path, calls: int, cases: int | None = None, seed: int = 1) -> dict[str, Any]:
    """Write ``data_dir`` (must not hold data yet) with ``calls`` calls; returns stats."""
    started = time.perf_counter()
    rng = random.Random(seed)
    if cases is None:
        cases = max(3, min(200, calls // 50))
    clock = FrozenClock(datetime(2021, 1, 4, 14, 0, 0, tzinfo=UTC))
    case_list = make_cases(cases, clock)

    def generate():
        for number in range(calls):
            clock.advance(rng.uniform(1800, 4 * 3600))  # calls a few hours apart
            yield make_call(clock, case_list[number % len(case_list)], rng)

    stats = write_dir(data_dir, case_list, generate())
    stats["seconds"] = time.perf_counter() - started
    return stats


def write_dir(data_dir: Path, cases: list[Case], calls: Iterable[Call]) -> dict[str, Any]:
    """Write cases and calls through the store's bulk path (the one writer of the format)."""
    made = list(calls)
    with Store.open(data_dir) as store:
        store.write_many(cases, made)
    call_files = [data_dir / "calls" / f"{call.id}.json" for call in made]
    return {
        "calls": len(made),
        "cases": len(cases),
        "index_bytes": (data_dir / "index.json").stat().st_size,
        "call_file_bytes_avg": sum(p.stat().st_size for p in call_files) // max(1, len(made)),
    }


def verify(data_dir: Path, calls: int) -> float:
    """Open the directory with the real store; returns the seconds ``Store.open`` took."""
    from tui.store import Store

    started = time.perf_counter()
    store = Store.open(data_dir)
    took = time.perf_counter() - started
    try:
        found = len(store.call_summaries())
        if found != calls:
            raise SystemExit(f"datagen: the store sees {found} calls, expected {calls}")
        if store.recovered_calls:
            raise SystemExit("datagen: the store had to recover calls (none should be live)")
        store.load_call(store.call_summaries()[-1]["id"]) if calls else None
    finally:
        store.close()
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if (args.data_dir / "index.json").exists():
        parser.error(f"{args.data_dir} already holds data")
    stats = build(args.data_dir, args.calls, args.cases, args.seed)
    opened = verify(args.data_dir, args.calls)
    print(
        f"wrote {stats['calls']} calls in {stats['cases']} cases to {args.data_dir} "
        f"in {stats['seconds']:.1f} s (index.json {stats['index_bytes'] / 1e6:.2f} MB, "
        f"call files ~{stats['call_file_bytes_avg'] / 1e3:.1f} kB); "
        f"Store.open {opened * 1e3:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
