from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        """Refunds follow cancellations and no-shows (schedule hooks); two notification kinds are this app's."""
        from django.utils.translation import gettext

        from accounts import hooks as accounts_hooks
        from notifications import kinds
        from payments import export, services
        from schedule import hooks

        hooks.register(hooks.CANCELLED, services.on_booking_cancelled)
        hooks.register(hooks.NO_SHOW, services.on_booking_no_show)
        hooks.register(hooks.MOVED, services.on_booking_moved)
        hooks.register(hooks.HOLD_RELEASED, services.on_hold_released)
        accounts_hooks.register(accounts_hooks.PERSON_EXPORTED, export.person_sections)
        accounts_hooks.register(accounts_hooks.LEAVING_WARNINGS, _leaving_warnings)
        kinds.register(
            services.REFUND_KIND,
            _refund_text,
            "cash-coin",
            label=_("Refunds"),
            email=False,
            always_mailed=True,  # the refund notice is mailed always, as a receipt is
        )
        kinds.register(
            services.PACKAGE_KIND,
            lambda p: gettext("%(name)s bought your package “%(package)s”.") % p,
            "bag-check",
            label=_("Packages bought"),
            mentors_only=True,
            email=False,
        )


def _refund_text(params: dict) -> str:
    """The refund notification: for which session (or package), in the reader's language and zone."""
    import datetime as dt

    from django.utils.translation import gettext

    from core.dates import when
    from core.money import money

    amount = money(params["amount"], params["currency"])
    if "start" in params:
        return gettext("We have refunded %(amount)s to your card for the session with %(name)s on %(when)s.") % {
            "amount": amount,
            "name": params["name"],
            "when": when(dt.datetime.fromisoformat(params["start"]), "datetime"),
        }
    if "package" in params:
        return gettext("We have refunded %(amount)s to your card for the package “%(package)s”.") % {
            "amount": amount,
            "package": params["package"],
        }
    return gettext("We have refunded %(amount)s to your card.") % {"amount": amount}  # stored by an older version


def _leaving_warnings(user) -> dict:
    """
    ``accounts.hooks.LEAVING_WARNINGS``: unused package sessions, which can be refunded now but not once
    the account is deleted (one query).
    """
    from decimal import Decimal

    from django.urls import reverse
    from django.utils.html import format_html
    from django.utils.translation import gettext, ngettext

    from core.money import money
    from payments import selectors

    purchases = selectors.refundable_purchases(user=user)
    if not purchases:
        return {}
    worth: dict[str, Decimal] = {}
    for purchase in purchases:
        worth[purchase.payment.currency] = worth.get(purchase.payment.currency, Decimal(0)) + purchase.unused_value
    sessions = sum(purchase.credits_left for purchase in purchases)
    text = ngettext(
        "You have %(count)s unused package session, worth %(amount)s. Refund it first: once the account is "
        "deleted it cannot be.",
        "You have %(count)s unused package sessions, worth %(amount)s. Refund them first: once the account "
        "is deleted they cannot be.",
        sessions,
    ) % {"count": sessions, "amount": ", ".join(money(amount, currency) for currency, amount in worth.items())}
    return {"packages": format_html('{} <a href="{}">{}</a>', text, reverse("payments:list"), gettext("My packages"))}
