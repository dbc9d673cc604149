from django.core.management.base import BaseCommand

from messaging import services


class Command(BaseCommand):
    help = "Run one unread-messages digest now: email each person about messages unread for MESSAGE_DIGEST_MINUTES."

    def handle(self, *args, **options):
        queued = services.message_digest_sweep()
        self.stdout.write(f"Unread-message emails queued: {queued}.")
        self.stdout.write("They are delivered by the scheduler, or now with: manage.py deliver_mail")
