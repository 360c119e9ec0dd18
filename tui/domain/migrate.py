"""Bringing stored and exported documents up to the current schema.

Version 2: payment amounts are stored as money (``"1204.50"``), not as typed
(``"$1,204.50"``). Version 3: calls may hold gaps, hold ids and corrections. Version 4:
every recorded item may hold corrections, call items have ids, removed items are kept. Every
migration step is here, for the store and for import alike.
"""

from __future__ import annotations

from typing import Any

from tui.domain.model import SCHEMA_VERSION, RecordError
from tui.domain.money import parse_money, stored


class NewerSchema(RecordError):
    """Written by a newer Hold the Line."""


def _v1_to_v2(doc: dict[str, Any]) -> None:
    payments = doc.get("payments")
    if doc.get("type") != "case" or not isinstance(payments, list):
        return
    for index, payment in enumerate(payments):
        if isinstance(payment, dict) and isinstance(payment.get("amount"), str):
            amount = parse_money(payment["amount"])
            if amount is None:
                raise RecordError(f"field payments[{index}].amount: "
                                  f"'{payment['amount'][:40]}' is not an amount of money")
            payment["amount"] = stored(amount)


def migrate(doc: Any) -> dict[str, Any]:
    """A copy of ``doc`` at the current schema; ``RecordError`` if it cannot be."""
    if not isinstance(doc, dict):
        raise RecordError("a document is not a JSON object")
    version = doc.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordError(f"bad schema_version {str(version)[:40]!r}")
    if version > SCHEMA_VERSION:
        raise NewerSchema(f"written by a newer Hold the Line (schema {version}); "
                          "upgrade the app to open it")
    migrated: dict[str, Any] = dict(doc)
    if version < 2:
        migrated["payments"] = [dict(p) if isinstance(p, dict) else p
                                for p in migrated.get("payments", [])]
        _v1_to_v2(migrated)
    # 2 → 3: calls gained gaps, hold ids and revisions; all have defaults (empty; a
    # hold's id is its place in the call), so there is nothing to rewrite.
    # 3 → 4: items gained ids (notes, references, promises, reps: their place in the call,
    # given when read) and revisions, cases revisions, cases and calls a removed list; all
    # have defaults, so there is nothing to rewrite either.
    migrated["schema_version"] = SCHEMA_VERSION
    return migrated
