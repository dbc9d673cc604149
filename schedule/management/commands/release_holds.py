from django.core.management.base import BaseCommand

from schedule import services


class Command(BaseCommand):
    help = "Give back the slots of holds not paid in time (what the every-minute job does)."

    def handle(self, *args, **options):
        released = services.holds_release_expired()
        self.stdout.write(f"{released} holds released.")
