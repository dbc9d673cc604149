"""seed_bench makes accounts with a published password: never by accident on a production database."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from schedule.management.commands.seed_bench import DOMAIN

pytestmark = pytest.mark.django_db

SMALL = {"mentors": 2, "mentees": 3, "slots_per_mentor": 4, "bookings": 2}


def test_seed_bench_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="seed_bench creates accounts with a published password"):
        call_command("seed_bench", **SMALL)

    assert not User.objects.exists()


def test_seed_bench_runs_with_debug_off_when_forced_as_the_benchmark_does(settings):
    settings.DEBUG = False

    call_command("seed_bench", **SMALL, force=True, verbosity=0)

    assert User.objects.filter(email__endswith=f"@{DOMAIN}").count() == 2 + 3 + 1  # mentors, mentees, staff


def test_seed_bench_runs_in_development_without_force(settings):
    settings.DEBUG = True

    call_command("seed_bench", **SMALL, verbosity=0)

    assert User.objects.filter(email=f"staff0@{DOMAIN}").exists()
