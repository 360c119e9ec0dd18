"""A month's digest: what the home screen needs from an index month, kept in the month's
own file so that it is written with its rows in one atomic write and always agrees with
them. Opening a long history reads every month's digest (small) and only the newest
months' rows; the rows of the other months are read after the first paint.

A digest is derived data: a month whose digest is missing, of another version or does
not match its rows is read in full, and its file is written again with a digest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from pathlib import Path

import msgspec

from tui.domain.followups import FollowUp, followups_of
from tui.domain.model import SCHEMA_VERSION, CallSummary, PromiseSummary
from tui.domain.timefmt import parse_iso
from tui.store.errors import StoreError

DIGEST_VERSION = 1
DIGEST_TABLE = "digest"
SETTLED_AFTER_DAYS = 9
"""A promise marked done more than this many days (UTC) before its digest was written is
never "done in the last days" again (home lists those of the last 7 days, in the user's
zone, which is at most a day away from UTC)."""


class DigestFollowUp(msgspec.Struct, array_like=True, gc=False):
    """A follow-up as a digest keeps it (one JSON array)."""

    call: str
    index: int
    case: str
    organisation: str
    promise: PromiseSummary


class MonthDigest(msgspec.Struct, gc=False):
    """One index month, summed up."""

    version: int
    schema: int
    written_on: str
    """UTC date the digest was made: which done promises it could sum up (see
    ``SETTLED_AFTER_DAYS``)."""
    ids: list[str]
    live: list[str]
    """Calls still live (a crash): the open finishes them, reading the month in full."""
    cases: dict[str, tuple[int, str]]
    """Case id → (calls, UTC ISO start of the latest)."""
    followups: list[DigestFollowUp]
    """Follow-ups not done, and done ones whose state could still change with the day
    or the user's time zone."""
    late: dict[str, int]
    """Follow-ups done late and not listed above, per organisation (broken in every
    total)."""


class _DigestFile(msgspec.Struct):
    digest: dict[str, MonthDigest] = msgspec.field(default_factory=dict)


_READ = msgspec.json.Decoder(_DigestFile)
"""Decodes only the digest: the rows are skipped without being made into objects."""


def _settled_late(item: FollowUp, written_on: date) -> bool | None:
    """For a done follow-up: True (kept late) or False (kept) when that is so in every
    time zone and it can never be listed as done in the last days again; None when not."""
    promise = item.promise
    finished: date | None = None
    if promise.done_at:
        try:
            finished = parse_iso(promise.done_at).astimezone(UTC).date()
        except ValueError:
            finished = None
    if finished is not None and finished >= written_on - timedelta(days=SETTLED_AFTER_DAYS):
        return None
    if promise.missed_due:
        return True
    if finished is None:
        return False
    if finished - timedelta(days=1) > item.due:
        return True
    if finished + timedelta(days=1) <= item.due:
        return False
    return None


def make_digest(rows: list[CallSummary], written_on: date) -> MonthDigest:
    """The digest of a month's rows."""
    cases: dict[str, tuple[int, str]] = {}
    kept: list[DigestFollowUp] = []
    late: Counter[str] = Counter()
    for row in rows:
        count, latest = cases.get(row.case_id, (0, row.started_at))
        cases[row.case_id] = (count + 1, max(latest, row.started_at))
        for item in followups_of(row):
            if item.promise.done:
                settled = _settled_late(item, written_on)
                if settled is not None:
                    if settled:
                        late[row.organisation] += 1
                    continue
            kept.append(DigestFollowUp(row.id, item.index, row.case_id, row.organisation,
                                       item.promise))
    return MonthDigest(DIGEST_VERSION, SCHEMA_VERSION, written_on.isoformat(),
                       [row.id for row in rows], [row.id for row in rows if row.is_live],
                       cases, kept, dict(late))


_HEAD = b'{"%s":' % DIGEST_TABLE.encode()
_ROWS = b',"calls":'
CHUNK = 1 << 16


def read_digest(path: Path) -> MonthDigest | None:
    """The digest at the start of an index month's file (only as much of the file is
    read as it takes: the rows after it are not); None when the file has no digest of
    this version first (the full read names anything wrong with it)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(CHUNK)
            if not raw.startswith(_HEAD):
                return None
            found = None
            searched = 0
            while found is None:
                cut = raw.find(_ROWS, searched)
                if cut == -1:
                    more = handle.read(max(CHUNK, len(raw)))
                    if not more:
                        return None
                    searched = max(0, len(raw) - len(_ROWS))
                    raw += more
                    continue
                try:  # the rows start here, unless ',"calls":' was a key within it
                    found = _READ.decode(raw[:cut] + b"}")
                except (msgspec.ValidationError, msgspec.DecodeError):
                    searched = cut + 1
    except OSError:
        return None
    return usable_digest(found.digest)


def starts_with_digest(raw: bytes) -> bool:
    """Does an index month's file start with its digest (as this version writes it, so
    that a lazy open reads only the start)?"""
    return raw.startswith(_HEAD)


def usable_digest(table: dict[str, MonthDigest]) -> MonthDigest | None:
    """The one digest of a month file's ``digest`` table, if made by this version."""
    docs = list(table.values())
    if len(docs) != 1 or docs[0].version != DIGEST_VERSION or docs[0].schema != SCHEMA_VERSION:
        return None
    try:
        date.fromisoformat(docs[0].written_on)
    except ValueError:
        return None
    return docs[0]


@dataclass
class EarlyIndex:
    """What home needs, made from the digests and the newest months' rows (while the
    other rows are still being read)."""

    newest: list[CallSummary]
    """The rows of the newest months, oldest first: at least the number asked for, or
    every row."""
    per_case: dict[str, tuple[int, str]]
    followups: list[FollowUp]
    """Follow-ups not done and those done that may still be listed (any order)."""
    late_by_organisation: Counter[str]
    """Promises kept late that are not in ``followups``."""
    count: int
    written_on: date
    """The latest date a month's digest was written: the digests hold for any day from
    the day before it on (see ``SETTLED_AFTER_DAYS``)."""

    @classmethod
    def from_digests(cls, digests: list[MonthDigest], newest: list[CallSummary]
                     ) -> EarlyIndex:
        per_case: dict[str, tuple[int, str]] = {}
        followups: list[FollowUp] = []
        late: Counter[str] = Counter()
        for digest in digests:
            for case_id, (count, latest) in digest.cases.items():
                before, last = per_case.get(case_id, (0, latest))
                per_case[case_id] = (before + count, max(last, latest))
            for item in digest.followups:
                try:
                    due = date.fromisoformat(item.promise.due or "")
                except ValueError as error:  # followups_of kept only valid dates
                    raise StoreError(f"a digest holds a follow-up without a date: {error}"
                                     ) from None
                followups.append(FollowUp(item.call, item.index, item.case,
                                          item.organisation, item.promise, due))
            late.update(digest.late)
        written = max((date.fromisoformat(d.written_on) for d in digests), default=date.min)
        return cls(newest, per_case, followups, late, sum(len(d.ids) for d in digests),
                   written)
