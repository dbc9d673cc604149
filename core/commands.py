"""Management command helpers shared by the apps."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class MadeUpDataCommand(BaseCommand):
    """
    A command that fills the database with made-up people whose password is published (``seed_demo``,
    ``seed_bench``). With DEBUG off the database is probably a real one, where those accounts would be
    open doors: the command refuses unless ``--force`` says it is meant (the benchmark's own database).
    """

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off (a database that is not production)."
        )
        return parser

    def execute(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            name = self.__module__.rsplit(".", 1)[-1]
            raise CommandError(
                f"{name} creates accounts with a published password, and DEBUG is off, so this may be a "
                "production database. Run it with DEBUG=true, or add --force if this database is not production."
            )
        return super().execute(*args, **options)
