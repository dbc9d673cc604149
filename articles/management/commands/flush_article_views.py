from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = "Move the article views counted in the cache into the database (what the job does every minute)."

    def handle(self, *args, **options):
        moved = services.article_views_flush()
        self.stdout.write(f"Article views counted: {moved}.")
