"""Send every mailing run due now (the scheduler runs the same every minute), and print a summary."""

from django.core.management.base import BaseCommand, CommandError

from mailings import services
from mailings.models import Mailing


class Command(BaseCommand):
    help = "Start the mailing runs due now and queue their emails to the outbox (delivery sends them)."

    def add_arguments(self, parser):
        parser.add_argument("--mailing", type=int, metavar="ID", help="Only this mailing.")

    def handle(self, *args, mailing=None, **options):
        if mailing is not None and not Mailing.objects.filter(pk=mailing).exists():
            raise CommandError(f"No mailing with id {mailing}.")
        result = services.mailings_send_due(mailing_id=mailing)
        self.stdout.write(
            f"Mailings: {result.started} runs started, {result.queued_runs} runs queued, "
            f"{result.recipients} emails to the outbox, {result.capped} over the daily limit, "
            f"{result.skipped} runs not sent."
        )
        if mailing is not None:
            found = Mailing.objects.get(pk=mailing)
            upcoming = found.next_run_at.isoformat() if found.next_run_at else "none"
            self.stdout.write(f"Mailing {mailing}: {found.status}, next run {upcoming}.")
