"""A lazy open (the app's): every index month's digest and only the newest rows are read
before the first paint, the other rows after it. Home made from the digests is exactly
home made from every row; anything that needs the rows waits for them; a month without
a digest, damaged, or disagreeing with the files is read in full and written again."""

from __future__ import annotations

import json
import os
import random
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.domain.clock import FrozenClock
from tui.domain.live import LiveCall
from tui.domain.model import Case
from tui.service import HomeView, Service
from tui.service.service import RECENT_CALLS
from tui.store import Store
from tui.store.digest import DIGEST_TABLE, make_digest, read_digest
from tui.store.files import read_shard

NOW = datetime.now(UTC).replace(microsecond=0)
"""Digests are dated by the wall clock: histories here end near it."""


def _seen(view: HomeView) -> tuple[object, ...]:
    """What home shows, in the order it shows it."""
    most_first = sorted(view.broken_by_organisation.items(), key=lambda p: (-p[1], p[0]))
    return (
        [(row.case.id, row.calls, row.last_call) for row in view.cases],
        [row.id for row, _title in view.recent],
        [(item.key, item.status(view.today), item.text) for item in view.followups],
        view.open_followups,
        most_first,
        view.empty,
    )


def _history(data_dir: Path, calls: int, seed: int, days: int = 420) -> None:
    """``calls`` calls over ``days`` days up to now, with promises kept, kept late, done
    near their date, done in the last days, undone and open; closed."""
    chance = random.Random(seed)
    clock = FrozenClock(NOW - timedelta(days=days))
    step = days * 86400 / calls
    with Store.open(data_dir, backup=False) as store:
        cases = []
        for number in range(6):
            case = Case.create(f"Case {number}", clock.now().isoformat())
            store.save_case(case)
            cases.append(case)
        made: list[str] = []
        for _ in range(calls):
            clock.advance(chance.uniform(0.2, 1.8) * step)
            live = LiveCall.start(clock, chance.choice(cases).id,
                                  chance.choice(["Blue Cross", "MassHealth", "Comcast",
                                                 "Acme Dental Billing"]))
            for _ in range(chance.randint(0, 2)):
                live.add_promise(chance.choice(["call back tomorrow", "refund in 3 days",
                                                "letter by next week", "someday",
                                                "decision in 30 days"]))
            live.end("resolved", "done")
            call = live.call
            if chance.random() < 0.1:  # the same promise, due the same day, made again
                call.promises.append(_same_promise())
                call.item_ids()
            for promise in call.promises:  # done at any time around its date
                if promise.due and chance.random() < 0.6:
                    due = datetime.fromisoformat(promise.due).replace(tzinfo=UTC)
                    done = due + timedelta(hours=chance.choice([-90, -30, -5, 3, 20, 30, 200]))
                    if done < NOW:
                        promise.done, promise.done_at = True, done.isoformat()
            store.save_call(call, index=True)
            made.append(call.id)
        store.flush()


def _same_promise():  # type: ignore[no-untyped-def]
    from tui.domain.model import Promise

    return Promise(text="decision by 2026-12-24", due="2026-12-24", elapsed=30.0,
                   at=NOW.isoformat())


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("digest") / "data"
    _history(folder, 360, seed=5)
    return folder


def _write_compact(path: Path, tables: dict[str, object]) -> None:
    """A month file changed, written as the store writes (compact, digest first)."""
    path.write_text(json.dumps(tables, separators=(",", ":")))


def _copy(source: Path, target: Path) -> Path:
    os.system(f"cp -a '{source}' '{target}'")
    return target


def _home(data_dir: Path, today: datetime, *, lazy: bool) -> tuple[tuple[object, ...], bool]:
    """Home as a service sees it on ``today``; and whether it was made from digests."""
    store = Store.open(data_dir, backup=False, early_rows=RECENT_CALLS if lazy else None)
    try:
        early = store.early_index() is not None
        view = Service(store, clock=FrozenClock(today)).home()
        return _seen(view), early and store.early_index() is not None
    finally:
        store.close()


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago",
                                  "America/New_York"])
def test_home_from_the_digests_is_home_from_every_row(
        long_history: Path, tmp_path: Path, zone: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _copy(long_history, tmp_path / "data")
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for days in (-1, 0, 1, 3, 8, 9, 12, 45):
            today = NOW + timedelta(days=days)
            full, used_rows = _home(data, today, lazy=False)
            early, used_digests = _home(data, today, lazy=True)
            assert used_digests and not used_rows
            assert early == full, (zone, days)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    # The history is one a user would see: recent calls, open and broken promises.
    assert full[1] and full[2] and full[3] and full[4]


def test_a_clock_set_back_reads_every_row(long_history: Path, tmp_path: Path) -> None:
    """Digests dated later than the day before today may have summed up a promise done
    "in the last days" of an earlier today: home is then made from the rows."""
    data = _copy(long_history, tmp_path / "data")
    past = NOW - timedelta(days=3)
    store = Store.open(data, backup=False, early_rows=RECENT_CALLS)
    try:
        assert store.early_index() is not None
        Service(store, clock=FrozenClock(past)).home()
        assert store.early_index() is None  # it read every row
    finally:
        store.close()
    assert _home(data, past, lazy=True)[0] == _home(data, past, lazy=False)[0]


def test_the_rows_read_later_are_the_rows_read_at_once(long_history: Path,
                                                        tmp_path: Path) -> None:
    data = _copy(long_history, tmp_path / "data")
    with Store.open(data, backup=False) as store:
        every = [row.to_dict() for row in store.call_summaries()]
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None
        assert store.call_count() == len(every)  # known without reading the rows
        assert len(store._rows) < len(every) // 4
        assert [row.to_dict() for row in store.call_summaries()] == every
        assert store.early_index() is None
        assert not store.problems


def test_every_month_file_carries_the_digest_of_its_rows(long_history: Path) -> None:
    months = sorted((long_history / "index").glob("calls-*.json"))
    assert len(months) > 10
    digests = [read_digest(path) for path in months]
    # Some promises kept late are summed up, some done ones kept in full (recent, or
    # near their date), and open ones are listed.
    assert any(digest and digest.late for digest in digests)
    assert any(digest and any(item.promise.done for item in digest.followups)
               for digest in digests)
    assert any(digest and any(not item.promise.done for item in digest.followups)
               for digest in digests)
    for path in months:
        digest = read_digest(path)
        assert digest is not None, path.name
        rows = read_shard(path)
        made = make_digest(rows, datetime.fromisoformat(digest.written_on).date())
        assert made == digest, path.name
        # A TinyDB document file: each table a mapping of document ids to documents.
        tables = json.loads(path.read_text())
        assert set(tables) == {"calls", DIGEST_TABLE}
        assert list(tables[DIGEST_TABLE]) == ["1"]


def test_a_saved_call_in_a_month_not_read_yet_keeps_that_month_whole(
        long_history: Path, tmp_path: Path) -> None:
    """A correction to an old call, saved before the rows are read: the month file is
    written from every one of its rows (the save waits for them)."""
    data = _copy(long_history, tmp_path / "data")
    with Store.open(data, backup=False) as store:
        rows = store.call_summaries()
        oldest = rows[0]
        month_rows = [row.id for row in rows if row.started_at[:7] == oldest.started_at[:7]]
    assert len(month_rows) > 3
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert oldest.id not in store._rows  # not read yet
        call = store.load_call(oldest.id)
        call.summary = "corrected while the rows were still unread"
        store.save_call(call, index=True)
        assert store.flush()
    shard = data / "index" / f"calls-{oldest.started_at[:7]}.json"
    assert sorted(row.id for row in read_shard(shard)) == sorted(month_rows)
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None  # written with its digest again
        assert store.summary(oldest.id).summary == "corrected while the rows were still unread"
        assert len(store.call_summaries()) == len(rows)


def test_folders_written_before_digests_are_read_in_full_then_given_digests(
        long_history: Path, tmp_path: Path) -> None:
    data = _copy(long_history, tmp_path / "data")
    for path in (data / "index").glob("calls-*.json"):  # as the last version wrote them
        tables = json.loads(path.read_text())
        path.write_text(json.dumps({"calls": tables["calls"]}))
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is None  # read in full
        count = store.call_count()
        assert store.flush()
    assert all(read_digest(path) is not None for path in (data / "index").glob("calls-*"))
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None
        assert len(store.call_summaries()) == count


@pytest.mark.parametrize("damage", ["journal", "live", "missing file", "extra file",
                                    "bad digest", "follow-up without a date"])
def test_anything_to_repair_reads_every_row_at_once(
        long_history: Path, tmp_path: Path, damage: str) -> None:
    data = _copy(long_history, tmp_path / "data")
    with Store.open(data, backup=False) as store:
        rows = store.call_summaries()
    newest = sorted((data / "index").glob("calls-*.json"))[-1]
    if damage == "journal":
        (data / "journal.json").write_text(json.dumps(
            {"pending": {"1": {"calls": [rows[0].id]}}}))
    elif damage == "live":
        tables = json.loads(newest.read_text())
        tables[DIGEST_TABLE]["1"]["live"] = [tables[DIGEST_TABLE]["1"]["ids"][0]]
        _write_compact(newest, tables)
    elif damage == "missing file":
        (data / "calls" / f"{rows[3].id}.json").unlink()
    elif damage == "extra file":
        body = json.loads((data / "calls" / f"{rows[3].id}.json").read_text())
        body["call"]["1"]["id"] = "call-0123456789ab"
        (data / "calls" / "call-0123456789ab.json").write_text(json.dumps(body))
    elif damage == "follow-up without a date":
        for path in (data / "index").glob("calls-*.json"):
            tables = json.loads(path.read_text())
            if tables[DIGEST_TABLE]["1"]["followups"]:
                tables[DIGEST_TABLE]["1"]["followups"][0][4]["due"] = None
                _write_compact(path, tables)
                break
        else:
            raise AssertionError("no month with a follow-up")
    else:
        newest.write_text(newest.read_text().replace('"digest":{"1":{"version":1',
                                                     '"digest":{"1":{"version":"1"'))
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is None
        found = {row.id for row in store.call_summaries()}
        if damage == "missing file":
            assert rows[3].id not in found
            assert any("missing" in problem.reason for problem in store.problems)
        elif damage == "extra file":
            assert "call-0123456789ab" in found
        else:
            assert found == {row.id for row in rows}


def test_a_month_that_disagrees_with_its_digest_is_rebuilt_from_the_call_files(
        long_history: Path, tmp_path: Path) -> None:
    """Found only when the rows are read (after the first paint): the month's rows are
    read from its call files, the file is kept aside and named, and written again."""
    data = _copy(long_history, tmp_path / "data")
    with Store.open(data, backup=False) as store:
        rows = store.call_summaries()
    oldest = sorted((data / "index").glob("calls-*.json"))[0]
    tables = json.loads(oldest.read_text())
    first = next(iter(tables["calls"]))
    gone = tables["calls"].pop(first)["id"]
    _write_compact(oldest, tables)
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None
        assert {row.id for row in store.call_summaries()} == {row.id for row in rows}
        assert store.summary(gone) is not None
        assert [problem.kind for problem in store.problems] == ["rebuilt"]
        assert problem_kept(store)
        assert store.flush()
    assert gone in {row.id for row in read_shard(oldest)}
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None and not store.problems


def problem_kept(store: Store) -> bool:
    kept = store.problems[0].kept_at
    return kept is not None and kept.exists()


def test_readers_and_savers_meeting_the_worker_neither_wait_forever_nor_lose_rows(
        long_history: Path, tmp_path: Path) -> None:
    """The worker reads the rows while the screen lists them and saves a call (holding
    the store's locks): all of them finish, and every row is there."""
    data = _copy(long_history, tmp_path / "data")
    with Store.open(data, backup=False) as store:
        count = store.call_count()
        case_id = store.list_cases()[0].id
    for _ in range(5):
        store = Store.open(data, backup=False, early_rows=RECENT_CALLS)
        try:
            worker = threading.Thread(target=store.finish_loading)
            saver_done: list[int] = []

            def save(opened: Store = store, saver_done: list[int] = saver_done) -> None:
                live = LiveCall.start(FrozenClock(NOW), case_id, "Blue Cross")
                live.end("resolved", "done")
                opened.save_call(live.call, index=True)
                saver_done.append(len(opened.call_summaries()))

            saver = threading.Thread(target=save)
            worker.start()
            saver.start()
            listed = len(store.call_summaries(case_id))
            worker.join(10)
            saver.join(10)
            assert not worker.is_alive() and not saver.is_alive()
            assert listed > 0 and saver_done
            count += 1
            assert store.call_count() == count
            assert store.flush()
        finally:
            store.close()
    with Store.open(data, backup=False) as store:
        assert store.call_count() == count


def _app_on(store: Store, clock: FrozenClock):  # type: ignore[no-untyped-def]
    from tui.app import HoldTheLineApp
    from tui.paths import shipped_playbooks_dir
    from tui.playbooks import load_playbooks

    playbooks, problems = load_playbooks([shipped_playbooks_dir()])
    return HoldTheLineApp(Service(store, playbooks, problems, clock=clock))


def _home_tables(app) -> list[list[str]]:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    return [[" ".join(str(cell) for cell in table.get_row_at(row))
             for row in range(table.row_count)]
            for table in app.screen.query(DataTable).results(DataTable)]


async def test_the_app_shows_home_from_the_digests_then_reads_the_rest_in_a_worker(
        long_history: Path, tmp_path: Path, busy_cores: None) -> None:
    """The app's first home is the one every row makes; the rows come in a worker after
    the first paint; a dial sent in one burst right away finds them and the hang-up
    lists the call on top; quitting closes the store with every row on disk."""
    from tests.pilot_helpers import wait_until
    from tests.test_typeahead import burst, key, typed
    from tui.screens.call import CallScreen
    from tui.screens.end_call import EndCallDialog
    from tui.screens.home import HomeScreen

    data = _copy(long_history, tmp_path / "data")
    clock = FrozenClock(NOW)
    store = Store.open(data, backup=False)
    try:
        app = _app_on(store, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen)
                             and app.screen.is_mounted, "home")
            await pilot.pause()
            from_every_row = _home_tables(app)
    finally:
        store.close()
    count = len(from_every_row[-1])
    assert count == RECENT_CALLS

    store = Store.open(data, backup=False, early_rows=RECENT_CALLS)
    try:
        assert store.early_index() is not None
        app = _app_on(store, clock)
        async with app.run_test(size=(120, 40)) as pilot:
            first: list[list[list[str]]] = []

            def home_shown() -> bool:
                if isinstance(app.screen, HomeScreen) and app.screen.is_mounted \
                        and not first:
                    first.append(_home_tables(app))
                return bool(first)

            await wait_until(pilot, home_shown, "home")
            assert first[0] == from_every_row
            await burst(app, key("c") + typed("Case 1") + key("tab") + typed("Blue Cross")
                        + key("ctrl+s"))
            await wait_until(pilot, lambda: isinstance(app.screen, CallScreen), "the call")
            assert store.early_index() is None  # every row read
            await burst(app, typed("ref: R-1") + key("enter"))
            await burst(app, key("ctrl+t"))
            await wait_until(pilot, lambda: isinstance(app.screen, EndCallDialog), "end call")
            await burst(app, typed("Asked again") + key("tab") + key("down") + key("enter")
                        + key("ctrl+s"))
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen)
                             and "Blue Cross 0s 0s escalated" in _home_tables(app)[-1][0],
                             "home again")
            assert not any(worker.is_running for worker in app.workers
                           if worker.group == "read-rows")
    finally:
        store.close()
    with Store.open(data, backup=False) as reopened:
        assert reopened.call_count() == len(long_history_rows(long_history)) + 1


def long_history_rows(data: Path) -> list[str]:
    with Store.open(data, backup=False, read_only=True) as store:
        return [row.id for row in store.call_summaries()]


def test_the_digest_is_read_from_the_start_of_the_file_whatever_it_holds(
        tmp_path: Path) -> None:
    """Only the digest is read (not the rows after it), however long it is and even when
    an organisation is called "calls" or its name holds ',"calls":'."""
    import msgspec

    from tui.domain.model import SCHEMA_VERSION, PromiseSummary
    from tui.store.digest import CHUNK, DIGEST_VERSION, DigestFollowUp, MonthDigest

    promises = [DigestFollowUp(f"call-{n:012x}", 0, "case-000000000001", 'x,"calls":y',
                               PromiseSummary(f"refund {n} " + "é" * 40, "2026-12-01"))
                for n in range(900)]
    digest = MonthDigest(DIGEST_VERSION, SCHEMA_VERSION, "2026-12-01",
                         [item.call for item in promises], [], {"case-000000000001": (
                             900, "2026-11-30T10:00:00+00:00")}, promises,
                         {"Acme": 1, "calls": 3, 'x,"calls":y': 2})
    path = tmp_path / "calls-2026-11.json"
    body = msgspec.json.encode({"digest": {"1": digest}, "calls": {"1": {"junk": 1}}})
    assert len(body) > 2 * CHUNK
    assert body.count(b',"calls":') == 2  # one is a key within the digest
    path.write_bytes(body + b"\xff" * 5_000_000)  # what follows the digest is not read
    assert read_digest(path) == digest
    # Rows first (an earlier layout, or a file edited by hand): not read as a digest.
    path.write_bytes(msgspec.json.encode({"calls": {}, "digest": {"1": digest}}))
    assert read_digest(path) is None
    path.write_bytes(b'{"digest":{"1":{"version":1')  # cut short
    assert read_digest(path) is None


async def test_quitting_while_the_rows_are_read_closes_with_every_row(
        long_history: Path, tmp_path: Path, busy_cores: None) -> None:
    """ctrl+q as soon as home is drawn, while the worker reads the older rows: the app
    quits, the store closes (waiting for the worker), nothing is lost or half-written."""
    from tests.pilot_helpers import wait_until
    from tests.test_typeahead import burst, key
    from tui.screens.home import HomeScreen

    data = _copy(long_history, tmp_path / "data")
    before = sorted(path.read_bytes() for path in (data / "index").iterdir())
    store = Store.open(data, backup=False, early_rows=RECENT_CALLS)
    try:
        assert store.early_index() is not None
        app = _app_on(store, FrozenClock(NOW))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen)
                             and app.screen.is_mounted, "home")
            await burst(app, key("ctrl+q"))
            await wait_until(pilot, lambda: app._exit, "the app quitting")  # noqa: SLF001
    finally:
        store.close()
    assert app.return_code in (0, None)
    assert sorted(path.read_bytes() for path in (data / "index").iterdir()) == before
    assert len(long_history_rows(data)) == len(long_history_rows(long_history))


@pytest.mark.tmux
@pytest.mark.slow
def test_the_installed_app_opens_a_long_history_lazily_in_a_terminal(
        tmux, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """End to end with the installed command on 600+ calls over many months: home is
    drawn from the digests, the history asked for at once lists every call, ctrl+q
    exits 0."""
    from tests.tmux_helpers import holdtheline_binary, run_cli

    binary = holdtheline_binary()
    data = tmp_path / "data"
    run_cli(binary, tmux.env, "demo", "--calls", "600", "--into", str(data))
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.early_index() is not None  # the months beyond the newest: later
        count = store.call_count()  # the demo's story adds its own calls to the 600
    assert count > 600
    tmux.start("lazy", [binary, "--data-dir", str(data)])
    tmux.wait_for("lazy", "Recent calls", what="home")
    tmux.send_key("lazy", "h")
    screen = tmux.wait_for("lazy", f"{count} of {count} calls", what="every call listed")
    assert "Error" not in screen
    tmux.send_key("lazy", "Escape")
    tmux.wait_for("lazy", "Recent calls", what="home again")
    tmux.send_key("lazy", "C-q")
    assert tmux.wait_exit("lazy") == (0, None)
    assert len(long_history_rows(data)) == count


def test_promises_alike_made_in_different_months_are_listed_alike(
        long_history: Path) -> None:
    """The same promise (text, date, organisation) made on calls months apart: the early
    home and the full one list them in the same order (by call, whatever order the
    months were read in)."""
    with Store.open(long_history, backup=False, read_only=True) as store:
        alike = [row for row in store.call_summaries()
                 if any(p.text == "decision by 2026-12-24" for p in row.promises)]
    months = {row.started_at[:7] for row in alike}
    assert len(months) > 3


@pytest.mark.parametrize("who", ["a save", "a reader and a saver at once"])
def test_a_month_rebuilt_while_others_hold_the_store_locks_never_hangs(
        long_history: Path, tmp_path: Path, who: str) -> None:
    """The month to rebuild is found when the rows are read, by whoever needs them
    first, holding whatever lock: it is written by the writer, nobody waits forever."""
    data = _copy(long_history, tmp_path / "data")
    oldest = sorted((data / "index").glob("calls-*.json"))[0]
    tables = json.loads(oldest.read_text())
    tables["calls"].pop(next(iter(tables["calls"])))
    _write_compact(oldest, tables)
    store = Store.open(data, backup=False, early_rows=RECENT_CALLS)
    try:
        assert store.early_index() is not None
        case_id = store.list_cases()[0].id
        live = LiveCall.start(FrozenClock(NOW), case_id, "Blue Cross")
        live.end("resolved", "done")
        threads = [threading.Thread(target=lambda: store.save_call(live.call, index=True))]
        if who != "a save":
            threads.append(threading.Thread(target=store.call_summaries))
        for thread in threads[::-1]:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert not any(thread.is_alive() for thread in threads), "hung"
        assert store.flush()
        assert [problem.kind for problem in store.problems] == ["rebuilt"]
        count = store.call_count()
    finally:
        store.close()
    assert read_digest(oldest) is not None  # written again by the writer
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as reopened:
        assert reopened.early_index() is not None and not reopened.problems
        assert reopened.call_count() == count


def test_the_backup_at_open_does_not_read_the_rows(long_history: Path,
                                                   tmp_path: Path) -> None:
    data = _copy(long_history, tmp_path / "data")
    shutil.rmtree(data / "backups", ignore_errors=True)
    store = Store.open(data, early_rows=RECENT_CALLS)  # a backup is due
    try:
        store.wait_for_backup()
        assert store.early_index() is not None  # still unread
    finally:
        store.close()
    (taken,) = (data / "backups").iterdir()
    assert len(list((taken / "calls").iterdir())) == store.call_count()


def test_an_import_of_cases_cut_short_is_undone_on_a_lazy_open(
        long_history: Path, tmp_path: Path) -> None:
    data = _copy(long_history, tmp_path / "data")
    (data / "cases" / "case-0000000000aa.json").write_text(json.dumps(
        {"case": {"1": Case.create("Half imported", NOW.isoformat()).to_dict()
                  | {"id": "case-0000000000aa"}}}))
    (data / "adding.json").write_text(json.dumps(
        {"adding": {"1": {"cases": ["case-0000000000aa"], "calls": []}}}))
    with Store.open(data, backup=False, early_rows=RECENT_CALLS) as store:
        assert store.undone_records == 1
        assert [problem.kind for problem in store.problems] == ["undone"]
        assert store.find_case("Half imported") is None
    assert not (data / "adding.json").exists()
