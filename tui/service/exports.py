"""Exports: choosing what to export, rendering it and writing the file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tui.domain.model import Call, Case
from tui.export import BINARY, EXPORT_FORMATS, EXTENSIONS, render, render_bytes
from tui.export.json_export import export_json_chunks
from tui.service.base import Context, ServiceError
from tui.store.atomic import write_private_chunks, write_private_file


@dataclass
class Counted:
    """Calls written so far by a streamed export."""

    calls: int = 0


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


class ExportService:
    """The dossier, CSV, JSON and calendar, for the command line and the app alike."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def select(self, case_text: str | None = None) -> tuple[list[Case], list[Call]]:
        """Every case (``None``) or the one named, with their calls, oldest first."""
        cases, calls = self.select_streamed(case_text)
        return cases, list(calls)

    def select_streamed(self, case_text: str | None = None) -> tuple[list[Case], Iterator[Call]]:
        """:meth:`select`, the calls read one at a time as they are used."""
        store = self._ctx.store
        if case_text is None:
            cases = store.list_cases()
        else:
            if not case_text.strip():
                raise ServiceError("--case needs a case title or id")
            found = store.find_case(case_text)
            if found is None:
                raise ServiceError(f"no case called '{case_text}'")
            cases = [found]
        wanted = {case.id for case in cases}
        rows = [row.id for row in store.call_summaries() if row.case_id in wanted]
        return cases, (store.load_call(call_id) for call_id in rows)

    @staticmethod
    def streams(fmt: str, mask: bool) -> bool:
        """Is this export written as it is made (the full JSON, unmasked: a history of any
        size in little memory)? Masking needs every call first, to mask alike."""
        return fmt == "json" and not mask

    def chunks(self, case_text: str | None = None) -> tuple[list[Case], Iterator[str], Counted]:
        """The full JSON export, a piece at a time, and the count of calls written so far."""
        cases, calls = self.select_streamed(case_text)
        counted = Counted()

        def counting() -> Iterator[Call]:
            for call in calls:
                counted.calls += 1
                yield call

        text = export_json_chunks(cases, counting(), self._ctx.now_iso(),
                                  self._ctx.store.get_profile())
        return cases, text, counted

    def render(self, fmt: str, case_text: str | None = None, *,
               mask: bool = False) -> tuple[str, list[Case], list[Call]]:
        """The export text, and what went into it."""
        if fmt not in EXPORT_FORMATS:
            raise ServiceError(f"unknown format {fmt} (one of {', '.join(EXPORT_FORMATS)})")
        if fmt in BINARY:
            raise ServiceError(f"{fmt} is not text: write it to a file with -o FILE")
        cases, calls = self.select(case_text)
        text = render(fmt, cases, calls, self._ctx.now_iso(), mask=mask,
                      today=self._ctx.today(), profile=self._ctx.store.get_profile())
        return text, cases, calls

    def render_bytes(self, fmt: str, case_text: str | None = None, *,
                     mask: bool = False) -> tuple[bytes, list[Case], list[Call]]:
        """The export as the bytes of its file (a PDF for ``pdf``), and what went in."""
        if fmt not in EXPORT_FORMATS:
            raise ServiceError(f"unknown format {fmt} (one of {', '.join(EXPORT_FORMATS)})")
        cases, calls = self.select(case_text)
        data = render_bytes(fmt, cases, calls, self._ctx.now_iso(), mask=mask,
                            today=self._ctx.today(), profile=self._ctx.store.get_profile())
        return data, cases, calls

    def write(self, fmt: str, path: Path, case_text: str | None = None, *,
              mask: bool = False) -> ExportResult:
        """Render and write ``path`` atomically, 0600; ``ServiceError`` if it cannot."""
        if path.is_dir():
            raise ServiceError(f"{path} is a folder; give a file name")
        if not path.parent.is_dir():
            raise ServiceError(f"the folder {path.parent} does not exist")
        if self.streams(fmt, mask):
            cases, text, counted = self.chunks(case_text)
            try:
                write_private_chunks(path, (chunk.encode("utf-8") for chunk in text))
            except OSError as error:
                raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None
            return ExportResult(path, len(cases), counted.calls)
        data, cases, calls = self.render_bytes(fmt, case_text, mask=mask)
        try:
            write_private_file(path, data)
        except OSError as error:
            raise ServiceError(f"cannot write {path}: {error.strerror or error}") from None
        return ExportResult(path, len(cases), len(calls))
