"""
Per-kind email preferences: in-app notifications always come; each kind's email is on until the
person turns it off on the settings page, and then the booking emails and the message digest skip them.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from post_office.models import Email

from accounts.tests.factories import UserFactory
from articles import COMMENTED_KIND, PUBLISHED_KIND
from core.mail import KIND_HEADER
from messaging import MESSAGE_KIND, REPORT_HANDLED_KIND
from notifications import kinds, selectors, services
from notifications.models import Notification, NotificationPreference
from reviews import INVITATION_KIND, MODERATED_KIND, RECEIVED_KIND, REPLIED_KIND
from schedule import emails as booking_emails
from schedule import services as schedule_services
from schedule.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

URL = reverse("notifications:settings")
EVERY_KIND = [kinds.BOOKING_CREATED, kinds.BOOKING_CANCELLED, kinds.BOOKING_MOVED, MESSAGE_KIND, INVITATION_KIND]
IN_APP_ONLY = [
    kinds.BOOKING_NO_SHOW,
    RECEIVED_KIND,
    "refund_issued",  # payments mail its own
    "package_bought",
    "mailing_disabled",  # the mailing's page says why, too
    "mailing_enabled",
    PUBLISHED_KIND,  # a new article of a followed mentor comes to the bell only
    COMMENTED_KIND,
    REPLIED_KIND,  # the reply is on the booking page
    MODERATED_KIND,
    REPORT_HANDLED_KIND,  # staff looked into a report: the bell says so
]


def _off(user, *names):
    services.notification_preferences_set(user=user, email=dict.fromkeys(names, False))


# --- Defaults and the selectors ---


def test_every_kind_has_a_label_and_its_email_is_on_by_default(mentor):
    assert sorted(kinds.KINDS) == sorted(EVERY_KIND + IN_APP_ONLY)
    assert list(kinds.with_email()) == EVERY_KIND
    assert all(str(kind.label) for kind in kinds.KINDS.values())
    assert str(kinds.KINDS[MESSAGE_KIND].label) == "New messages (a digest of those left unread)"
    assert all(selectors.wants_email(mentor, name) for name in EVERY_KIND)
    assert selectors.emails_wanted([mentor], kinds.BOOKING_CREATED) == {mentor.pk}
    assert not NotificationPreference.objects.exists()


def test_an_unknown_kind_or_one_without_email_is_never_emailed(mentor, monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "in_app", kinds.Kind(str, "bell", "In-app", email=False))
    assert not selectors.wants_email(mentor, "in_app") and not selectors.wants_email(mentor, "nonsense")
    assert selectors.emails_wanted([mentor.pk], "in_app") == set()
    with pytest.raises(ValueError):
        services.notification_preferences_set(user=mentor, email={"in_app": True})
    assert not NotificationPreference.objects.exists()


def test_a_choice_is_kept_per_person_and_kind(mentor, mentee):
    _off(mentor, kinds.BOOKING_CREATED)
    assert not selectors.wants_email(mentor, kinds.BOOKING_CREATED)
    assert selectors.wants_email(mentor, kinds.BOOKING_CANCELLED)
    assert selectors.wants_email(mentee, kinds.BOOKING_CREATED)
    assert selectors.emails_wanted([mentor, mentee.pk], kinds.BOOKING_CREATED) == {mentee.pk}

    services.notification_preferences_set(user=mentor, email={kinds.BOOKING_CREATED: True})
    assert selectors.wants_email(mentor, kinds.BOOKING_CREATED)
    assert NotificationPreference.objects.filter(user=mentor).count() == 1  # updated, not added


def test_wants_email_asks_once_per_user_object(mentor, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert all(selectors.wants_email(mentor, name) for name in EVERY_KIND)
    _off(mentor, MESSAGE_KIND)  # saving forgets what the object remembered
    with django_assert_num_queries(1):
        assert not selectors.wants_email(mentor, MESSAGE_KIND)


# --- The page ---


def test_the_page_needs_a_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.post(URL, {}).status_code == 302 and not NotificationPreference.objects.exists()


def test_the_page_lists_every_kind_with_its_box_and_its_query_count_is_pinned(
    client, mentor, django_assert_num_queries
):
    _off(mentor, kinds.BOOKING_MOVED)
    client.force_login(mentor)
    # session, user, the person's choices, and the header's unread counts (the cache is empty)
    with django_assert_num_queries(4):
        page = client.get(URL).content.decode()
    for name in EVERY_KIND:
        assert str(kinds.KINDS[name].label) in page and f'name="{name}"' in page
    assert page.count("Also by email") == len(EVERY_KIND) and page.count("checked") == len(EVERY_KIND) - 1
    # refunds come to the bell and, as a receipt, always by email: the page does not say "site only"
    assert page.count("On the site, and always by email: it is your receipt.") == 1
    assert page.count("On the site only.") == len(IN_APP_ONLY) - 1
    assert f'href="{URL}"' in client.get(reverse("notifications:list")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("accounts:security")).content.decode()


def test_a_mentee_is_not_offered_the_kinds_that_only_reach_mentors(client, mentee):
    mentors_only = [name for name, kind in kinds.KINDS.items() if kind.mentors_only]
    assert {kinds.BOOKING_CREATED, RECEIVED_KIND, COMMENTED_KIND, "package_bought", "mailing_disabled"} <= set(
        mentors_only
    )
    client.force_login(mentee)
    page = client.get(URL).content.decode()
    for name in mentors_only:
        assert str(kinds.KINDS[name].label) not in page and f'name="{name}"' not in page
    assert str(kinds.KINDS[kinds.BOOKING_CANCELLED].label) in page and str(kinds.KINDS[MESSAGE_KIND].label) in page
    assert client.post(URL, {kinds.BOOKING_CANCELLED: "on"}).status_code == 302  # saving what is offered works
    assert not selectors.wants_email(mentee, MESSAGE_KIND)  # unticked: off
    assert selectors.wants_email(mentee, kinds.BOOKING_CREATED)  # never offered: untouched


def test_saving_stores_each_choice_and_redirects_with_a_message(client, mentor, mentee):
    client.force_login(mentor)
    response = client.post(URL, {kinds.BOOKING_CANCELLED: "on", MESSAGE_KIND: "on"})

    assert response.status_code == 302 and response["Location"] == URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your notification settings are saved."]
    assert dict(NotificationPreference.objects.filter(user=mentor).values_list("kind", "email")) == {
        kinds.BOOKING_CREATED: False,
        kinds.BOOKING_CANCELLED: True,
        kinds.BOOKING_MOVED: False,
        MESSAGE_KIND: True,
        INVITATION_KIND: False,
    }
    assert not NotificationPreference.objects.filter(user=mentee).exists()  # nobody else's choices change


# --- Where it applies: booking emails and the message digest ---


def _booking_mail():
    """(recipient, kind) of each booking email in the outbox."""
    return sorted(
        (e.headers[booking_emails.RECIPIENT_HEADER], e.headers[KIND_HEADER])
        for e in Email.objects.filter(**{f"headers__{booking_emails.BOOKING_HEADER}__isnull": False})
    )


def test_a_mentor_with_new_booking_email_off_gets_the_bell_but_no_email(mentee, mentor):
    _off(mentor, kinds.BOOKING_CREATED)
    schedule_services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=mentee)

    assert _booking_mail() == [(str(mentee.pk), booking_emails.CONFIRMATION)]  # the mentee's receipt still goes
    assert Notification.objects.filter(recipient=mentor, kind=kinds.BOOKING_CREATED).exists()


def test_the_mentees_own_confirmation_goes_even_with_that_email_off(mentee, mentor):
    _off(mentee, kinds.BOOKING_CREATED)
    schedule_services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=mentee)
    assert _booking_mail() == sorted(
        [(str(mentee.pk), booking_emails.CONFIRMATION), (str(mentor.pk), booking_emails.CONFIRMATION)]
    )


def test_cancelled_and_moved_emails_follow_each_sides_choice(mentee, mentor):
    booking = schedule_services.booking_create(slot_id=SlotFactory(mentor=mentor).pk, mentee=mentee)
    later = SlotFactory(mentor=mentor, start=booking.slot.start + dt.timedelta(days=1))
    _off(mentor, kinds.BOOKING_MOVED)
    _off(mentee, kinds.BOOKING_CANCELLED)
    Email.objects.all().delete()

    schedule_services.booking_reschedule(booking=booking, new_slot_id=later.pk, by=mentee)
    assert _booking_mail() == [(str(mentee.pk), booking_emails.RESCHEDULE)]

    Email.objects.all().delete()
    schedule_services.booking_cancel(booking=booking, by=mentor)
    assert _booking_mail() == [(str(mentor.pk), booking_emails.CANCELLATION)]


def test_a_hostile_post_cannot_set_someone_elses_or_an_unknown_kind(client, mentor):
    other = UserFactory()
    client.force_login(mentor)
    client.post(URL, {"user": other.pk, "nonsense": "on", kinds.BOOKING_CREATED: "<script>"})
    assert set(NotificationPreference.objects.values_list("user", flat=True)) == {mentor.pk}
    assert not NotificationPreference.objects.filter(kind="nonsense").exists()
    assert selectors.wants_email(mentor, kinds.BOOKING_CREATED)  # any value ticks a box


def test_the_choices_are_in_the_data_export(mentor):
    from accounts.export import user_data_export

    services.notification_preferences_set(user=mentor, email={kinds.BOOKING_CREATED: False})
    assert user_data_export(mentor)["notification_email"][kinds.BOOKING_CREATED] is False
