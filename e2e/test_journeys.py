"""The main journeys of a person in a browser, against the real site with its scheduler and mail."""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, pay, register

pytestmark = pytest.mark.e2e


def first_slot_link(page):
    return page.locator("a[href^='/book/']").first


def slot_id(href: str) -> int:
    return int(re.search(r"/book/(\d+)/", href).group(1))


def book_first_free_slot(page, mentor_slug, note=""):
    page.goto(f"/mentors/{mentor_slug}/")
    link = first_slot_link(page)
    href = link.get_attribute("href")
    link.click()
    if note:
        page.fill("#id_note", note)
    page.get_by_role("button", name="Continue to payment").click()  # the demo mentors are paid
    pay(page)
    return slot_id(href)


def test_a_newcomer_finds_a_mentor_registers_on_the_way_and_books(new_page, site, smtp_sink):
    page = new_page()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("mentors")
    page.fill("#search-q", "fitness")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("article")).to_have_count(2)
    page.get_by_role("link", name="Sofia Melnyk").click()
    expect(page.get_by_role("heading", name="Available times")).to_be_visible()

    first_slot_link(page).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/book/\d+/"))
    page.get_by_role("link", name="Create an account").click()
    address = register(page, first="Nina", last="Newcomer")
    expect(page.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    page.fill("#id_note", "I want to run a half marathon")
    expect(page.locator("main")).to_contain_text("Full refund if you cancel at least 24 hours before the start.")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("heading", name="Pay for your session")).to_be_visible()
    pay(page)

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My consultations").click()
    expect(page.locator("#upcoming-heading + ul")).to_contain_text("Sofia Melnyk")

    message = smtp_sink.wait_for(lambda m: address in m["To"] and m["Subject"].startswith("Booked"))
    invite = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    assert b"METHOD:REQUEST" in invite.get_payload(decode=True)


def test_a_mentor_sets_up_a_profile_and_a_week_and_sees_a_booking(new_page, site, tmp_path):
    mentor_page = new_page()
    mentor_email = register(mentor_page, role="mentor", first="Marko", last="Mentorenko")
    expect(mentor_page.get_by_role("heading", name="Mentor profile")).to_be_visible()
    mentor_page.fill("#id_headline", "Rust and systems programming")
    mentor_page.fill("#id_bio", "I have shipped embedded Rust for ten years.")
    mentor_page.get_by_label("Programming").check()
    mentor_page.fill("#id_price", "55")
    mentor_page.locator("main form button[type=submit]").click()
    expect(mentor_page.locator(".alert-success")).to_contain_text("saved")
    public_url = mentor_page.get_by_role("link", name="View public page").get_attribute("href")

    from PIL import Image

    photo = tmp_path / "me.png"
    Image.new("RGB", (900, 700), (30, 120, 200)).save(photo)
    mentor_page.goto("/accounts/profile/")
    mentor_page.set_input_files("#id_photo", str(photo))
    mentor_page.locator("main form button[type=submit]").click()
    expect(mentor_page.locator(".alert-success")).to_contain_text("profile has been saved")
    expect(mentor_page.locator("main img.avatar")).to_be_visible()

    mentor_page.goto("/schedule/")
    tomorrow = (dt.datetime.now(zoneinfo.ZoneInfo("Europe/Kyiv")).date() + dt.timedelta(days=1)).isoformat()
    for day in range(7):
        mentor_page.check(f"#id_weekdays_{day}")
    mentor_page.fill("#id_first_day", tomorrow)
    mentor_page.fill("#id_day_start", "10:00")
    mentor_page.fill("#id_day_end", "12:00")
    mentor_page.get_by_role("button", name="Create slots").click()
    expect(mentor_page.locator(".alert")).to_contain_text("14 slots created")
    expect(mentor_page.locator(".slot-list li")).to_have_count(14)

    mentee_page = new_page()
    register(mentee_page, first="Olha", last="Learner")
    book_first_free_slot(mentee_page, public_url.strip("/").split("/")[-1], note="Ownership and lifetimes")

    mentor_page.goto("/bookings/")
    expect(mentor_page.locator("#upcoming-heading + ul")).to_contain_text("Olha Learner")
    expect(mentor_page.locator("#upcoming-heading + ul")).to_contain_text("Ownership and lifetimes")
    mentor_page.goto("/clients/")
    expect(mentor_page.locator("table")).to_contain_text("Olha Learner")
    assert mentor_email.startswith("marko.mentorenko")


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_cancelling_from_either_side_frees_the_slot_and_emails_the_other(new_page, site, smtp_sink, side):
    mentor_slug, mentor_email = {
        "mentee": ("maria-ivanova", "maria.ivanova@example.com"),
        "mentor": ("lucas-martin", "lucas.martin@example.com"),
    }[side]
    mentee_page = new_page()
    mentee_email = register(mentee_page, first="Cancel", last=side.title())
    booked_slot = book_first_free_slot(mentee_page, mentor_slug)
    booking_url = mentee_page.url

    actor = mentee_page
    if side == "mentor":
        actor = new_page()
        login(actor, mentor_email)
    actor.goto(booking_url + "cancel/")
    actor.fill("#id_reason", "Something came up")
    actor.get_by_role("button", name="Yes, cancel the session").click()
    expect(actor.locator(".alert-success")).to_contain_text("has been cancelled")

    mentee_page.goto(f"/mentors/{mentor_slug}/")
    expect(mentee_page.locator(f"a[href='/book/{booked_slot}/']")).to_have_count(1)
    other = mentor_email if side == "mentee" else mentee_email
    message = smtp_sink.wait_for(lambda m: other in m["To"] and m["Subject"].startswith("Cancelled"))
    assert "Something came up" in message.get_body(preferencelist=("plain",)).get_content()


def test_two_people_booking_the_same_slot_at_once_get_one_booking_and_one_friendly_refusal(new_page, site):
    pages = [new_page(), new_page()]
    for i, page in enumerate(pages):
        register(page, first="Racer", last=f"Number{i}")
    pages[0].goto("/mentors/james-carter/")
    href = first_slot_link(pages[0]).get_attribute("href")
    for page in pages:
        page.goto(href)
    buttons = [page.get_by_role("button", name="Continue to payment") for page in pages]
    for button in buttons:
        button.click(no_wait_after=True)
    for page in pages:
        page.wait_for_load_state()
        page.wait_for_url(lambda url: "/book/" not in url)

    # One holds the time on the checkout; the other is told it was just taken.
    winner, loser = sorted(pages, key=lambda page: "/payments/checkout/" not in page.url)
    assert "/payments/checkout/" in winner.url
    expect(loser.locator(".alert").first).to_contain_text("just booked by someone else")
    count = site.python(
        f"from schedule.models import Booking; print(Booking.objects.filter(slot_id={slot_id(href)}).count())"
    )
    assert count == "1"


def test_staff_see_the_figures_change_and_cancel_from_the_dashboard(new_page, site):
    staff = new_page()
    login(staff, "staff@example.com")
    staff.goto("/dashboard/")
    figure = staff.locator(".stat-card", has_text="Bookings today").locator(".stat-value")
    before = int(figure.inner_text())
    # Every mentor in the top-mentors table has a drawn bar, as long as their count says.
    bars = staff.evaluate(
        "() => Chart.getChart('chart-top').getDatasetMeta(0).data"
        ".map(bar => bar.getProps(['x', 'base'], true)).map(bar => Math.round(bar.x - bar.base))"
    )
    counts = [
        int(cell)
        for cell in staff.locator("[aria-labelledby=chart-top-heading] tbody td:nth-child(2)").all_inner_texts()
    ]
    assert counts and all(length > 0 for length in bars)
    assert len(bars) == len(counts) and bars == sorted(bars, reverse=True)

    mentee = new_page()
    register(mentee, first="Dash", last="Board")
    book_first_free_slot(mentee, "daniel-novak")

    staff.reload()
    expect(figure).to_have_text(str(before + 1))
    staff.goto("/dashboard/bookings/?mentee=dash.board")
    staff.locator("table tbody a").first.click()
    staff.get_by_role("link", name="Cancel on behalf of either side").click()
    staff.fill("#id_reason", "Mentor unavailable")
    staff.get_by_role("button", name="Cancel booking").click()
    expect(staff.locator(".badge.fs-6")).to_have_text("Cancelled")

    mentee.goto("/dashboard/")
    expect(mentee.get_by_role("heading", name="Access denied")).to_be_visible()


def test_mentee_in_new_york_and_mentor_in_kyiv_see_the_same_session_in_their_own_time(new_page, site):
    mentee = new_page(timezone_id="America/New_York")
    register(mentee, first="Nora", last="York")
    assert (
        site.python("from accounts.models import User; print(User.objects.get(email__startswith='nora.york').timezone)")
        == "America/New_York"
    )
    slot = book_first_free_slot(mentee, "olena-kovalenko")
    start = dt.datetime.fromisoformat(
        site.python(f"from schedule.models import Slot; print(Slot.objects.get(pk={slot}).start.isoformat())")
    )
    new_york = start.astimezone(zoneinfo.ZoneInfo("America/New_York")).strftime("%H:%M")
    kyiv = start.astimezone(zoneinfo.ZoneInfo("Europe/Kyiv")).strftime("%H:%M")
    booking_url = mentee.url

    mentee_view = mentee.locator("dl").inner_text()
    assert f"{new_york} –" in mentee_view and "America/New York" in mentee_view

    mentor = new_page(timezone_id="Europe/Kyiv")
    login(mentor, "olena.kovalenko@example.com")
    mentor.goto(booking_url)
    mentor_view = mentor.locator("dl").inner_text()
    assert f"{kyiv} –" in mentor_view and "Europe/Kyiv" in mentor_view
    assert new_york in mentor_view  # the client's time is shown too


def test_refresh_and_back_after_a_booking_never_book_twice(new_page, site):
    page = new_page()
    register(page, first="Back", last="Button")
    slot = book_first_free_slot(page, "emily-chen")
    page.reload()
    expect(page.get_by_role("heading", name="Mentoring session")).to_be_visible()
    page.go_back()  # the confirmation page: now it redirects to the booking instead of offering it again
    page.wait_for_load_state()
    page.go_forward()
    page.reload()
    count = site.python(f"from schedule.models import Booking; print(Booking.objects.filter(slot_id={slot}).count())")
    assert count == "1"


def test_an_anonymous_visitor_in_new_york_sees_new_york_times_up_to_the_confirmation(new_page, site):
    """
    The browser reports its zone in a cookie (URL-encoded): the visitor's clicks mean what they read, from
    the very first page (drawn in the site's zone before the cookie existed, then again in theirs).
    """
    visitor = new_page(timezone_id="America/New_York")
    visitor.goto("/mentors/james-carter/")  # the first page of the visit, as from a shared link
    expect(visitor.locator("#availability")).to_contain_text("Shown in your time zone: America/New York")
    expect(visitor.locator("footer")).to_contain_text("America/New York")
    link = first_slot_link(visitor)
    shown = link.inner_text().split("–")[0].strip()
    slot = slot_id(link.get_attribute("href"))
    start = dt.datetime.fromisoformat(
        site.python(f"from schedule.models import Slot; print(Slot.objects.get(pk={slot}).start.isoformat())")
    )
    assert shown == start.astimezone(zoneinfo.ZoneInfo("America/New_York")).strftime("%H:%M")

    link.click()
    visitor.get_by_role("link", name="Create an account").click()
    register(visitor, first="Visiting", last="Yorker")
    expect(visitor.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    assert f"{shown} –" in visitor.locator("dl").inner_text()


def test_a_mentee_books_then_moves_the_session_and_both_calendars_follow(new_page, site, smtp_sink):
    page = new_page()
    address = register(page, first="Mover", last="Mentee")
    book_first_free_slot(page, "taras-hnatiuk")
    booking_url = page.url
    expect(page.get_by_role("link", name="Google Calendar")).to_be_visible()

    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("heading", name="Move the session to another time")).to_be_visible()
    page.get_by_role("link", name="Next week").click()  # plain links, no JavaScript needed
    page.locator("button[name=slot]").first.click()
    expect(page.get_by_text("Move the session?")).to_be_visible()  # a time is confirmed before it moves
    page.get_by_role("button", name="Yes, move it").click()

    expect(page.locator(".alert-success")).to_contain_text("The session has moved to")
    assert page.url.split("#")[0] == booking_url  # back on the same booking, now at the new time
    message = smtp_sink.wait_for(lambda m: address in m["To"] and str(m["Subject"]).strip().startswith("New time"))
    invite = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    body = invite.get_payload(decode=True)
    assert b"METHOD:REQUEST" in body and b"SEQUENCE:1" in body
    assert "moved from" in message.get_body(preferencelist=("plain",)).get_content()


def test_a_mentor_sets_weekly_hours_once_and_is_bookable_weeks_ahead(new_page, site):
    mentor = new_page()
    register(mentor, role="mentor", first="Weekly", last="Hours")
    mentor.goto("/schedule/")
    mentor.get_by_role("link", name="Set weekly hours").click()
    expect(mentor.locator("#id_d0_0_start")).to_have_value("09:00")  # Mon-Fri 9-17 suggested
    mentor.fill("#id_d5_0_start", "10:00")  # and Saturday mornings
    mentor.fill("#id_d5_0_end", "12:00")
    mentor.get_by_role("button", name="Save and publish").click()
    expect(mentor.locator(".alert-success")).to_contain_text("new times published")

    slug = site.python(
        "from accounts.models import MentorProfile; "
        "print(MentorProfile.objects.get(user__email__startswith='weekly.hours').slug)"
    )
    visitor = new_page()
    visitor.goto(f"/mentors/{slug}/")
    for _ in range(6):  # several weeks ahead, every week has times
        expect(first_slot_link(visitor)).to_be_visible()
        visitor.get_by_role("link", name="Next week").click()
    expect(first_slot_link(visitor)).to_be_visible()


def test_a_mentee_joins_a_waitlist_and_hears_when_a_time_opens(new_page, site, smtp_sink):
    mentee = new_page()
    address = register(mentee, first="Waiting", last="Mentee")
    mentee.goto("/mentors/nadia-hassan/")
    mentee.get_by_role("button", name="Join the waitlist").click()
    expect(mentee.locator(".alert-success")).to_contain_text("waitlist")
    expect(mentee.get_by_role("button", name="Leave the waitlist")).to_be_visible()

    mentor = new_page()
    login(mentor, "nadia.hassan@example.com")
    mentor.goto("/schedule/")
    day = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=10)).isoformat()
    mentor.fill("#id_date", day)
    mentor.fill("#id_start_time", "06:00")
    mentor.get_by_role("button", name="Add slot").click()
    expect(mentor.locator(".alert-success")).to_contain_text("published")

    site.python("from schedule import services; services.waitlist_sweep()")  # the every-minute job, now
    message = smtp_sink.wait_for(lambda m: address in m["To"] and "New times with" in str(m["Subject"]))
    assert "Nadia Hassan" in str(message["Subject"])


def test_a_mentee_subscribes_to_their_sessions_with_a_private_calendar_link(new_page, site):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "petro.savchuk@example.com")
    page.goto("/bookings/")
    page.get_by_role("button", name="Get my calendar link").click()
    link = page.get_by_label("Your calendar link")
    url = link.input_value()
    assert re.fullmatch(r"http://[^/]+/calendar/[A-Za-z0-9_-]{20,64}\.ics", url), url  # a secret, hard to guess
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url

    feed = page.request.get(url)  # what Google Calendar, Outlook or Apple Calendar fetch
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in feed.text() and "BEGIN:VEVENT" in feed.text()
