"""Exports: choosing what to export, rendering it and writing the file.

Every text export is written as it is made: the calls are read from the store one at a
time (see :class:`StoreCalls`), so a history of any size is exported in little memory.
The command line's read commands use this module alone, over a
:class:`tui.store.reader.StoreReader` (:meth:`ExportService.for_reading`): nothing of the
live call, the playbooks or the letters is loaded for them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tui.domain.compact import IdList, IdSet
from tui.domain.model import Call, CallSummary, Case, Profile
from tui.export.formats import BINARY, EXPORT_FORMATS, EXTENSIONS, FORMATS
from tui.service.base import ServiceError
from tui.store.errors import StoreError

if TYPE_CHECKING:
    from tui.domain.clock import Clock


class ExportStore(Protocol):
    """What exporting reads: the store, or the streamed reader of the read commands."""

    def list_cases(self) -> list[Case]: ...

    def find_case(self, text: str) -> Case | None: ...

    def get_profile(self) -> Profile: ...

    def iter_summaries(self, case_ids: Collection[str] | None = None
                       ) -> Iterator[CallSummary]: ...

    def load_call(self, call_id: str) -> Call: ...


class ExportContext(Protocol):
    """The store and the clock (the application's ``Context`` is one)."""

    @property
    def store(self) -> ExportStore: ...

    def now_iso(self) -> str: ...

    def today(self) -> date: ...


@dataclass
class ReadingContext:
    """The context of the command line's read commands: a store to read and a clock."""

    store: ExportStore
    clock: Clock

    def now_iso(self) -> str:
        from tui.domain.timefmt import to_iso

        return to_iso(self.clock.now())

    def today(self) -> date:
        from tui.domain.deadlines import local_date

        return local_date(self.clock.now())


@dataclass
class ExportResult:
    """What was written, for the message to the user."""

    path: Path
    cases: int
    calls: int


def with_extension(typed: str, fmt: str) -> Path:
    """``typed`` with the format's extension (unless it already has one)."""
    path = Path(typed.strip()).expanduser()
    if path.suffix.lower() != EXTENSIONS[fmt]:
        path = path.with_name(path.name + EXTENSIONS[fmt])
    return path


class StoreCalls:
    """The calls of some cases, read from the store as they are used (a ``CallSource``).

    What it keeps of the history is 16 bytes a call, and only once a case's calls or a
    call by id are asked for: each case's call ids in order, and the set of them.
    """

    def __init__(self, store: ExportStore, case_ids: Collection[str] | None) -> None:
        self._store = store
        self._case_ids = case_ids
        self._by_case: dict[str, IdList] | None = None
        self._ids: IdSet | None = None
        self._all_read: int | None = None
        """How many :meth:`calls` gave, once it gave them all."""

    def calls(self) -> Iterator[Call]:
        read = 0
        for row in self._store.iter_summaries(self._case_ids):
            yield self._store.load_call(row.id)
            read += 1
        self._all_read = read

    def _index(self) -> tuple[dict[str, IdList], IdSet]:
        if self._by_case is None or self._ids is None:
            by_case: dict[str, IdList] = {}
            ids = IdSet()
            for row in self._store.iter_summaries(self._case_ids):
                found = by_case.get(row.case_id)
                if found is None:
                    found = by_case[row.case_id] = IdList()
                found.append(row.id)
                ids.add(row.id)
            self._by_case, self._ids = by_case, ids
        return self._by_case, self._ids

    def of_case(self, case_id: str) -> Iterator[Call]:
        by_case, _ids = self._index()
        for call_id in by_case.get(case_id, ()):
            yield self._store.load_call(call_id)

    def get(self, call_id: str) -> Call | None:
        _by_case, ids = self._index()
        return self._store.load_call(call_id) if call_id in ids else None

    def count(self) -> int:
        """How many calls these are."""
        if self._ids is not None:
            return len(self._ids)
        if self._all_read is not None:
            return self._all_read
        return sum(1 for _row in self._store.iter_summaries(self._case_ids))


class ExportService:
    """The dossier, CSV, JSON and calendar, for the command line and the app alike."""

    def __init__(self, ctx: ExportContext) -> None:
        self._ctx = ctx

    @classmethod
    def for_reading(cls, store: ExportStore, clock: Clock | None = None) -> ExportService:
        """Exports of a store opened to read (the command line's read commands)."""
        if clock is None:
            from tui.domain.clock import SystemClock

            clock = SystemClock()
        return cls(ReadingContext(store, clock))

    def select_cases(self, case_text: str | None = None) -> list[Case]:
        """Every case (``None``), or the one named; ``ServiceError`` if there is none."""
        store = self._ctx.store
        if case_text is None:
            return store.list_cases()
        if not case_text.strip():
            raise ServiceError("--case needs a case title or id")
        found = store.find_case(case_text)
        if found is None:
            raise ServiceError(f"no case called '{case_text}'")
        return [found]

    def select(self, case_text: str | None = None) -> tuple[list[Case], list[Call]]:
        """Every case (``None``) or the one named, with their calls, oldest first."""
        cases, calls = self.select_streamed(case_text)
        return cases, list(calls)

    def select_streamed(self, case_text: str | None = None) -> tuple[list[Case], Iterator[Call]]:
        """:meth:`select`, the calls read one at a time as they are used."""
        cases = self.select_cases(case_text)
        return cases, StoreCalls(self._ctx.store, {case.id for case in cases}).calls()

    @staticmethod
    def streams(fmt: str, mask: bool = False) -> bool:
        """Is this export written as it is made? Every text export is (masked ones read
        the calls twice: once for the identifiers to mask, once to write them)."""
        return fmt in FORMATS

    def stream(self, fmt: str, case_text: str | None = None, *, mask: bool = False
               ) -> tuple[list[Case], Iterator[str], StoreCalls]:
        """A text export, a piece at a time; the cases in it, and its calls (count them
        with ``StoreCalls.count``)."""
        from tui.export import render_chunks

        self._check(fmt)
        if fmt in BINARY:
            raise ServiceError(f"{fmt} is not text: write it to a file with -o FILE")
        cases = self.select_cases(case_text)
        calls = StoreCalls(self._ctx.store, {case.id for case in cases})
        chunks = render_chunks(fmt, cases, calls, self._ctx.now_iso(), mask=mask,
                               today=self._ctx.today(), profile=self._ctx.store.get_profile())
        return cases, chunks, calls

    @staticmethod
    def _check(fmt: str) -> None:
        if fmt not in EXPORT_FORMATS:
            raise ServiceError(f"unknown format {fmt} (one of {', '.join(EXPORT_FORMATS)})")

    def render(self, fmt: str, case_text: str | None = None, *,
               mask: bool = False) -> tuple[str, list[Case], list[Call]]:
        """The export text, and what went into it."""
        from tui.export import render

        self._check(fmt)
        if fmt in BINARY:
            raise ServiceError(f"{fmt} is not text: write it to a file with -o FILE")
        cases, calls = self.select(case_text)
        text = render(fmt, cases, calls, self._ctx.now_iso(), mask=mask,
                      today=self._ctx.today(), profile=self._ctx.store.get_profile())
        return text, cases, calls

    def render_bytes(self, fmt: str, case_text: str | None = None, *,
                     mask: bool = False) -> tuple[bytes, list[Case], list[Call]]:
        """The export as the bytes of its file (a PDF for ``pdf``), and what went in."""
        from tui.export import render_bytes

        self._check(fmt)
        cases, calls = self.select(case_text)
        data = render_bytes(fmt, cases, calls, self._ctx.now_iso(), mask=mask,
                            today=self._ctx.today(), profile=self._ctx.store.get_profile())
        return data, cases, calls

    def write(self, fmt: str, path: Path, case_text: str | None = None, *,
              mask: bool = False) -> ExportResult:
        """Render and write ``path`` atomically, 0600; ``ServiceError`` if it cannot (a
        damaged call file too: a dossier never leaves a call out without a word)."""
        try:
            return self._write(fmt, path, case_text, mask)
        except StoreError as error:
            raise ServiceError(f"nothing was written: {error}") from None

    def _write(self, fmt: str, path: Path, case_text: str | None, mask: bool) -> ExportResult:
        from tui.store.atomic import write_private_chunks, write_private_file

        self._check(fmt)
        if path.is_dir():
            raise ServiceError(f"{path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise ServiceError(f"the folder {path.parent} does not exist")
        if self.streams(fmt, mask):
            cases, text, calls = self.stream(fmt, case_text, mask=mask)
            try:
                write_private_chunks(path, (chunk.encode("utf-8") for chunk in text))
            except OSError as error:
                raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None
            return ExportResult(path, len(cases), calls.count())
        data, cases, call_list = self.render_bytes(fmt, case_text, mask=mask)
        try:
            write_private_file(path, data)
        except OSError as error:
            raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None
        return ExportResult(path, len(cases), len(call_list))
