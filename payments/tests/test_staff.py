"""What staff see of money: the dashboard's figures and chart, and the payments ledger."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MentorFactory
from payments import selectors, services
from payments.models import Payment
from payments.tests.factories import DECLINED, card
from schedule import services as schedule_services
from schedule.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger(mentee):
    """Two paid sessions ($50, $80), one refunded in half, and a declined attempt."""
    with time_machine.travel(NOW, tick=False):
        payments = []
        for price, hours in ((50, 48), (80, 72)):
            mentor = MentorFactory(profile__price=price)
            slot = SlotFactory(
                mentor=mentor, start=NOW + dt.timedelta(hours=hours), end=NOW + dt.timedelta(hours=hours + 1)
            )
            held = schedule_services.booking_hold(slot_id=slot.pk, mentee=mentee)
            if price == 80:
                with pytest.raises(services.PaymentError):
                    services.booking_pay(booking=held, payer=mentee, card=card(DECLINED), idempotency_key="d" * 32)
            payments.append(
                services.booking_pay(booking=held, payer=mentee, card=card(), idempotency_key=f"{price}" * 16)
            )
        schedule_services.booking_cancel(booking=payments[0].booking, by=mentee, now=NOW + dt.timedelta(hours=30))
    return payments


def test_the_money_figures_are_exact(ledger):
    money = selectors.platform_money(now=NOW)
    assert money["revenue"] == money["revenue_30d"] == Decimal(130)
    assert money["payments"] == 2 and money["count"] == 1
    assert money["refunds"] == Decimal(25) and money["fees"] == Decimal("19.50")
    assert money["net_fees"] == Decimal("19.50") - Decimal("3.75")


def test_the_money_series_puts_each_day_in_its_place(ledger):
    with timezone.override("UTC"):
        days = [NOW.date() - dt.timedelta(days=1), NOW.date(), NOW.date() + dt.timedelta(days=1)]
        start = dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC)
        rows = selectors.money_per_day(days=days, start=start, end=start + dt.timedelta(days=3))
    assert [(r["revenue"], r["refunds"]) for r in rows] == [(0, 0), (Decimal(130), 0), (0, Decimal(25))]
    assert rows[2]["fees"] == Decimal("-3.75")  # the refunded part of the fee goes back on the day of the refund


def test_the_dashboard_shows_money_and_the_no_show_rate(client, staff, ledger):
    client.force_login(staff)
    page = client.get(reverse("dashboard:stats")).content.decode()
    assert "Revenue (all time)" in page and "$130" in page and "No-shows" in page
    assert "moneyPerDay" in page


def test_staff_list_and_filter_payments_in_fixed_queries(client, staff, ledger, django_assert_num_queries):
    client.force_login(staff)
    client.get(reverse("home"))  # the first staff request notes the time: not counted
    # session, user, the role's permissions (2), count, the page with its people and sessions, the header
    with django_assert_num_queries(7):
        page = client.get(reverse("dashboard:payments")).content.decode()
    assert page.count("INV-") == 2 and "Declined" in page
    declined = client.get(reverse("dashboard:payments"), {"status": "failed"}).content.decode()
    assert "INV-" not in declined and "Card declined" in declined
    found = client.get(reverse("dashboard:payments"), {"query": ledger[1].invoice_number}).content.decode()
    assert found.count(">INV-") == 1  # in the table (the search box echoes it too)
    Payment.objects.filter(pk=ledger[1].pk).update(refunded=F("amount"))  # given back whole: no longer "Paid"
    found = client.get(reverse("dashboard:payments"), {"query": ledger[1].invoice_number}).content.decode()
    assert '<span class="badge text-bg-secondary">Refunded</span>' in found


def test_staff_filter_payments_by_what_their_badges_say(client, staff, ledger):
    """$50 paid and half refunded, $80 paid, one declined; then the $80 given back whole."""
    client.force_login(staff)

    def invoices(status: str) -> list[str]:
        page = client.get(reverse("dashboard:payments"), {"status": status})
        return sorted(str(p.amount) for p in page.context["page"].object_list)

    assert invoices("succeeded") == ["50.00", "80.00"]
    assert invoices("partly_refunded") == ["50.00"]
    assert invoices("refunded") == []
    Payment.objects.filter(pk=ledger[1].pk).update(refunded=F("amount"))
    assert invoices("succeeded") == ["50.00"]  # the list reads "Refunded" for it, so "Paid" leaves it out
    assert invoices("refunded") == ["80.00"]
    assert invoices("failed") == ["80.00"]


def test_staff_read_a_payment_waiting_for_the_bank_as_the_clients_bank(client, staff, ledger):
    Payment.objects.filter(pk=ledger[1].pk).update(status=Payment.Status.REQUIRES_ACTION)
    client.force_login(staff)
    page = client.get(reverse("dashboard:payments"), {"status": "requires_action"}).content.decode()
    assert "Waiting for the client&#x27;s bank" in page and "your bank" not in page


def test_the_payments_list_shows_the_fee_the_platform_kept_after_refunds(client, staff, ledger):
    """The $50 payment ($7.50 fee) was half refunded: $3.75 of the fee went back with it."""
    client.force_login(staff)
    rows = {p.amount: p for p in client.get(reverse("dashboard:payments")).context["page"].object_list}
    assert rows[Decimal("50.00")].fee_kept == Decimal("3.75")
    assert rows[Decimal("80.00")].fee_kept == rows[Decimal("80.00")].platform_fee
    page = client.get(reverse("dashboard:payments")).content.decode()
    assert "$3.75" in page and "of $7.50" in page
