"""Money: amounts are decimals (never floats), stored as ``"412.50"``, shown as ``$412.50``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

MONEY_PATTERN = r"^-?\d{1,12}\.\d{2}$"
"""How an amount is stored: plain digits, two decimals, an optional minus (a refund)."""
_TYPED = re.compile(r"^(-)?\s*\$?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d{1,12})(?:\.(\d{1,2}))?$")


def parse_money(text: str) -> Decimal | None:
    """``412.5``, ``$412.50``, ``$1,204``, ``-12.00`` → a Decimal with two places; else None."""
    found = _TYPED.match(text.strip().replace(" USD", "").replace("USD ", ""))
    if found is None or (found[1] and found[2]):
        return None
    whole = found[3].replace(",", "")
    cents = (found[4] or "").ljust(2, "0")
    try:
        amount = Decimal(f"{whole}.{cents}")
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None
    return -amount if (found[1] or found[2]) else amount


def stored(amount: Decimal) -> str:
    """The stored form: ``"1204.50"``."""
    return f"{amount.quantize(Decimal('0.01'))}"


def shown(value: str | Decimal) -> str:
    """``$1,204.50`` (``-$12.00`` for a refund); text that is not money is shown as is."""
    amount = value if isinstance(value, Decimal) else parse_money(value)
    if amount is None:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def total(amounts: Iterable[str]) -> Decimal:
    """The sum of stored amounts (anything that is not money counts as nothing)."""
    return sum((parse_money(amount) or Decimal("0.00") for amount in amounts), Decimal("0.00"))
