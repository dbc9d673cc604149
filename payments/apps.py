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
        from payments import export, leaving, services
        from schedule import hooks

        hooks.register(hooks.CANCELLED, services.on_booking_cancelled)
        hooks.register(hooks.NO_SHOW, services.on_booking_no_show)
        hooks.register(hooks.MOVED, services.on_booking_moved)
        hooks.register(hooks.HOLD_RELEASED, services.on_hold_released)
        accounts_hooks.register(accounts_hooks.PERSON_EXPORTED, export.person_sections)
        accounts_hooks.register(accounts_hooks.LEAVING_WARNINGS, leaving.warnings)
        accounts_hooks.register(accounts_hooks.PERSON_LEFT, services.on_person_left)  # after the schedule's
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
