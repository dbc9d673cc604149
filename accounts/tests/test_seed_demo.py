"""seed_demo makes accounts with a published password: never by accident on a production database."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.management.commands.seed_demo import STAFF_EMAIL
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DEBUG is off.*--force"):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    call_command("seed_demo", force=True, verbosity=0)

    assert User.objects.filter(email=STAFF_EMAIL, is_staff=True).exists()


def test_seed_demo_runs_in_development_without_force(settings):
    settings.DEBUG = True

    call_command("seed_demo", "--if-empty", verbosity=0)

    assert User.objects.filter(email=STAFF_EMAIL).exists()


def test_the_demos_paid_past_sessions_hold_their_price_so_their_pages_show_the_payment(settings, client):
    from payments.models import Payment

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    payment = Payment.objects.filter(booking__slot__end__lt=timezone.now()).select_related("booking").first()
    assert payment is not None and payment.booking.price == payment.amount
    client.force_login(payment.payer)
    page = client.get(payment.booking.get_absolute_url()).content.decode()
    assert "Payment</dt>" in page and "paid on" in page and 'href="/payments/"' in page
