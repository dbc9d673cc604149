import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from audit.models import Event
from audit.services import event_record
from core import maintenance

logger = logging.getLogger(__name__)


def _record(now_on: bool) -> None:
    """Into the audit log when the database answers: maintenance is often for the database itself."""
    try:
        event_record(action=Event.Action.MAINTENANCE, changes={"maintenance": [not now_on, now_on], "by": "manage.py"})
    except DatabaseError:
        logger.warning("Maintenance %s: not in the audit log (the database did not answer)", "on" if now_on else "off")


class Command(BaseCommand):
    help = "Put the site into maintenance (and print the bypass link), bring it back, or say which it is in."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["on", "off", "status"])
        parser.add_argument("--minutes", type=int, default=15, help="Expected length, sent as Retry-After.")

    def handle(self, *args, action, minutes, **options):
        if action == "on":
            if not 1 <= minutes <= 24 * 60:
                raise CommandError("--minutes must be between 1 and 1440.")
            window = maintenance.maintenance_on(by="manage.py", retry_after_minutes=minutes)
            _record(True)
            self.stdout.write(f"Maintenance on. Bypass link: {settings.SITE_URL}{maintenance.bypass_path(window)}")
        elif action == "off":
            if maintenance.maintenance_off():
                _record(False)
                self.stdout.write("Maintenance off.")
            else:
                self.stdout.write("The site was not in maintenance.")
        else:
            window = maintenance.current()
            self.stdout.write(f"In maintenance since {window.since:%Y-%m-%d %H:%M} UTC." if window else "Open.")
