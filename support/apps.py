from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self):
        """A person's requests in their data export, and their words erased when they leave (``accounts.hooks``)."""
        from accounts import hooks
        from support import export, services

        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)
