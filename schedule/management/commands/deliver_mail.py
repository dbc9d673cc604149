from django.core.management.base import BaseCommand

from schedule import delivery


class Command(BaseCommand):
    help = "Deliver the queued emails that are due now (what the scheduler does every 10 seconds)."

    def handle(self, *args, **options):
        result = delivery.outbox_drain()
        self.stdout.write(f"Sent: {result.sent}; to retry later: {result.requeued}; failed: {result.failed}.")
