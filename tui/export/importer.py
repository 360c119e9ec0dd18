"""Merge a JSON export into the store: idempotent, conflicts reported, nothing lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.domain.model import SCHEMA_VERSION, Call, Case
from tui.export.json_export import EXPORT_FORMAT
from tui.store import Store


class ImportError_(ValueError):
    """The file is not an export this app can read (message for the user)."""


@dataclass
class ImportReport:
    added_cases: int = 0
    added_calls: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"added {self.added_cases} case(s) and {self.added_calls} call(s)",
            f"{self.unchanged} already here",
        ]
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} conflict(s), your version kept")
        return "; ".join(parts)


def _records(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    records = document.get(key)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportError_(f"'{key}' must be a list of objects")
    return records


def import_document(store: Store, document: Any) -> ImportReport:
    """Add what the store does not have; report what differs; change nothing else."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ImportError_("not a Hold the Line JSON export (format is not holdtheline-export)")
    version = document.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ImportError_(f"made by a newer Hold the Line (schema {version}); upgrade first")
    try:
        cases = [Case.from_dict(record) for record in _records(document, "cases")]
        calls = [Call.from_dict(record) for record in _records(document, "calls")]
    except (TypeError, KeyError, AttributeError) as error:
        raise ImportError_(f"a record is incomplete or malformed ({error})") from None
    report = ImportReport()
    for case in cases:
        existing = store.get_case(case.id)
        if existing is None:
            store.save_case(case)
            report.added_cases += 1
        elif existing.to_dict() == case.to_dict():
            report.unchanged += 1
        else:
            report.conflicts.append(f"case '{case.title}' ({case.id}) differs from yours")
    known_calls = {row["id"] for row in store.call_summaries()}
    for call in calls:
        if store.get_case(call.case_id) is None:
            report.conflicts.append(f"call {call.id} belongs to a case that is not in the file")
            continue
        if call.id not in known_calls:
            store.save_call(call, index=True)
            report.added_calls += 1
        elif store.load_call(call.id).to_dict() == call.to_dict():
            report.unchanged += 1
        else:
            report.conflicts.append(
                f"call {call.id} ({call.organisation}, {call.started_at}) differs from yours"
            )
    return report
