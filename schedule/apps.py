from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = _("Schedule")

    def ready(self):
        """Leaving: the person's sessions are cancelled on asking, and their part erased after the grace period."""
        from accounts import hooks
        from schedule import services

        hooks.register(hooks.PERSON_LEFT, services.user_schedule_close)
        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
