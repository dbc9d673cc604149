"""
The card processor behind the checkout, chosen by ``PAYMENTS_PROVIDER`` (a dotted path). The booking
and payment services talk only to this interface: a real processor (Stripe: a PaymentIntent for
``charge``, its ``confirm`` for the 3-D Secure step, a Refund for ``refund``) is a second class with
the same three methods, and no other code changes. The idempotency key is passed through so the
processor also charges a retried request once.
"""

import dataclasses
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclasses.dataclass(frozen=True)
class Card:
    """What the checkout form collected. The number goes to the processor and is never stored."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        return {"4": "Visa", "5": "Mastercard", "3": "American Express"}.get(self.number[:1], "Card")


@dataclasses.dataclass(frozen=True)
class Charge:
    """The processor's answer: ``succeeded``, ``requires_action`` (a bank's confirmation step) or ``failed``."""

    status: str
    reference: str = ""
    failure: str = ""  # card_declined, insufficient_funds, authentication_failed, unknown_card

    SUCCEEDED = "succeeded"
    REQUIRES_ACTION = "requires_action"
    FAILED = "failed"


class ProviderError(Exception):
    """The processor could not be reached or refused a refund: nothing was charged or given back."""


class Provider:
    name = ""

    def charge(self, *, amount: Decimal, currency: str, card: Card, idempotency_key: str) -> Charge:
        raise NotImplementedError

    def confirm(self, *, reference: str, idempotency_key: str) -> Charge:
        """Finish a charge that needed the bank's confirmation."""
        raise NotImplementedError

    def refund(self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Give back ``amount`` of a charge; returns the refund's reference, or raises ProviderError."""
        raise NotImplementedError


@cache
def get_provider() -> Provider:
    return import_string(settings.PAYMENTS_PROVIDER)()
