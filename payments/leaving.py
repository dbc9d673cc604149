"""What a person leaving the platform would lose of their money, said before they ask to leave."""

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from core.money import money
from payments import selectors


def warnings(*, user, **_facts) -> dict:
    """
    ``accounts.hooks.LEAVING_WARNINGS`` (one query): one's unused package sessions, which can be refunded
    now but not once the account is deleted; and a mentor's clients', which leaving refunds to them.
    """
    purchases = selectors.refundable_purchases(user=user)
    bought = [purchase for purchase in purchases if purchase.mentee_id == user.pk]
    sold = [purchase for purchase in purchases if purchase.mentor_id == user.pk]
    notes = {}
    if bought:
        count, amounts = _worth(bought)
        text = ngettext(
            "You have %(count)s unused package session, worth %(amount)s. Refund it first: once the account is "
            "deleted it cannot be.",
            "You have %(count)s unused package sessions, worth %(amount)s. Refund them first: once the account "
            "is deleted they cannot be.",
            count,
        ) % {"count": count, "amount": amounts}
        notes["packages"] = format_html(
            '{} <a href="{}">{}</a>', text, reverse("payments:list"), gettext("My packages")
        )
    if sold:
        count, amounts = _worth(sold)
        notes["clients_packages"] = ngettext(
            "Your clients have %(count)s unused package session, worth %(amount)s: it is refunded to them.",
            "Your clients have %(count)s unused package sessions, worth %(amount)s: they are refunded to them.",
            count,
        ) % {"count": count, "amount": amounts}
    return notes


def _worth(purchases) -> tuple[int, str]:
    """
    How many sessions ``purchases`` will have once leaving has cancelled those booked ahead with them,
    and what they are worth, per currency.
    """
    worth: dict[str, Decimal] = {}
    for purchase in purchases:
        sessions = purchase.credits_left + purchase.booked_ahead
        worth[purchase.payment.currency] = worth.get(purchase.payment.currency, Decimal(0)) + purchase.value_of(
            sessions
        )
    amounts = ", ".join(money(amount, currency, zero_is_free=False) for currency, amount in worth.items())
    return sum(purchase.credits_left + purchase.booked_ahead for purchase in purchases), amounts
