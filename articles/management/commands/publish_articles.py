from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = "Tell followers and clients about articles whose publication time has come (each once; what the job does)."

    def handle(self, *args, **options):
        told = services.articles_announce_due()
        self.stdout.write(f"People told about new articles: {told}.")
