from django.core.management.base import BaseCommand

from reviews import services


class Command(BaseCommand):
    help = "Ask the clients of sessions that took place how they went (each session once; what the job does)."

    def handle(self, *args, **options):
        invited = services.review_invitations_send()
        self.stdout.write(f"Review invitations sent: {invited}.")
        self.stdout.write("The emails are delivered by the scheduler, or now with: manage.py deliver_mail")
