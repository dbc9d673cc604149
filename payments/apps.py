from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        """Refunds follow cancellations and no-shows (schedule hooks); two notification kinds are this app's."""
        from django.utils.translation import gettext

        from core.money import money
        from notifications import kinds
        from payments import services
        from schedule import hooks

        hooks.register(hooks.CANCELLED, services.on_booking_cancelled)
        hooks.register(hooks.NO_SHOW, services.on_booking_no_show)
        hooks.register(hooks.MOVED, services.on_booking_moved)
        hooks.register(hooks.HOLD_RELEASED, services.on_hold_released)
        kinds.register(
            services.REFUND_KIND,
            lambda p: (
                gettext("We have refunded %(amount)s to your card.") % {"amount": money(p["amount"], p["currency"])}
            ),
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
