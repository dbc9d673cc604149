"""The contact page (open to everyone, protected from bots without third parties) and the staff desk."""

import datetime as dt
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import signing
from django.urls import reverse
from post_office.models import Email

from accounts.export import user_data_export
from core.mail import KIND_HEADER, SUPPORT
from support import services
from support.forms import TEMPLATES, ContactForm
from support.models import SupportReply, SupportRequest
from support.services import SupportError

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
URL = "/support/"


def _started(seconds_ago: float) -> str:
    with time_machine.travel(NOW - dt.timedelta(seconds=seconds_ago), tick=False):
        return signing.TimestampSigner(salt="support.contact.started").sign("contact")


def _data(**overrides):
    return {
        "subject": "payment",
        "name": "Seán O'Brien & <Co>",
        "email": "sean@example.com",
        "message": "My refund has not arrived. Invoice INV-2026-000012.",
        "website": "",
        "started": _started(30),
        **overrides,
    }


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _support_mail():
    return list(Email.objects.filter(**{f"headers__{KIND_HEADER}": SUPPORT}).order_by("pk"))


def test_anyone_writes_to_support_and_gets_an_acknowledgement(client):
    page = client.get(URL).content.decode()
    assert "Contact support" in page and "What happened:" in page  # a message template to fill in
    response = client.post(URL, _data())
    assert response.status_code == 302 and response["Location"] == reverse("support:sent")
    request = SupportRequest.objects.get()
    assert (request.subject, request.email, request.user, request.status) == (
        "payment",
        "sean@example.com",
        None,
        "open",
    )
    assert f"We got your message ({request.reference})" in client.get(reverse("support:sent")).content.decode()
    [ack] = _support_mail()
    assert ack.to == ["sean@example.com"] and request.reference in ack.subject
    assert "Seán O'Brien & <Co>" in ack.message  # plain text is not HTML-escaped
    assert (
        "Seán O&#x27;Brien &amp; &lt;Co&gt;" in ack.html_message
        or "Seán O&#39;Brien &amp; &lt;Co&gt;" in ack.html_message
    )


def test_a_signed_in_person_finds_their_address_and_the_request_is_linked(client, mentee):
    client.force_login(mentee)
    form = client.get(URL + "?about=booking").context["form"]
    assert (form["email"].value(), form["subject"].value()) == (mentee.email, "booking")
    client.post(URL, _data(email=mentee.email))
    assert SupportRequest.objects.get().user == mentee


def test_the_acknowledgement_is_in_the_language_the_request_was_written_in(client):
    client.post(URL, _data(), HTTP_ACCEPT_LANGUAGE="uk")
    assert SupportRequest.objects.get().language == "uk"
    assert "Ми отримали ваше повідомлення" in _support_mail()[0].subject


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"website": "http://spam.example"}, "could not be sent"),  # the honeypot
        ({"started": "contact:forged:token"}, "expired or was changed"),
        ({"email": ""}, "This field is required"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"message": ""}, "This field is required"),
        ({"message": "x" * 5001}, "at most 5000"),
    ],
)
def test_bots_and_mistakes_are_refused_with_a_clear_message_and_nothing_is_stored(client, overrides, message):
    response = client.post(URL, _data(**overrides))
    assert response.status_code == 400 and message in response.content.decode()
    assert not SupportRequest.objects.exists() and not _support_mail()


def test_a_form_sent_within_seconds_or_hours_later_is_refused():
    for seconds_ago, code in ((1, "fast"), (7 * 3600, "stale")):
        form = ContactForm(_data(started=_started(seconds_ago)))
        assert not form.is_valid() and form.has_error("__all__", code)


def test_the_untouched_template_is_not_a_message(client):
    untouched = str(ContactForm().initial["message"]).replace("\n", "\r\n")  # as a browser sends a textarea
    response = client.post(URL, _data(subject="booking", message=untouched))
    assert response.status_code == 400 and "Please tell us what happened" in response.content.decode()


def test_the_subject_select_carries_each_subjects_template_for_the_page_script(client):
    select = ContactForm().fields["subject"].widget.attrs
    templates = json.loads(select["data-message-templates"])
    assert set(templates) == set(SupportRequest.Subject.values) and select["data-message-field"] == "id_message"
    assert templates["payment"] == str(TEMPLATES[SupportRequest.Subject.PAYMENT]) and templates["other"] == ""
    page = client.get(URL).content.decode()
    assert "data-message-templates=" in page and "Invoice number (from the receipt)" in page


def test_each_address_and_each_ip_send_a_few_per_hour(client, settings):
    settings.SUPPORT_REQUESTS_PER_HOUR = 2
    for n in range(2):
        assert client.post(URL, _data(message=f"Question number {n}, about my refund.")).status_code == 302
    response = client.post(URL, _data(message="A third question."), follow=True)
    assert "several requests in the last hour" in response.content.decode()
    assert client.post(URL, _data(email="other@example.com")).status_code == 400  # the same IP
    assert SupportRequest.objects.count() == 2
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        assert client.post(URL, _data(started=_started(-3600 + 30))).status_code == 302


def test_the_same_request_sent_twice_is_stored_and_acknowledged_once(client):
    assert client.post(URL, _data()).status_code == 302
    with time_machine.travel(NOW + dt.timedelta(seconds=20), tick=False):
        assert client.post(URL, _data()).status_code == 302  # a double click, or the form sent again
    assert SupportRequest.objects.count() == 1 and len(_support_mail()) == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert client.post(URL, _data(started=_started(-120 + 30))).status_code == 302  # later: a new one
    assert SupportRequest.objects.count() == 2


def test_two_of_the_same_at_one_moment_store_one_and_tell_the_other_it_is_on_its_way(monkeypatch):
    created = []
    real_add = services.cache.add

    def add_while_the_first_is_saving(key, *args, **kwargs):
        if key.startswith("support:sending:") and not created:
            created.append(real_add(key, *args, **kwargs))  # the first request's claim, made a moment ago
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(services.cache, "add", add_while_the_first_is_saving)
    with pytest.raises(SupportError) as refused:
        services.support_request_create(subject="payment", email="sean@example.com", message="Where is my refund?")
    assert refused.value.code == "duplicate" and "on its way" in refused.value.message
    assert not SupportRequest.objects.exists() and _support_mail() == []


# --- Staff ---


@pytest.fixture
def support_request():
    return services.support_request_create(subject="booking", email="ann@example.com", name="Ann", message="Help <b>")


def test_staff_list_and_read_requests_in_fixed_queries(client, staff, support_request, django_assert_num_queries):
    client.force_login(staff)
    client.get("/")  # the first staff request notes the time: not counted
    # session, user, the role's permissions (2), count, the page with who it is assigned to, the header
    with django_assert_num_queries(7):
        page = client.get(reverse("dashboard:support")).content.decode()
    assert support_request.reference in page and "Help &lt;b&gt;" in page
    # session, user, the role's permissions (2), the request, its answers, the header's unread counts
    with django_assert_num_queries(7):
        detail = client.get(reverse("dashboard:support_detail", args=[support_request.pk]))
    assert detail.status_code == 200 and "writes in English" in detail.content.decode()  # not "en"
    assert ">Close without answering</button>" in detail.content.decode()
    # the email greets and signs by itself: the form says so, or the answer says hello twice
    assert "The email greets them by name and is signed by the support team" in detail.content.decode()


def test_staff_assign_answer_by_email_and_close(client, staff, support_request):
    client.force_login(staff)
    url = reverse("dashboard:support_detail", args=[support_request.pk])
    client.post(reverse("dashboard:support_action", args=[support_request.pk]), {"action": "assign"})
    support_request.refresh_from_db()
    assert support_request.assigned_to == staff
    response = client.post(url, {"body": "Your refund is on its way.", "close": ""})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == "answered" and SupportReply.objects.get().author == staff
    assert ">Close</button>" in client.get(url).content.decode()  # answered: closing is no longer "without answering"
    answer = _support_mail()[-1]
    assert answer.to == ["ann@example.com"] and "Your refund is on its way." in answer.message
    client.post(url, {"body": "One more thing.", "close": "on"})
    support_request.refresh_from_db()
    assert support_request.status == "closed" and support_request.closed_at == NOW
    with pytest.raises(SupportError):
        services.support_request_answer(request=support_request, by=staff, body="Too late")
    client.post(url, {"body": "One more thing.", "close": "on"})  # sent again: the same answer, not an error
    assert SupportReply.objects.count() == 2 and len(_support_mail()) == 3
    client.post(reverse("dashboard:support_action", args=[support_request.pk]), {"action": "reopen"})
    support_request.refresh_from_db()
    assert support_request.status == "open" and support_request.closed_at is None
    changes = [entry.changes_dict.get("status") for entry in LogEntry.objects.get_for_object(support_request)]
    assert ["closed", "open"] in changes  # reopening is in the change log, with who did it


def test_the_data_export_has_the_persons_requests_with_staffs_answers(mentee, staff):

    request = services.support_request_create(
        subject="account", email=mentee.email, message="Cannot sign in & <b>", user=mentee
    )
    services.support_request_answer(request=request, by=staff, body="Try the reset link.")
    [exported] = user_data_export(mentee)["support_requests"]
    assert (exported["reference"], exported["subject"], exported["message"]) == (
        request.reference,
        "account",
        "Cannot sign in & <b>",
    )
    assert [answer["text"] for answer in exported["answers"]] == ["Try the reset link."]
    assert user_data_export(staff)["support_requests"] == []


def test_leaving_erases_the_words_of_the_persons_requests_and_their_answers(mentee, staff):
    from accounts.services import account_deletion_request, account_deletions_complete

    by_account = services.support_request_create(
        subject="account", email=mentee.email, name="Mia O'Brien", message="My divorce & my bookings", user=mentee
    )
    by_address = services.support_request_create(
        subject="other", email=mentee.email.upper(), message="Before I signed in"
    )
    services.support_request_answer(request=by_account, by=staff, body="Sorry to hear about your divorce.")
    someone_else = services.support_request_create(subject="other", email="ann@example.com", message="Hello")
    account_deletion_request(user=mentee)
    assert account_deletions_complete(now=NOW + dt.timedelta(days=31)) == 1
    for request in (by_account, by_address):
        request.refresh_from_db()
        assert (request.name, request.message, request.email) == ("", "", f"deleted-{mentee.pk}@deleted.invalid")
        assert request.subject in ("account", "other")  # the desk's figures keep what it was about
    assert list(SupportReply.objects.values_list("body", flat=True)) == [""]
    someone_else.refresh_from_db()
    assert someone_else.message == "Hello"


def test_only_staff_reach_the_desk(client, mentee, support_request):
    client.force_login(mentee)
    assert client.get(reverse("dashboard:support")).status_code == 403
    assert (
        client.post(reverse("dashboard:support_action", args=[support_request.pk]), {"action": "close"}).status_code
        == 403
    )
    support_request.refresh_from_db()
    assert support_request.status == "open"


def test_an_unknown_action_changes_nothing(client, staff, support_request):
    client.force_login(staff)
    assert (
        client.post(reverse("dashboard:support_action", args=[support_request.pk]), {"action": "x"}).status_code == 404
    )
    support_request.refresh_from_db()
    assert (support_request.status, support_request.assigned_to) == ("open", None)


def test_the_contact_and_sent_pages_cost_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):  # anonymous: no session row yet, nothing else
        assert client.get(URL).status_code == 200
    client.post(URL, _data())
    # session, the request shown
    with django_assert_num_queries(2):
        assert client.get(reverse("support:sent")).status_code == 200
