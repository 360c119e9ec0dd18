"""Checks for values typed into forms: one-line messages, no exceptions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from tui.domain.dates import DateProblem, describe, read_date
from tui.domain.money import parse_money, shown

_STATE = re.compile(r"^[A-Za-z]{2}$")


def date_check(today: date, state: str = "") -> Callable[[str], str | None]:
    """A check for a date field: anything the one date parser understands."""

    def check(text: str) -> str | None:
        try:
            read_date(text, today, state)
        except DateProblem as error:
            return str(error)
        return None

    return check


def date_hint(today: date, state: str = "") -> Callable[[str], str]:
    """What a date field's text is understood as (shown while typing, before saving)."""

    def hint(text: str) -> str:
        if not text.strip():
            return ""
        try:
            return f"= {describe(read_date(text, today, state), today)}"
        except DateProblem as error:
            return str(error)

    return hint


def check_amount(text: str) -> str | None:
    """Money as typed: ``412.50``, ``$1,204.00``, ``-12.00``."""
    return None if parse_money(text) is not None else "use an amount like 412.50"


def amount_hint(text: str) -> str:
    amount = parse_money(text)
    return f"= {shown(amount)}" if amount is not None and text.strip() else ""


def check_days(text: str) -> str | None:
    """A whole number of days, 1 to 3650."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= 3650:
        return "use a whole number of days, like 35"
    return None


def check_state(text: str) -> str | None:
    """A two-letter US state code."""
    return None if _STATE.match(text.strip()) else "use the two-letter code, like MA"
