"""
Mailing pages through the client: anonymous, another mentor (404 on every id URL), invalid forms,
success; the unsubscribe link without sign-in or CSRF; staff pages. Every page's query count is pinned.
"""

import datetime as dt
import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from post_office.models import Email

from accounts.tests.factories import MentorFactory, staff_member
from mailings import emails, services
from mailings.models import Client, Mailing, Message, Unsubscription
from mailings.tests.factories import NOW, ClientFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(mentor, message, clients, make_mailing):
    mailing = make_mailing(period=Mailing.Period.WEEKLY, start=NOW - dt.timedelta(minutes=1))
    services.mailings_send_due(now=NOW)
    return {"mailing": mailing, "run": mailing.runs.get(), "message": message, "client": clients[0]}


def state():
    return (
        list(Mailing.objects.values_list("pk", "status", "next_run_at", "disabled_reason")),
        list(Message.objects.values_list("pk", "subject", "body")),
        list(Client.objects.values_list("pk", "email", "full_name", "comment")),
        Email.objects.count(),
    )


ID_URLS = [
    ("mailings:detail", "mailing", "get"),
    ("mailings:pause", "mailing", "post"),
    ("mailings:resume", "mailing", "post"),
    ("mailings:end", "mailing", "post"),
    ("mailings:run", "run", "get"),
    ("mailings:client_edit", "client", "get"),
    ("mailings:client_edit", "client", "post"),
    ("mailings:client_remove", "client", "post"),
    ("mailings:message_edit", "message", "get"),
    ("mailings:message_edit", "message", "post"),
    ("mailings:message_delete", "message", "post"),
]
FORM = {"email": "x@example.com", "full_name": "X", "comment": "", "subject": "S", "body": "B"}


@pytest.mark.parametrize(("name", "key", "method"), ID_URLS)
def test_another_mentors_object_is_a_404_and_nothing_changes(client, world, name, key, method):
    client.force_login(MentorFactory())
    before = state()
    response = getattr(client, method)(reverse(name, args=[world[key].pk]), FORM)
    assert (response.status_code, state()) == (404, before)


@pytest.mark.parametrize(("name", "key", "method"), ID_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, key, method):
    before = state()
    response = getattr(client, method)(reverse(name, args=[world[key].pk]), FORM)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert state() == before


def test_a_mentee_cannot_open_mailings(client, mentee):
    client.force_login(mentee)
    assert client.get(reverse("mailings:list")).status_code == 403


def test_a_mentor_writes_a_message_and_sees_the_preview(client, mentor, clients):
    client.force_login(mentor)
    response = client.post(
        reverse("mailings:message_create"), {"subject": "Practice, {first_name}", "body": "Hi {first_name}, **go**!"}
    )
    message = Message.objects.get(mentor=mentor, subject="Practice, {first_name}")
    assert response["Location"] == reverse("mailings:message_edit", args=[message.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Practice, Seán" in page  # the first client's name (hostile: shown escaped)
    assert "Hi Seán, <strong>go</strong>!" in page
    assert "<Co>" not in page
    next_step = f"{reverse('mailings:create')}?message={message.pk}"  # the way on: send it
    assert f'href="{next_step}"' in page
    form = client.get(next_step).content.decode()
    assert f'<option value="{message.pk}" selected>' in form
    for other in (str(MessageFactory().pk), "9" * 40, "x", "-1", "١"):  # someone else's, absurd: nothing chosen
        page = client.get(reverse("mailings:create"), {"message": other}).content.decode()
        assert not re.search(r'<option value="[0-9]+" selected>', page), other


def test_the_preview_shows_a_cyrillic_sender_as_written_and_says_via_in_the_mentor_s_language(client, mentor):
    mentor.first_name, mentor.last_name, mentor.language = "Ігор", "Мельник", "uk"
    mentor.save()
    message = MessageFactory(mentor=mentor)
    client.force_login(mentor)
    page = client.get(reverse("mailings:message_edit", args=[message.pk])).content.decode()
    assert "Ігор Мельник через Mentorship &lt;" in page and "=?utf-8?" not in page


def test_the_message_form_s_help_is_in_the_mentor_s_language(client, mentor):
    mentor.language = "uk"
    mentor.save(update_fields=["language"])
    client.force_login(mentor)
    page = client.get(reverse("mailings:message_create")).content.decode()
    assert "Звичайний текст. Порожні рядки розділяють абзаци" in page and "Plain text." not in page


def test_an_empty_message_is_refused_and_nothing_is_stored(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("mailings:message_create"), {"subject": " ", "body": ""})
    assert response.status_code == 400 and not Message.objects.exists()


def test_a_mentor_schedules_a_weekly_mailing_to_chosen_clients(client, mentor, message, clients):
    client.force_login(mentor)
    data = {
        "message": message.pk,
        "audience": "chosen",
        "clients": [c.pk for c in clients],
        "period": "weekly",
        "start_date": "2026-03-20",
        "start_time": "08:00",  # Kyiv: 06:00 UTC, an hour before NOW: starts at once
        "end_date": "2026-06-20",
        "end_time": "23:59",
    }
    response = client.post(reverse("mailings:create"), data)
    mailing = Mailing.objects.get()
    assert response["Location"] == mailing.get_absolute_url()
    assert mailing.start_at == dt.datetime(2026, 3, 20, 6, 0, tzinfo=dt.UTC)
    assert Email.objects.count() == 2  # queued at once; the delivery job sends them
    assert mailing.next_run_at == dt.datetime(2026, 3, 27, 6, 0, tzinfo=dt.UTC)
    assert "The mailing has started: its emails are on their way." in client.get(response["Location"]).content.decode()


def test_the_form_suggests_the_next_full_hour_and_a_later_start_says_when(client, mentor, message, clients):
    client.force_login(mentor)
    page = client.get(reverse("mailings:create")).content.decode()
    assert 'name="start_date" value="2026-03-20"' in page and 'name="start_time" value="10:00"' in page  # Kyiv
    assert '<option value="" selected>Choose a message</option>' in page  # no message until one is chosen
    untouched = {"audience": "all", "period": "once", "start_date": "2026-03-20", "start_time": "10:00",
                 "end_date": "2026-06-20", "end_time": "23:59"}  # fmt: skip
    assert client.post(reverse("mailings:create"), untouched).status_code == 400 and not Mailing.objects.exists()
    data = {"message": message.pk, "audience": "all", "period": "once", "start_date": "2026-03-20",
            "start_time": "10:00", "end_date": "2026-06-20", "end_time": "23:59"}  # fmt: skip
    response = client.post(reverse("mailings:create"), data, follow=True)
    assert "The mailing is scheduled for Friday, 20 March 2026, 10:00." in response.content.decode()
    assert not Email.objects.exists()


def test_a_mailing_needs_chosen_clients_when_not_to_all(client, mentor, message, clients):
    client.force_login(mentor)
    data = {
        "message": message.pk,
        "audience": "chosen",
        "period": "once",
        "start_date": "2026-03-21",
        "start_time": "08:00",
        "end_date": "2026-03-22",
        "end_time": "08:00",
    }
    assert client.post(reverse("mailings:create"), data).status_code == 400
    assert not Mailing.objects.exists()


def test_another_mentors_message_or_clients_cannot_be_chosen(client, mentor, message, clients):
    other = MentorFactory()
    client.force_login(other)
    data = {
        "message": message.pk,
        "audience": "chosen",
        "clients": [clients[0].pk],
        "period": "once",
        "start_date": "2026-03-21",
        "start_time": "08:00",
        "end_date": "2026-03-22",
        "end_time": "08:00",
    }
    assert client.post(reverse("mailings:create"), data).status_code == 400
    assert not Mailing.objects.exists()


def test_pause_resume_and_end_from_the_mailing_page(client, mentor, world):
    client.force_login(mentor)
    mailing = world["mailing"]
    for action, status in (("pause", "paused"), ("resume", "running"), ("end", "finished")):
        response = client.post(reverse(f"mailings:{action}", args=[mailing.pk]))
        assert response["Location"] == mailing.get_absolute_url()
        mailing.refresh_from_db()
        assert mailing.status == status


def test_adding_editing_and_removing_a_contact(client, mentor):
    client.force_login(mentor)
    response = client.post(reverse("mailings:clients"), {"email": "New@Example.com", "full_name": "New One"})
    assert response.status_code == 302
    added = Client.objects.get(mentor=mentor)
    assert added.email == "new@example.com"
    client.post(
        reverse("mailings:client_edit", args=[added.pk]),
        {"email": "n@example.com", "full_name": "N", "comment": "From the meetup"},
    )
    added.refresh_from_db()
    assert (added.email, added.full_name, added.comment) == ("n@example.com", "N", "From the meetup")
    client.post(reverse("mailings:client_remove", args=[added.pk]))
    assert not Client.objects.exists()


def test_a_duplicate_contact_is_refused_with_a_message(client, mentor, clients):
    client.force_login(mentor)
    response = client.post(reverse("mailings:clients"), {"email": "ANN@example.com"})
    assert response.status_code == 400 and "already one of your clients" in response.content.decode()
    assert Client.objects.count() == 2


def test_unsubscribe_asks_on_get_and_unsubscribes_on_post_without_sign_in_or_csrf(mentor):
    url = reverse("mailings:unsubscribe", args=[emails.unsubscribe_token(mentor_id=mentor.pk, email="a@example.com")])
    browser = HttpClient(enforce_csrf_checks=True)
    page = browser.get(url)
    assert page.status_code == 200 and "a@example.com" in page.content.decode()
    assert not Unsubscription.objects.exists()
    response = browser.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert Unsubscription.objects.filter(mentor=mentor, email="a@example.com").count() == 1
    assert browser.post(url).status_code == 200  # twice: still one row
    assert Unsubscription.objects.count() == 1


@pytest.mark.parametrize("token", ["nonsense", "WzEsImFAZXhhbXBsZS5jb20iXQ:forged", "x" * 300])
def test_a_bad_unsubscribe_token_is_a_404(client, token):
    assert client.post(reverse("mailings:unsubscribe", args=[token])).status_code == 404
    assert not Unsubscription.objects.exists()


# --- Staff ---


def test_a_manager_sees_every_mailing_and_disables_one_but_cannot_edit_it(client, world, mentor):
    manager = staff_member("Manager")
    client.force_login(manager)
    page = client.get(reverse("dashboard:mailings")).content.decode()
    assert world["message"].subject.replace("{", "").split()[0] in page
    mailing = world["mailing"]
    too_long = client.post(reverse("dashboard:mailing_disable", args=[mailing.pk]), {"reason": "Spam, twice. " * 50})
    assert too_long.status_code == 400 and "Spam, twice. Spam" in too_long.content.decode()  # kept as typed
    mailing.refresh_from_db()
    assert mailing.status != "disabled"
    response = client.post(reverse("dashboard:mailing_disable", args=[mailing.pk]), {"reason": "Reported as spam"})
    assert response["Location"] == reverse("dashboard:mailing_detail", args=[mailing.pk])
    mailing.refresh_from_db()
    assert (mailing.status, mailing.disabled_reason) == ("disabled", "Reported as spam")
    for name, key in (("mailings:message_edit", "message"), ("mailings:pause", "mailing")):
        assert client.post(reverse(name, args=[world[key].pk]), FORM).status_code == 403  # not a mentor
    client.force_login(mentor)
    assert "Reported as spam" in client.get(mailing.get_absolute_url()).content.decode()


def test_support_staff_cannot_see_or_disable_mailings(client, world):
    client.force_login(staff_member("Support"))
    assert client.get(reverse("dashboard:mailings")).status_code == 403
    before = state()
    assert (
        client.post(reverse("dashboard:mailing_disable", args=[world["mailing"].pk]), {"reason": "x"}).status_code
        == 403
    )
    assert state() == before


def test_a_one_off_mailing_reads_sending_until_its_emails_are_out_then_finished(client, mentor, clients, make_mailing):
    mailing = make_mailing(period=Mailing.Period.ONCE)
    services.mailings_send_due(now=NOW + dt.timedelta(minutes=10))
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.FINISHED  # no run to come
    client.force_login(mentor)
    for url in (mailing.get_absolute_url(), reverse("mailings:list")):
        page = client.get(url).content.decode()
        assert ">Sending</span>" in page and ">Finished</span>" not in page, url
    detail = client.get(mailing.get_absolute_url()).content.decode()
    assert '<dt class="col-sm-3">Start</dt>' in detail
    assert '<dt class="col-sm-3">End</dt>' not in detail  # a one-off mailing has no end to show

    Email.objects.update(status=0)  # post_office: sent
    for url in (mailing.get_absolute_url(), reverse("mailings:list")):
        assert ">Finished</span>" in client.get(url).content.decode(), url


# --- Query counts ---


@pytest.mark.parametrize(
    ("name", "key", "queries"),
    [
        ("mailings:list", None, 9),  # the page, then its figures
        ("mailings:create", None, 6),
        ("mailings:detail", "mailing", 8),
        ("mailings:run", "run", 9),
        ("mailings:clients", None, 4),
        ("mailings:client_edit", "client", 3),
        ("mailings:messages", None, 4),
        ("mailings:message_edit", "message", 4),
    ],
)
def test_mentor_page_query_counts_are_pinned(client, mentor, world, django_assert_num_queries, name, key, queries):
    for n in range(30):  # more rows than a page: the count does not grow with them
        ClientFactory(mentor=mentor, email=f"more{n}@example.com")
    services.mailings_send_due(now=NOW + dt.timedelta(days=7))
    client.force_login(mentor)
    url = reverse(name, args=[world[key].pk]) if key else reverse(name)
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("name", "key", "queries"), [("dashboard:mailings", None, 10), ("dashboard:mailing_detail", "mailing", 11)]
)
def test_staff_page_query_counts_are_pinned(client, world, django_assert_num_queries, name, key, queries):
    client.force_login(staff_member("Manager"))
    url = reverse(name, args=[world[key].pk]) if key else reverse(name)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_unsubscribe_page_query_count_is_pinned(client, mentor, django_assert_num_queries):
    url = reverse("mailings:unsubscribe", args=[emails.unsubscribe_token(mentor_id=mentor.pk, email="a@example.com")])
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
