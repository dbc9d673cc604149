from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core import header
        from notifications import selectors

        header.register(selectors.HEADER_COUNT, selectors.unread)
