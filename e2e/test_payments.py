"""Paying for a session with a test card, a declined card, the bank's step, and the refund the policy promised."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import pay, register

pytestmark = pytest.mark.e2e


def _slot_in(site, hours: float, mentor="andriy.shevchenko@example.com") -> int:
    """A free slot of a demo mentor ($50, standard policy) starting ``hours`` from now."""
    return int(
        site.python(
            "import datetime as dt; from django.utils import timezone; from accounts.models import User; "
            "from schedule.models import Slot; "
            f"m = User.objects.get(email='{mentor}'); "
            f"s = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours={hours}); "
            "print(Slot.objects.create(mentor=m, start=s, end=s + dt.timedelta(hours=1)).pk)"
        )
    )


def _to_checkout(page, slot_id: int, heading="Pay for your session"):
    page.goto(f"/book/{slot_id}/")
    expect(page.locator("main")).to_contain_text("Cancellation policy")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("main")).to_contain_text("This time is held for you until")


def test_a_mentee_pays_cancels_within_a_day_and_gets_back_exactly_the_half_promised(new_page, site, smtp_sink):
    page = new_page()
    address = register(page, first="Pavlo", last="Payer")
    _to_checkout(page, _slot_in(site, 6))
    pay(page)
    receipt = smtp_sink.wait_for(lambda m: address in m["To"] and m["Subject"].startswith("Receipt INV-"))
    assert "$50" in receipt.get_body(preferencelist=("plain",)).get_content()

    page.get_by_role("link", name="Cancel booking").click()
    expect(page.locator("main .alert-warning")).to_contain_text("You will get back $25")
    page.get_by_role("button", name="Yes, cancel the session").click()
    expect(page.locator(".alert-success")).to_contain_text("has been cancelled")

    expect(page.locator("main")).to_contain_text("$25 refunded to your card on")  # the booking's own page

    page.goto("/payments/")
    expect(page.locator("main table")).to_contain_text("$25 refunded")
    smtp_sink.wait_for(lambda m: address in m["To"] and m["Subject"] == "Refund of $25")


def test_a_mentee_gives_up_a_held_time_and_it_is_bookable_again(new_page, site):
    page = new_page()
    register(page, first="Greta", last="Giveup")
    slot = _slot_in(site, 50)
    _to_checkout(page, slot)
    page.get_by_role("button", name="Give up this time and choose another").click()
    expect(page.locator(".alert-success")).to_contain_text("The time is given back and nothing was charged.")
    expect(page.get_by_role("heading", name="Available times")).to_be_visible()  # back on the mentor's page
    page.goto("/bookings/")
    expect(page.get_by_role("region", name="Waiting for your payment")).to_have_count(0)
    _to_checkout(page, slot)  # free again: held anew


def test_a_declined_card_is_explained_and_another_card_then_books(new_page, site):
    page = new_page()
    register(page, first="Dana", last="Declined")
    _to_checkout(page, _slot_in(site, 30))
    page.goto("/bookings/")  # the tab closed, say: the hold waits on My consultations
    holds = page.get_by_role("region", name="Waiting for your payment")
    expect(holds).to_contain_text("the time is kept for you until")
    holds.get_by_role("link", name="Pay and confirm").click()
    expect(page.get_by_role("heading", name="Pay for your session")).to_be_visible()
    pay(page, "4000 0000 0000 0002", expect_text="Your card was declined. Please try another card.")
    expect(page).to_have_url(re.compile(r"/payments/checkout/\d+/$"))
    pay(page, "4000 0000 0000 9995", expect_text="insufficient funds")
    pay(page)
    page.goto("/payments/")
    expect(page.locator("main table")).to_contain_text("Declined")
    expect(page.locator("main table")).to_contain_text("Paid")


def test_the_banks_extra_step_confirms_the_payment(new_page, site):
    page = new_page()
    register(page, first="Bohdan", last="Bank")
    _to_checkout(page, _slot_in(site, 40))
    pay(page, "4000 0025 0000 3155", expect_text="")
    expect(page.get_by_role("heading", name="Your bank asks you to confirm this payment")).to_be_visible()
    page.get_by_role("button", name="Confirm payment").click()
    expect(page.locator(".alert-success")).to_contain_text("Paid. Your session is booked")


def test_a_mentee_buys_a_package_and_books_with_a_session_of_it(new_page, site):
    page = new_page()
    register(page, first="Kateryna", last="Package")
    page.goto("/mentors/olena-kovalenko/")
    packages = page.get_by_role("region", name="Packages")
    expect(packages).to_contain_text("5 sessions")
    packages.get_by_role("link", name="Buy").first.click()
    pay(page, expect_text="The package's sessions are yours to book")
    expect(page.locator("main")).to_contain_text("5 of 5 sessions left")

    slot = _slot_in(site, 50, mentor="olena.kovalenko@example.com")
    _to_checkout(page, slot, heading="Book with your package or pay")
    page.get_by_role("button", name=re.compile("Use a session of")).click()
    expect(page.locator(".alert-success")).to_contain_text("Booked with a session of your package")
    page.goto("/payments/")
    expect(page.locator("main")).to_contain_text("4 of 5 sessions left")
    # The unused four are given back after seeing what comes back; the card then says so.
    page.get_by_role("link", name="Refund unused sessions").click()
    expect(page.locator("main")).to_contain_text("4 of 5 sessions are unused.")
    refund = page.get_by_role("button", name=re.compile(r"^Refund \$"))
    amount = refund.inner_text().removeprefix("Refund ")
    refund.click()
    expect(page.locator(".alert-success")).to_contain_text(f"The unused sessions are refunded: {amount}")
    expect(page.locator("main")).to_contain_text(f"{amount} refunded")
