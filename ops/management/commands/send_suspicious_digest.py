from django.core.management.base import BaseCommand

from ops import services


class Command(BaseCommand):
    help = "Mail the admins the finished suspicious-activity windows above the threshold (as the scheduler does)."

    def handle(self, *args, **options):
        mailed = services.suspicious_digest_send()
        self.stdout.write(f"Suspicious-activity digest: {mailed} window(s) mailed.")
