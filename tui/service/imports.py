"""Import: merge a JSON export, all or nothing.

The whole file is read and checked first (every field of every record, ids,
links between records); if anything is wrong nothing is written and the one
message says what and where. Then new records are added in one batch, records
already here are left alone (twice adds nothing), and records that differ from
yours are reported as conflicts with your version kept.
"""

from __future__ import annotations

import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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
from tui.store import StoreError


class ExportFile(msgspec.Struct):
    """A JSON export as written by ``holdtheline export --format json``."""

    format: Literal["holdtheline-export"]
    schema_version: int
    cases: list[Case]
    calls: list[Call]
    app_version: str = ""
    exported_at: str = ""
    profile: Profile | None = None


class _Header(msgspec.Struct):
    format: str = ""
    schema_version: object = None


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


def parse_export(raw: bytes) -> ExportFile:
    """The export in ``raw``, every record checked; ``ServiceError`` saying what is wrong."""
    try:
        return _parse_export(raw)
    except RecursionError:
        # msgspec stops at its own depth limit with RecursionError (JSON 1,000 deep).
        raise ServiceError("the file is nested too deeply to be an export; "
                           "nothing was imported") from None


def _parse_export(raw: bytes) -> ExportFile:
    try:
        header = msgspec.json.decode(raw, type=_Header)
    except msgspec.ValidationError:
        raise ServiceError("not a Hold the Line JSON export (not a JSON object)") from None
    except msgspec.DecodeError as error:
        raise ServiceError(f"the file is not valid JSON ({error})") from None
    if header.format != EXPORT_FORMAT:
        raise ServiceError("not a Hold the Line JSON export (format is not "
                           f"{EXPORT_FORMAT})")
    version = header.schema_version
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ServiceError(f"bad schema_version {visible(repr(version))[:40]}")
    if version > SCHEMA_VERSION:
        raise ServiceError(f"made by a newer Hold the Line (schema {version}); upgrade first")
    try:
        if version == SCHEMA_VERSION:
            document = msgspec.json.decode(raw, type=ExportFile)
        else:
            document = msgspec.convert(_migrated(msgspec.json.decode(raw)), ExportFile)
    except msgspec.ValidationError as error:
        raise ServiceError(f"a record is wrong: {field_message(str(error))}; "
                           "nothing was imported") from None
    except RecordError as error:
        raise ServiceError(f"a record is wrong: {error}; nothing was imported") from None
    except msgspec.DecodeError as error:
        raise ServiceError(f"the file is not valid JSON ({error})") from None
    _check_links(document)
    return document


def _migrated(data: Any) -> Any:
    """An export from an older version with every record brought up to date."""
    if isinstance(data.get("profile"), dict):
        data["profile"] = migrate(data["profile"])
    for key in ("cases", "calls"):
        records = data.get(key)
        if isinstance(records, list):
            data[key] = [migrate(record) if isinstance(record, dict) else record
                         for record in records]
    data["schema_version"] = SCHEMA_VERSION
    return data


def _check_links(document: ExportFile) -> None:
    """Ids unique within the file; every call's case is in the file."""
    for kind, ids in (("case", [c.id for c in document.cases]),
                      ("call", [c.id for c in document.calls])):
        repeated = [value for value, count in Counter(ids).items() if count > 1]
        if repeated:
            raise ServiceError(f"the {kind} id {repeated[0]} appears more than once; "
                               "nothing was imported")
    case_ids = {case.id for case in document.cases}
    for call in document.calls:
        if call.case_id not in case_ids:
            raise ServiceError(f"call {call.id} belongs to case {call.case_id}, which is not "
                               "in the file; nothing was imported")


def import_export(ctx: Context, document: ExportFile) -> ImportReport:
    """Add what the store does not have; report what differs; change nothing else."""
    store = ctx.store
    report = ImportReport()
    new_cases: list[Case] = []
    for case in document.cases:
        existing = store.get_case(case.id)
        if existing is None:
            new_cases.append(case)
        elif existing.to_dict() == case.to_dict():
            report.unchanged += 1
        else:
            report.conflicts.append(f"case '{visible(case.title)}' ({case.id}) differs from "
                                    "yours")
    new_calls: list[Call] = []
    for call in document.calls:
        if not store.has_call(call.id):
            new_calls.append(call)
        elif store.load_call(call.id).to_dict() == call.to_dict():
            report.unchanged += 1
        else:
            report.conflicts.append(f"call {call.id} ({visible(call.organisation)}, "
                                    f"{call.started_at}) differs from yours")
    theirs = document.profile
    if theirs is not None and not theirs.empty:
        ours = store.get_profile()
        if ours.empty:
            store.save_profile(theirs)
        elif ours.to_dict() != theirs.to_dict():
            report.conflicts.append("your details (name, contact) differ from the file's")
    try:
        store.write_many(new_cases, new_calls)
    except (OSError, StoreError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ServiceError(f"could not write the records ({reason}); nothing was "
                           "imported") from None
    report.added_cases, report.added_calls = len(new_cases), len(new_calls)
    return report


def import_file(ctx: Context, path: Path) -> ImportReport:
    """Read, check and merge the export at ``path``."""
    return import_export(ctx, parse_export(read_export(path)))


def read_export(path: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of ``path``, read only up to ``limit`` (+1 to notice more): a device,
    a socket or an endless pipe is refused rather than read for ever."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ServiceError(f"{path} is a folder, not an export file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise ServiceError(f"{path}: not a regular file")
        chunks: list[bytes] = []
        size = 0
        with path.open("rb") as handle:
            while size <= limit:
                chunk = handle.read(min(1024 * 1024, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise ServiceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ServiceError(f"{path} is a folder, not an export file") from None
    except OSError as error:
        raise ServiceError(f"cannot read {path}: {error.strerror or error}") from None
    if size > limit:
        raise ServiceError(f"{path} is larger than {limit / 2**20:g} MB; "
                           "not an export this app wrote")
    return b"".join(chunks)
