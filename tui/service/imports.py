"""Import: merge a JSON export, all or nothing.

The file is read twice, a window at a time (an export of 50,000 calls is 210 MB: it is
never held whole, nor are its records). The first reading checks everything: every
field of every record, ids, links between records, and sorts the records into new,
already here and differing; if anything is wrong nothing is written and the one message
says what and where. Only the place in the file of each new record is kept. The second
reading fetches the new records from there and hands them, one at a time, to the store's
bulk path, which writes them all or none (``Store.write_many``). Records already here
are left alone (twice adds nothing, and then the file is read only once), and records
that differ from yours are reported as conflicts with your version kept.
"""

from __future__ import annotations

import os
import stat
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from tui.domain.migrate import migrate
from tui.domain.model import (
    SCHEMA_VERSION,
    Call,
    Case,
    Profile,
    RecordError,
    field_message,
)
from tui.domain.text import plural, visible
from tui.export.json_export import EXPORT_FORMAT
from tui.service.base import Context, ServiceError
from tui.service.json_stream import JsonStreamError, Piece, object_members
from tui.store import Store, StoreError


@dataclass
class ImportReport:
    added_cases: int = 0
    added_calls: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"added {plural(self.added_cases, 'case')} and {plural(self.added_calls, 'call')}",
            f"{self.unchanged} already here",
        ]
        if self.conflicts:
            parts.append(f"{plural(len(self.conflicts), 'conflict')}, your version kept")
        return "; ".join(parts)


MAX_IMPORT_BYTES = 1024 * 1024 * 1024
"""Largest export file read (bytes): about 240,000 calls (a 50,000-call export is
210 MB); a device or an endless pipe still stops here."""

NOTHING = "nothing was imported"
_RECORDS = {"cases": Case, "calls": Call}
_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    "cases": msgspec.json.Decoder(Case), "calls": msgspec.json.Decoder(Call)}
_HEAD_TYPES: dict[str, Any] = {"format": str, "schema_version": object, "app_version": str,
                               "exported_at": str, "profile": Profile | None}
"""The export's other members, as ``holdtheline export`` writes them (others are ignored)."""


@dataclass
class _New:
    """Where the new records of one kind are in the file: a few bytes each."""

    offsets: array[int] = field(default_factory=lambda: array("q"))
    sizes: array[int] = field(default_factory=lambda: array("q"))
    sums: array[int] = field(default_factory=lambda: array("q"))
    """CRC-32 of each record's text: the second reading must find the same bytes."""
    ids: list[str] = field(default_factory=list)

    def add(self, piece: Piece, record_id: str) -> None:
        self.offsets.append(piece.offset)
        self.sizes.append(len(piece.text))
        self.sums.append(zlib.crc32(piece.text))
        self.ids.append(record_id)


@dataclass(frozen=True)
class _Place(Piece):
    """A record met before the export said what it is: its place, not its text."""

    size: int = 0


@dataclass
class _Plan:
    """What the first reading found: the file is good; what to add; what it reports."""

    version: int
    cases: _New
    calls: _New
    profile: Profile | None
    report: ImportReport


def import_file(ctx: Context, path: Path, limit: int = MAX_IMPORT_BYTES) -> ImportReport:
    """Read, check and merge the export at ``path``."""
    with open_export(path, limit) as handle:
        try:
            plan = _check(ctx.store, handle, limit)
        except RecursionError:
            # msgspec stops at its own depth limit with RecursionError (JSON 1,000 deep).
            raise ServiceError("the file is nested too deeply to be an export; "
                               f"{NOTHING}") from None
        return _write(ctx.store, handle, plan)


@contextmanager
def open_export(path: Path, limit: int = MAX_IMPORT_BYTES) -> Iterator[BinaryIO]:
    """The export at ``path``, open for reading more than once. A regular file larger than
    ``limit`` is refused before it is read; a pipe is copied (up to ``limit`` + 1 bytes,
    to notice more) into a temporary file that is gone when closed; a device or a socket
    is refused without being opened."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ServiceError(f"{path} is a folder, not an export file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise ServiceError(f"{path}: not a regular file")
        handle = path.open("rb")
    except FileNotFoundError:
        raise ServiceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ServiceError(f"{path} is a folder, not an export file") from None
    except OSError as error:
        raise ServiceError(f"cannot read {path}: {error.strerror or error}") from None
    with handle:
        if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            if os.fstat(handle.fileno()).st_size > limit:
                raise ServiceError(_too_big(path, limit))
            yield handle
            return
        with tempfile.TemporaryFile() as copy:
            size = 0
            try:
                while size <= limit:
                    chunk = handle.read(min(1024 * 1024, limit + 1 - size))
                    if not chunk:
                        break
                    copy.write(chunk)
                    size += len(chunk)
            except OSError as error:
                raise ServiceError(f"cannot read {path}: {error.strerror or error}") from None
            if size > limit:
                raise ServiceError(_too_big(path, limit))
            copy.seek(0)
            yield copy


def _too_big(path: Path, limit: int) -> str:
    return f"{path} is larger than {limit / 2**20:g} MB; not an export this app wrote"


def _where(error: msgspec.ValidationError, where: str) -> str:
    """msgspec's message about a record, its path starting at the record's place."""
    message = str(error)
    if " - at `$" in message:
        return message.replace(" - at `$", f" - at `$.{where}", 1)
    return f"{message} - at `$.{where}`"


def _decode(kind: str, text: bytes, where: str, version: int) -> Any:
    """The record (or other member) in ``text``, typed and checked; ``ServiceError``."""
    try:
        if kind in _RECORDS and version == SCHEMA_VERSION:
            return _DECODERS[kind].decode(text)
        if kind in _RECORDS or kind == "profile":
            data = msgspec.json.decode(text)
            if isinstance(data, dict) and version < SCHEMA_VERSION:
                data = migrate(data)
            return msgspec.convert(data, _RECORDS.get(kind, _HEAD_TYPES["profile"]))
        return msgspec.json.decode(text, type=_HEAD_TYPES[kind])
    except msgspec.ValidationError as error:
        raise ServiceError(f"a record is wrong: {field_message(_where(error, where))}; "
                           f"{NOTHING}") from None
    except RecordError as error:
        raise ServiceError(f"a record is wrong: {error} (at {where}); {NOTHING}") from None
    except msgspec.DecodeError as error:
        raise ServiceError(f"the file is not valid JSON ({where}: {error})") from None


class _Checker:
    """The first reading: every record checked and sorted, only what is needed kept."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.format: str | None = None
        self.version: int | None = None
        self.profile: Profile | None = None
        self.waiting: list[Piece] = []
        """Pieces met before the export said what it is (``format`` and ``schema_version``
        after the records: JSON allows any order), checked at the end; a record's text is
        not kept, only its place (``_Place``)."""
        self.arrays: set[str] = set()
        self.case_ids: set[str] = set()
        self.call_ids: set[str] = set()
        self.links: dict[str, str] = {}
        """Case id → the first call that names it (checked against the file's cases)."""
        self.new = {"cases": _New(), "calls": _New()}
        self.report = ImportReport()

    @property
    def ready(self) -> bool:
        return self.format is not None and self.version is not None

    def take(self, piece: Piece) -> None:
        key = piece.key
        if key in _RECORDS:
            if piece.kind == "value":
                found = {"{": "object", '"': "str", "n": "null", "t": "bool", "f": "bool"}
                got = found.get(piece.text[:1].decode("latin-1"), "number")
                raise ServiceError(f"a record is wrong: field {key}: expected array, got "
                                   f"{got}; {NOTHING}")
            if piece.kind == "array":
                self.arrays.add(key)
            elif self.ready:
                self.record(piece)
            else:
                self.waiting.append(_Place(key, "element", piece.index, piece.offset, b"",
                                           len(piece.text)))
        elif key == "format":
            self.format = _decode(key, piece.text, key, SCHEMA_VERSION)
            if self.format != EXPORT_FORMAT:
                raise ServiceError("not a Hold the Line JSON export (format is not "
                                   f"{EXPORT_FORMAT})")
        elif key == "schema_version":
            version = _decode(key, piece.text, key, SCHEMA_VERSION)
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise ServiceError(f"bad schema_version {visible(repr(version))[:40]}")
            if version > SCHEMA_VERSION:
                raise ServiceError(f"made by a newer Hold the Line (schema {version}); "
                                   "upgrade first")
            self.version = version
        elif key in _HEAD_TYPES:
            if key == "profile" and not self.ready:
                self.waiting.append(piece)
            else:
                value = _decode(key, piece.text, key, self.version or SCHEMA_VERSION)
                if key == "profile":
                    self.profile = value

    def record(self, piece: Piece) -> None:
        assert self.version is not None
        kind, where = piece.key, f"{piece.key}[{piece.index}]"
        record = _decode(kind, piece.text, where, self.version)
        if kind == "cases":
            self._case(piece, record)
        else:
            self._call(piece, record)

    def _case(self, piece: Piece, case: Case) -> None:
        if case.id in self.case_ids:
            raise ServiceError(f"the case id {case.id} appears more than once; {NOTHING}")
        self.case_ids.add(case.id)
        existing = self.store.get_case(case.id)
        if existing is None:
            self.new["cases"].add(piece, case.id)
        elif existing == case:  # every field, as to_dict() would compare them
            self.report.unchanged += 1
        else:
            self.report.conflicts.append(f"case '{visible(case.title)}' ({case.id}) differs "
                                         "from yours")

    def _call(self, piece: Piece, call: Call) -> None:
        if call.id in self.call_ids:
            raise ServiceError(f"the call id {call.id} appears more than once; {NOTHING}")
        self.call_ids.add(call.id)
        self.links.setdefault(call.case_id, call.id)
        store = self.store
        if not store.has_call(call.id):
            self.new["calls"].add(piece, call.id)
        elif store.has_same_call(call):
            self.report.unchanged += 1
        else:
            self.report.conflicts.append(f"call {call.id} ({visible(call.organisation)}, "
                                         f"{call.started_at}) differs from yours")

    def finish(self, handle: BinaryIO) -> _Plan:
        if self.format is None:
            raise ServiceError(f"not a Hold the Line JSON export (format is not "
                               f"{EXPORT_FORMAT})")
        if self.version is None:
            raise ServiceError("bad schema_version None")
        for piece in self.waiting:
            if isinstance(piece, _Place):
                handle.seek(piece.offset)
                text = handle.read(piece.size)
                self.record(Piece(piece.key, "element", piece.index, piece.offset, text))
            else:
                self.take(piece)
        for key in _RECORDS:
            if key not in self.arrays:
                raise ServiceError(f"a record is wrong: object missing required field {key}; "
                                   f"{NOTHING}")
        for case_id, call_id in self.links.items():
            if case_id not in self.case_ids:
                raise ServiceError(f"call {call_id} belongs to case {case_id}, which is not "
                                   f"in the file; {NOTHING}")
        theirs = self.profile
        profile = None
        if theirs is not None and not theirs.empty:
            ours = self.store.get_profile()
            if ours.empty:
                profile = theirs
            elif ours.to_dict() != theirs.to_dict():
                self.report.conflicts.append("your details (name, contact) differ from the "
                                             "file's")
        return _Plan(self.version, self.new["cases"], self.new["calls"], profile, self.report)


def _check(store: Store, handle: BinaryIO, limit: int) -> _Plan:
    """The first reading: everything checked, nothing written."""
    checker = _Checker(store)
    try:
        for piece in object_members(handle, limit):
            checker.take(piece)
    except JsonStreamError as error:
        if error.kind == "empty":
            raise ServiceError("the file is empty; not an export") from None
        if error.kind == "object":
            raise ServiceError("not a Hold the Line JSON export (not a JSON object)") from None
        if error.kind == "depth":
            raise RecursionError from None
        if error.kind == "size":
            raise ServiceError(f"{error}; not an export this app wrote") from None
        raise ServiceError(f"the file is not valid JSON ({error} at byte {error.offset})"
                           ) from None
    return checker.finish(handle)


def _write(store: Store, handle: BinaryIO, plan: _Plan) -> ImportReport:
    """The second reading: the new records, fetched from their places, written."""
    report = plan.report
    if not plan.cases.ids and not plan.calls.ids and plan.profile is None:
        return report
    if store.call_count() or store.list_cases():
        try:  # a way back from an import you regret
            store.backup_now("before-import")
        except OSError as error:
            raise ServiceError(f"could not back up your data first "
                               f"({error.strerror or error}); {NOTHING}") from None
    try:
        store.write_many(_fetch(handle, plan, "cases"), _fetch(handle, plan, "calls"),
                         case_ids=plan.cases.ids, call_ids=plan.calls.ids,
                         profile=plan.profile)
    except (OSError, StoreError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ServiceError(f"could not write the records ({reason}); {NOTHING}") from None
    report.added_cases, report.added_calls = len(plan.cases.ids), len(plan.calls.ids)
    return report


def _fetch(handle: BinaryIO, plan: _Plan, kind: str) -> Iterator[Any]:
    """The new records of ``kind``, read again from their places, one at a time."""
    new = plan.cases if kind == "cases" else plan.calls
    for number, offset in enumerate(new.offsets):
        handle.seek(offset)
        text = handle.read(new.sizes[number])
        if zlib.crc32(text) != new.sums[number]:
            raise ServiceError(f"the file changed while it was imported; {NOTHING}")
        yield _decode(kind, text, kind, plan.version)
