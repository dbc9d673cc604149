"""
A card processor that never leaves the process: the well-known test card numbers decide the answer,
as they do in Stripe's test mode. Any other number is refused as unknown, so a real card typed by
mistake is never "charged".
"""

import hashlib
from decimal import Decimal

from payments.providers import Card, Charge, Provider

# number -> (status, failure)
TEST_CARDS = {
    "4242424242424242": (Charge.SUCCEEDED, ""),
    "5555555555554444": (Charge.SUCCEEDED, ""),
    "4000000000000002": (Charge.FAILED, "card_declined"),
    "4000000000009995": (Charge.FAILED, "insufficient_funds"),
    "4000002500003155": (Charge.REQUIRES_ACTION, ""),
}


def _reference(prefix: str, key: str) -> str:
    """The same key always gives the same reference, as a processor's idempotency does."""
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class FakeCardProvider(Provider):
    name = "fake"

    def charge(self, *, amount: Decimal, currency: str, card: Card, idempotency_key: str) -> Charge:
        status, failure = TEST_CARDS.get(card.number, (Charge.FAILED, "unknown_card"))
        return Charge(status=status, reference=_reference("ch", idempotency_key), failure=failure)

    def confirm(self, *, reference: str, idempotency_key: str) -> Charge:
        return Charge(status=Charge.SUCCEEDED, reference=reference)

    def refund(self, *, reference: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        return _reference("re", idempotency_key)
