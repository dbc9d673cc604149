from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts import hooks
        from core import header, realtime
        from notifications import export, selectors, services

        header.register(selectors.HEADER_COUNT, selectors.unread)
        # Blocked or leaving: the person's open pages stop receiving at once (their sessions end too).
        hooks.register(hooks.ACCESS_ENDED, realtime.person_sockets_close)
        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)
