from django.core.management.base import BaseCommand

from schedule import services


class Command(BaseCommand):
    help = "Publish every mentor's weekly hours for their horizon (what the hourly job does)."

    def handle(self, *args, **options):
        result = services.weekly_publish_all()
        self.stdout.write(f"{result.created} slots published, {result.removed} removed.")
