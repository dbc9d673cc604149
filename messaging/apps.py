from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        """A new message and a handled report are this app's notification kinds; its parts of export and erasure."""
        from django.utils.translation import gettext

        from accounts import hooks
        from core import header
        from messaging import MESSAGE_KIND, REPORT_HANDLED_KIND, export, selectors, services
        from notifications import kinds

        header.register(selectors.HEADER_COUNT, selectors.unread)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)
        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        kinds.register(
            MESSAGE_KIND,
            lambda p: gettext("%(name)s sent you a message.") % {"name": p["name"]},
            "chat-dots",
            label=_("New messages (a digest of those left unread)"),
        )
        kinds.register(
            REPORT_HANDLED_KIND,
            lambda p: (
                gettext("Staff looked into your report on the conversation with %(name)s. Thank you for telling us.")
                % {"name": p["name"]}
            ),
            "shield-check",
            label=_("Staff answers to your reports"),
            email=False,
        )
