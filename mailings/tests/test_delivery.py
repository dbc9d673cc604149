"""Mailing emails through the real outbox drain against a scripted SMTP server (aiosmtpd)."""

import datetime as dt
import email as email_lib
import re

import pytest
from django.test import Client as HttpClient
from post_office.models import STATUS, Log

from mailings import selectors, services
from mailings.models import Recipient, Unsubscription
from mailings.tests.factories import NOW
from schedule import delivery
from schedule.tests.smtp import SMTPServer, free_port, silent_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_settings(settings):
    def point_at(port, timeout=5):
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = timeout
        settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": "schedule.mail.SMTPBackend"}}

    return point_at


@pytest.fixture
def queued(make_mailing, clients):
    mailing = make_mailing(start=NOW - dt.timedelta(minutes=1))
    services.mailings_send_due(now=NOW)
    return mailing


def later(minutes):
    return NOW + dt.timedelta(minutes=minutes)


def replies(address):
    recipient = Recipient.objects.get(address=address)
    return list(Log.objects.filter(email=recipient.email).order_by("id").values_list("message", flat=True))


def test_delivered_with_the_unsubscribe_headers_and_the_reply_logged_per_recipient(smtp_settings, queued, mentor):
    with SMTPServer() as server:
        smtp_settings(server.port)
        assert delivery.outbox_drain(now=NOW).sent == 2
    message = email_lib.message_from_bytes(server.messages[0])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Reply-To"] == mentor.email
    assert not any(key.startswith("X-Mentorship") for key in message)
    assert replies("ann@example.com") == ["250 2.0.0 Message accepted"]
    figures = selectors.statistics(Recipient.objects.all())
    assert (figures["delivered"], figures["failed"], figures["attempts"]) == (2, 0, 2)
    assert figures["by_attempt"] == [{"attempt": 1, "count": 2}]


def test_each_mailing_on_a_page_of_the_list_gets_its_own_figures(smtp_settings, queued, make_mailing, clients, mentor):
    from django.core.paginator import Paginator

    waiting = make_mailing(start=NOW - dt.timedelta(minutes=1), chosen=[clients[1]])
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["550 5.1.1 No such user"]
        delivery.outbox_drain(now=NOW)  # the first mailing: one failed, one delivered
    services.mailings_send_due(now=NOW)  # the second: queued, not yet sent
    never_run = make_mailing(start=NOW + dt.timedelta(days=1))
    page = selectors.with_figures(Paginator(selectors.mailings_of(mentor), 25).get_page(1))
    figures = {m.pk: (m.run_count, m.queued, m.delivered, m.failed) for m in page.object_list}
    assert figures == {queued.pk: (1, 2, 1, 1), waiting.pk: (1, 1, 0, 0), never_run.pk: (0, 0, 0, 0)}


def test_the_unsubscribe_link_in_the_delivered_email_works_with_one_click(smtp_settings, queued, mentor):
    with SMTPServer() as server:
        smtp_settings(server.port)
        delivery.outbox_drain(now=NOW)
    message = email_lib.message_from_bytes(server.messages[0])
    link = re.match(r"<(.+)>", re.sub(r"\s+", "", message["List-Unsubscribe"])).group(1)
    path = link.split("testserver", 1)[1]
    browserless = HttpClient(enforce_csrf_checks=True)
    response = browserless.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Unsubscription.objects.filter(mentor=mentor, email=message["To"]).exists()


def test_a_421_is_retried_then_delivered_and_both_replies_are_shown(smtp_settings, queued):
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["421 4.3.0 Try again later"]
        first = delivery.outbox_drain(now=NOW)
        assert (first.sent, first.requeued) == (1, 1)
        assert delivery.outbox_drain(now=later(2)).sent == 1
    logs = sorted(replies("sean@example.com") + replies("ann@example.com"))
    assert logs == ["250 2.0.0 Message accepted", "250 2.0.0 Message accepted", "421 4.3.0 Try again later"]
    figures = selectors.statistics(Recipient.objects.all())
    assert (figures["delivered"], figures["attempts"]) == (2, 3)
    assert figures["by_attempt"] == [{"attempt": 1, "count": 1}, {"attempt": 2, "count": 1}]
    assert len(server.messages) == 2  # nobody got it twice


def test_a_550_fails_for_good_and_is_counted_failed(smtp_settings, queued):
    with SMTPServer() as server:
        smtp_settings(server.port)
        server.handler.replies = ["550 5.1.1 No such user"]
        result = delivery.outbox_drain(now=NOW)
        again = delivery.outbox_drain(now=later(600))
    assert (result.failed, result.sent, again.handled) == (1, 1, 0)
    figures = selectors.statistics(Recipient.objects.all())
    assert (figures["delivered"], figures["failed"]) == (1, 1)
    assert "550 5.1.1 No such user" in replies("sean@example.com") + replies("ann@example.com")


def test_a_refused_connection_keeps_everything_queued_until_the_server_is_back(smtp_settings, queued):
    smtp_settings(free_port())
    assert delivery.outbox_drain(now=NOW).requeued == 2
    assert Recipient.objects.filter(email__status=STATUS.requeued).count() == 2
    with SMTPServer() as server:
        smtp_settings(server.port)
        assert delivery.outbox_drain(now=later(2)).sent == 2
    assert len(server.messages) == 2
    assert selectors.statistics(Recipient.objects.all())["attempts"] == 4


def test_a_server_that_never_answers_times_out_and_the_mail_waits(smtp_settings, queued):
    with silent_server() as port:
        smtp_settings(port, timeout=1)
        result = delivery.outbox_drain(now=NOW)
    assert result.requeued == 2
    assert set(Log.objects.values_list("exception_type", flat=True)) <= {"TimeoutError", "SMTPServerDisconnected"}
    assert selectors.statistics(Recipient.objects.all())["waiting"] == 2
