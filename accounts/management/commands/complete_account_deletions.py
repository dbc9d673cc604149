from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = "Anonymise the accounts whose deletion grace period is over (what the scheduler does every 15 minutes)."

    def handle(self, *args, **options):
        completed = services.account_deletions_complete()
        self.stdout.write(f"Accounts deleted: {completed}.")
