from django.core.management.base import BaseCommand

from schedule import services


class Command(BaseCommand):
    help = "Run one reminder sweep now: queue every reminder that is due, and print what was done."

    def handle(self, *args, **options):
        result = services.reminder_sweep()
        self.stdout.write(f"Reminders queued: {result.queued}; skipped as too late: {result.skipped}.")
        self.stdout.write("They are delivered by the scheduler, or now with: manage.py deliver_mail")
