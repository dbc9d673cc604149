from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import maintenance


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
            self.stdout.write(f"Maintenance on. Bypass link: {settings.SITE_URL}{maintenance.bypass_path(window)}")
        elif action == "off":
            self.stdout.write(
                "Maintenance off." if maintenance.maintenance_off() else "The site was not in maintenance."
            )
        else:
            window = maintenance.current()
            self.stdout.write(f"In maintenance since {window.since:%Y-%m-%d %H:%M} UTC." if window else "Open.")
