"""What a person leaving the platform would lose of their money, said before they ask to leave."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from core.money import money
from payments import selectors


def warnings(*, user, **_facts) -> dict:
    """
    ``accounts.hooks.LEAVING_WARNINGS``: unused package sessions, which can be refunded now but not once
    the account is deleted (one query).
    """
    purchases = selectors.refundable_purchases(user=user)
    if not purchases:
        return {}
    worth: dict[str, Decimal] = {}
    for purchase in purchases:
        worth[purchase.payment.currency] = worth.get(purchase.payment.currency, Decimal(0)) + purchase.unused_value
    sessions = sum(purchase.credits_left for purchase in purchases)
    amounts = ", ".join(money(amount, currency, zero_is_free=False) for currency, amount in worth.items())
    text = ngettext(
        "You have %(count)s unused package session, worth %(amount)s. Refund it first: once the account is "
        "deleted it cannot be.",
        "You have %(count)s unused package sessions, worth %(amount)s. Refund them first: once the account "
        "is deleted they cannot be.",
        sessions,
    ) % {"count": sessions, "amount": amounts}
    return {"packages": format_html('{} <a href="{}">{}</a>', text, reverse("payments:list"), gettext("My packages"))}
