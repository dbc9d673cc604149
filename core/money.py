"""Prices as each language writes them: "$50" in English, "50 $" in Ukrainian; a zero price is "free"."""

from decimal import Decimal

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, pgettext

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "UAH": "₴"}
UKRAINIAN_SYMBOLS = {"UAH": "грн"}


def money(amount: Decimal | int | None, currency: str | None = None, *, zero_is_free: bool = True) -> str:
    """A price ("Free" at zero) or, with ``zero_is_free=False``, a sum of money ("$0": a ledger figure)."""
    if amount is None:
        return ""
    if Decimal(amount) == 0 and zero_is_free:
        return pgettext("price", "Free")
    currency = currency or settings.BOOKING_CURRENCY
    number = floatformat(amount, "-2")
    if (get_language() or "en").startswith("uk"):
        return f"{number}\N{NO-BREAK SPACE}{UKRAINIAN_SYMBOLS.get(currency, SYMBOLS.get(currency, currency))}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number}\N{NO-BREAK SPACE}{currency}"
