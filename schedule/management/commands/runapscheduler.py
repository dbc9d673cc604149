import time

from django.core.management.base import BaseCommand

from schedule import scheduler


class Command(BaseCommand):
    help = "Run the reminder and mail scheduler in the foreground (one active process at a time)."

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=int, default=30, help="Seconds between attempts to take the lock.")

    def handle(self, *args, wait, **options):
        while not scheduler.acquire_leader_lock():
            self.stdout.write(f"Another process runs the scheduler; retrying in {wait}s.")
            time.sleep(wait)
        self.stdout.write(self.style.SUCCESS("Scheduler started. Press Ctrl+C to stop."))
        instance = scheduler.build(blocking=True)
        try:
            instance.start()
        except KeyboardInterrupt:
            instance.shutdown()
            self.stdout.write("Scheduler stopped.")
