from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        """
        A mentee whose booking is confirmed joins the mentor's clients (``schedule.hooks``); staff
        disabling or enabling a mailing is this app's notification kind, rendered by notifications.
        """
        from django.utils.translation import gettext

        from accounts import hooks as accounts_hooks
        from mailings import NOTIFY_DISABLED, NOTIFY_ENABLED, export, services
        from notifications import kinds
        from schedule import hooks

        hooks.register(hooks.CONFIRMED, services.on_booking_confirmed)
        accounts_hooks.register(accounts_hooks.PERSON_ERASED, services.on_person_erased)
        accounts_hooks.register(accounts_hooks.ACCESS_ENDED, services.on_access_ended)  # blocked or leaving
        accounts_hooks.register(accounts_hooks.PERSON_EXPORTED, export.person_sections)
        kinds.register(
            NOTIFY_DISABLED,
            lambda p: (
                gettext("Staff disabled your mailing “%(subject)s”: %(reason)s")
                % {"subject": p["subject"], "reason": p["reason"]}
            ),
            "envelope-x",
            label=_("Mailings disabled by staff"),
            mentors_only=True,
            email=False,  # in-app, and on the mailing's page
        )
        kinds.register(
            NOTIFY_ENABLED,
            lambda p: gettext("Staff enabled your mailing “%(subject)s” again.") % {"subject": p["subject"]},
            "envelope-check",
            label=_("Mailings enabled again by staff"),
            mentors_only=True,
            email=False,
        )
