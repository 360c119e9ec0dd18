"""Reading the data folder's files: shared by the store and the streamed reader.

No TinyDB, no writer thread, no backups here: what the command line's read commands
need to read a folder, and nothing they do not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from tui.domain.migrate import NewerSchema, migrate
from tui.domain.model import (
    SCHEMA_VERSION,
    Call,
    CallSummary,
    Case,
    Profile,
    RecordError,
    decode,
    is_valid_id,
)
from tui.domain.text import visible
from tui.store.digest import MonthDigest, starts_with_digest, usable_digest
from tui.store.errors import StoreCorrupt, StoreError, read_json_file

LAYOUT_VERSION = 2
REV = "_rev"
"""The per-document revision counter's key (ignored when records are read)."""
ADDING = "adding.json"
"""Present only while ``Store.write_many`` adds records: which ones."""
CONFLICT_PATTERNS = (re.compile(r"\.sync-conflict-"), re.compile(r"\(conflicted copy"),
                     re.compile(r"\.conflict\d*$"), re.compile(r"\(Case Conflict"))
"""File names sync tools give to a second version of a file (Syncthing, Dropbox…)."""
ANY_CONFLICT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in CONFLICT_PATTERNS))
"""All of them in one pattern: one search per file name (50,000 call files at open)."""
_ANY_CONFLICT_LINE = re.compile(ANY_CONFLICT.pattern, re.MULTILINE)
"""The same, for names joined by line breaks: no match there, none in any name."""
SHARD_NAME = re.compile(r"calls-(\d{4}-\d{2}|undated)\.json")
"""An index month's file name; group 1 is the month."""
CONFLICT_REASON = ("a sync tool kept this second version of a file that was changed on "
                   "two computers: compare it with the original (holdtheline conflicts)")


@dataclass
class Problem:
    """Something wrong with a file, named to the user."""

    path: Path
    """The file, where it was."""
    reason: str
    kept_at: Path | None = None
    """Where the damaged file was moved (kept, never deleted)."""
    kind: str = "damaged"
    """``damaged`` (data may be missing: restore offered), ``rebuilt`` (an index, rebuilt
    from the call files: nothing lost), ``conflict`` (a sync tool's second version),
    ``missing`` (a file the index knew is gone), ``undone`` (an import cut short, taken
    back: the data is as before it)."""
    restored_from: str = ""

    @property
    def relative(self) -> str:
        return self.path.name if self.path.parent.name not in ("cases", "calls", "index") \
            else f"{self.path.parent.name}/{self.path.name}"

    @property
    def data_dir(self) -> Path:
        """The data folder the file is in."""
        return self.path.parent if "/" not in self.relative else self.path.parent.parent

    def headline(self) -> str:
        """The file and what is wrong with it."""
        return f"{self.relative}: {self.reason}"

    def describe(self) -> str:
        """The headline and where the file was kept (within the data folder)."""
        text = self.headline()
        if self.kept_at is not None:
            kept = self.kept_at.relative_to(self.data_dir) \
                if self.kept_at.is_relative_to(self.data_dir) else self.kept_at
            text += f" (kept as {kept})"
        return text


def migrate_document(doc: Any, path: Path) -> dict[str, Any]:
    """Bring a stored document up to the current schema, or refuse a newer one."""
    try:
        return migrate(doc)
    except NewerSchema as error:
        raise StoreError(f"{path} was {error}") from None
    except RecordError as error:
        raise StoreCorrupt(path, visible(str(error))) from None


K = TypeVar("K", Call, Case, CallSummary, Profile)


def read_record(doc: Any, kind: type[K], path: Path) -> K:
    """A stored document as a typed record; ``StoreCorrupt`` naming the file and field."""
    try:
        return decode(migrate_document(doc, path), kind)
    except RecordError as error:
        raise StoreCorrupt(path, str(error)) from None


def check_id(value: str, what: str = "call") -> str:
    """``value`` if it is an id the app made; ``StoreError`` otherwise (ids name files)."""
    if not is_valid_id(value):
        raise StoreError(f"'{visible(str(value))[:60]}' is not a valid {what} id")
    return value


def one_doc(data: dict[str, Any] | None, table: str, path: Path) -> dict[str, Any] | None:
    """The single document of ``table`` in a document file (None: no file)."""
    if data is None:
        return None
    docs = list(data.get(table, {}).values())
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise StoreCorrupt(path, f"expected exactly one {table} document")
    doc: dict[str, Any] = docs[0]
    return doc


CallFile = dict[str, dict[str, Call]]
CaseFile = dict[str, dict[str, Case]]


class ShardFile(msgspec.Struct, forbid_unknown_fields=True):
    """An index month's file: its rows and their digest (``tui.store.digest``); anything
    else in it is read the careful way, which names what is wrong."""

    calls: dict[str, CallSummary] = msgspec.field(default_factory=dict)
    digest: dict[str, MonthDigest] = msgspec.field(default_factory=dict)


_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def fast_decode(raw: bytes, kind: Any) -> Any:
    """Typed decode of a file written by this version; None to take the careful path."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.json.Decoder(kind)
    try:
        return decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None


def shard_key(started_at: str) -> str:
    """The index file a call's row lives in: the UTC month it started (``2026-01``)."""
    key = started_at[:7]
    if len(key) == 7 and key[4] == "-" and key[:4].isdigit() and key[5:].isdigit():
        return key
    return "undated"


def read_bytes(path: Path) -> bytes:
    """The file's bytes; ``StoreError`` (missing, unreadable) for the user."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{path} is missing") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from error


def layout_version(data_dir: Path) -> int:
    """Which layout the folder has: 1 (one ``index.json``) or 2 (``LAYOUT_VERSION``)."""
    path = data_dir / "layout.json"
    cases_dir = data_dir / "cases"
    try:
        doc = one_doc(read_json_file(path), "layout", path)
    except StoreCorrupt:
        return LAYOUT_VERSION if cases_dir.is_dir() and any(cases_dir.iterdir()) \
            else (1 if (data_dir / "index.json").exists() else LAYOUT_VERSION)
    if doc is None:
        return 1 if (data_dir / "index.json").exists() else LAYOUT_VERSION
    version = doc.get("version")
    if not isinstance(version, int) or version > LAYOUT_VERSION:
        raise StoreError(f"{path}: this folder was written by a newer Hold the Line "
                         f"(layout {version}); upgrade the app to open it")
    return version


def read_case_file(path: Path) -> Case:
    """The case in a case file; ``StoreCorrupt`` when it is damaged."""
    raw = read_bytes(path)
    fast = fast_decode(raw, CaseFile)
    if fast is not None and len(fast.get("case", {})) == 1:
        case: Case = next(iter(fast["case"].values()))
        if case.schema_version == SCHEMA_VERSION:
            return case
    doc = one_doc(read_json_file(path), "case", path)
    return read_record(doc, Case, path)


def read_shard(path: Path) -> list[CallSummary]:
    """The rows of an index month's file, as stored; ``StoreCorrupt`` when damaged."""
    return read_shard_and_digest(path)[0]


def read_shard_and_digest(path: Path) -> tuple[list[CallSummary], MonthDigest | None]:
    """The rows of an index month's file and, if it starts with one this version made,
    their digest (read once: the full open asks for both); ``StoreCorrupt`` when
    damaged."""
    raw = read_bytes(path)
    shard = fast_decode(raw, ShardFile)
    if shard is not None and all(r.schema_version == SCHEMA_VERSION
                                 for r in shard.calls.values()):
        digest = usable_digest(shard.digest) if starts_with_digest(raw) else None
        return list(shard.calls.values()), digest
    data = read_json_file(path) or {}
    return [read_record(doc, CallSummary, path)
            for doc in data.get("calls", {}).values()], None


def read_call_file(path: Path | str, call_id: str) -> Call:
    """The call in ``path``, which must be call ``call_id``'s file (a ``str`` path reads
    faster: tens of thousands of calls are read by an export)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise StoreError(f"call {call_id} has no file at {path}") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from error
    fast = fast_decode(raw, CallFile)
    if fast is not None and len(fast.get("call", {})) == 1:
        call: Call = next(iter(fast["call"].values()))
        if call.schema_version != SCHEMA_VERSION:
            call = _careful_call(Path(path))
    else:
        call = _careful_call(Path(path))
    if call.id != call_id:
        raise StoreCorrupt(Path(path), f"it holds call {call.id}, not {call_id}")
    return call


def _careful_call(path: Path) -> Call:
    doc = one_doc(read_json_file(path), "call", path)
    if doc is None:
        raise StoreError(f"{path} is missing")
    return read_record(doc, Call, path)


def read_profile_file(path: Path) -> Profile | None:
    """The profile in ``path`` (None: no file); ``StoreCorrupt`` when damaged."""
    doc = one_doc(read_json_file(path), "profile", path)
    return None if doc is None else read_record(doc, Profile, path)


def record_file_ids(folder: Path) -> list[str]:
    """Ids of the record files in ``folder`` (names that are not ids are not ours)."""
    if not folder.is_dir():
        return []
    found = []
    for name in os.listdir(folder):
        stem, dot, ext = name.rpartition(".")
        if dot and ext == "json" and is_valid_id(stem):
            found.append(stem)
    return found


def conflict_problems(folders: tuple[Path, ...], names: dict[Path, list[str]] | None = None
                      ) -> list[Problem]:
    """Second versions a sync tool left (``x.sync-conflict-….json``, ``x (conflicted
    copy).json``) in ``folders``: named, never read as data. ``names``: folders already
    listed (``calls/``, listed once at open)."""
    found = []
    for folder in folders:
        if not folder.is_dir():
            continue
        listed = (names or {}).get(folder)
        if listed is None:
            listed = os.listdir(folder)
        elif not _ANY_CONFLICT_LINE.search("\n".join(listed)):  # one search, 50,000 names
            continue
        for name in listed:
            if ANY_CONFLICT.search(name):
                found.append(Problem(folder / name, CONFLICT_REASON, kind="conflict"))
    return found


def case_files(cases_dir: Path, skip: Collection[str] = (),
               ) -> Iterator[tuple[Path, Case | StoreCorrupt]]:
    """Every case file in ``cases/`` (names that are not ids, and ids in ``skip``, are not
    read): its path and the case, or why it cannot be read (it must hold its own id)."""
    if not cases_dir.is_dir():
        return
    for name in os.listdir(cases_dir):
        stem, _dot, ext = name.rpartition(".")
        if ext != "json" or not is_valid_id(stem) or stem in skip:
            continue
        path = cases_dir / name
        try:
            case = read_case_file(path)
            if case.id != stem:
                raise StoreCorrupt(path, f"it holds case {case.id}, not {stem}")
        except StoreCorrupt as error:
            yield path, error
            continue
        yield path, case
