"""Checks for values typed into forms: one-line messages, no exceptions."""

from __future__ import annotations

import re
from datetime import date

_AMOUNT = re.compile(r"^\$?\s*-?\d{1,9}(,\d{3})*(\.\d{1,2})?$")
_STATE = re.compile(r"^[A-Za-z]{2}$")


def check_date(text: str) -> str | None:
    """``YYYY-MM-DD`` and a day that exists."""
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return "use a date like 2026-11-24"
    return None


def check_amount(text: str) -> str | None:
    """Money as typed: ``412.50``, ``$1,204.00``."""
    return None if _AMOUNT.match(text.strip()) else "use an amount like 412.50"


def check_days(text: str) -> str | None:
    """A whole number of days, 1 to 3650."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= 3650:
        return "use a whole number of days, like 35"
    return None


def check_state(text: str) -> str | None:
    """A two-letter US state code."""
    return None if _STATE.match(text.strip()) else "use the two-letter code, like MA"
