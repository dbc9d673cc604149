from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self):
        """Leaving: the person's requests lose their words (``accounts.hooks``)."""
        from accounts import hooks
        from support import services

        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
