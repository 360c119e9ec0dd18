"""Reading the data folder's files in tests, as the store lays them out (layout 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def index_tables(data_dir: Path) -> dict[str, dict[str, Any]]:
    """Every index row, as one TinyDB-like table ``{"calls": {n: row}}``, and every case
    document as ``{"cases": {n: case}}`` (cases live in their own files)."""
    rows: list[Any] = []
    for path in sorted((data_dir / "index").glob("calls-*.json")):
        rows += json.loads(path.read_text("utf-8"))["calls"].values()
    cases: list[Any] = []
    for path in sorted((data_dir / "cases").glob("*.json")):
        cases += json.loads(path.read_text("utf-8"))["case"].values()
    return {"calls": {str(n): row for n, row in enumerate(rows, start=1)},
            "cases": {str(n): case for n, case in enumerate(cases, start=1)}}
