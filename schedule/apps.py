from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    name = "schedule"
    verbose_name = _("Schedule")

    def ready(self):
        """Leaving: sessions cancelled on asking, erased after the grace period; the schedule's part of the export."""
        from accounts import hooks
        from schedule import export, services

        hooks.register(hooks.PERSON_LEFT, services.user_schedule_close)
        hooks.register(hooks.PERSON_BLOCKED, services.on_person_blocked)
        hooks.register(hooks.PERSON_STAYED, services.on_weekly_hours_moved)
        hooks.register(hooks.TIMEZONE_CHANGED, services.on_weekly_hours_moved)
        hooks.register(hooks.PERSON_ERASED, services.on_person_erased)
        hooks.register(hooks.PERSON_EXPORTED, export.person_sections)
