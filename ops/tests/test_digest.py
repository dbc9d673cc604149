"""
The suspicious-activity digest: refusals (400/403/404/429) and failed sign-ins counted by address and
path per window, mailed to the admins once a window is over and above the threshold, never twice.
"""

import datetime as dt
import threading
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError, connection
from django.urls import reverse

from accounts.tests.factories import UserFactory, staff_member
from core.mail import SECURITY
from messaging.models import Report
from messaging.tests.factories import ConversationFactory
from ops import services
from ops.models import DigestWindow, SuspiciousHit
from schedule.tests.outbox import queued, rendered

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)  # a window start (15 minutes, aligned)


@pytest.fixture(autouse=True)
def _windows(settings):
    settings.SUSPICIOUS_DIGEST_MINUTES = 15
    settings.SUSPICIOUS_DIGEST_THRESHOLD = 5


def hits() -> dict:
    return {(h.kind, h.ip, h.path): h.count for h in SuspiciousHit.objects.all()}


def test_not_found_forbidden_and_bad_requests_are_counted_by_address_and_path(client, mentee):
    with time_machine.travel(START + dt.timedelta(minutes=3), tick=False):
        client.get("/wp-login.php", REMOTE_ADDR="198.51.100.1")
        client.get("/wp-login.php", REMOTE_ADDR="198.51.100.1")
        client.get("/.env", REMOTE_ADDR="198.51.100.2")
        client.force_login(mentee)
        client.get(reverse("dashboard:stats"), REMOTE_ADDR="198.51.100.3")  # a mentee on a staff page
        client.get(reverse("home"), REMOTE_ADDR="198.51.100.3")  # a 200: not counted

    assert hits() == {
        ("404", "198.51.100.1", "/wp-login.php"): 2,
        ("404", "198.51.100.2", "/.env"): 1,
        ("403", "198.51.100.3", "/dashboard/"): 1,
    }
    assert set(SuspiciousHit.objects.values_list("window", flat=True)) == {START}


def test_a_forged_host_over_plain_http_counts_too_though_the_https_redirect_answers_it(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production: its host check is the first to refuse
    with time_machine.travel(START + dt.timedelta(minutes=3), tick=False):
        assert client.get("/", HTTP_HOST="evil.example", REMOTE_ADDR="198.51.100.9").status_code == 400
    assert hits() == {("400", "198.51.100.9", "/"): 1}


def test_a_forged_host_counts_as_a_bad_request_but_a_form_given_back_with_its_errors_does_not(client, staff):
    conversation = ConversationFactory()
    Report.objects.create(conversation=conversation, reporter=conversation.mentee, reason="Rude", created_at=START)
    with time_machine.travel(START + dt.timedelta(minutes=3), tick=False):
        assert client.get("/", HTTP_HOST="evil.example", REMOTE_ADDR="198.51.100.7").status_code == 400
        client.force_login(staff)
        url = reverse("dashboard:report_handle", args=[conversation.pk])
        assert client.post(url, {"outcome": ""}, REMOTE_ADDR="198.51.100.8").status_code == 400  # a typo, not a probe
    assert hits() == {("400", "198.51.100.7", "/"): 1}


def test_failed_sign_ins_are_counted_and_a_good_one_is_not(client, mentee):
    from accounts.tests.factories import PASSWORD

    client.post(reverse("account_login"), {"login": mentee.email, "password": "wrong"}, REMOTE_ADDR="192.0.2.5")
    client.post(reverse("account_login"), {"login": mentee.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.5")
    assert hits() == {("signin", "192.0.2.5", reverse("account_login")): 1}


def test_a_scan_of_many_paths_is_counted_in_full_without_a_row_for_each(settings):
    settings.SUSPICIOUS_MAX_ROWS = 3
    for n in range(10):
        services.suspicious_hit_record(kind="404", ip="203.0.113.9", path=f"/probe-{n}", now=START)
    assert SuspiciousHit.objects.count() == 4
    assert hits()[("404", "", services.OTHER_PATHS)] == 7
    assert sum(hits().values()) == 10


def test_hostile_paths_are_stored_safely(client):
    client.get("/%00%3Cscript%3E" + "a" * 5000)
    [hit] = SuspiciousHit.objects.all()
    assert hit.path.startswith("/\ufffd<script>") and len(hit.path) == 200


def test_a_database_that_refuses_the_count_still_answers_the_visitor(client):
    with mock.patch("ops.services.suspicious_hit_record", side_effect=OperationalError("database is locked")):
        response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_a_window_above_the_threshold_is_mailed_to_the_admins_once_it_is_over():
    admin, superuser = staff_member("Admin"), UserFactory(is_superuser=True, is_staff=True)
    staff_member("Manager"), UserFactory()  # not admins
    for n in range(6):
        services.suspicious_hit_record(kind="404", ip="203.0.113.9", path=f"/admin{n % 2}.php", now=START)

    assert services.suspicious_digest_send(now=START + dt.timedelta(minutes=14)) == 0  # not over yet
    assert services.suspicious_digest_send(now=START + dt.timedelta(minutes=16)) == 1
    assert services.suspicious_digest_send(now=START + dt.timedelta(minutes=31)) == 0  # never twice

    mails = queued(SECURITY)
    assert sorted(m.to[0] for m in mails) == sorted([admin.email, superuser.email])
    message = rendered(mails[0])
    assert "6" in message.subject
    assert "203.0.113.9: 6" in message.body and "404 /admin0.php: 3" in message.body
    assert reverse("dashboard:audit") in message.body
    assert DigestWindow.objects.get().emailed_to == 2


def test_a_quiet_window_is_looked_at_but_mails_nobody():
    staff_member("Admin")
    services.suspicious_hit_record(kind="404", ip="203.0.113.9", path="/favicon.ico", now=START)
    assert services.suspicious_digest_send(now=START + dt.timedelta(minutes=20)) == 0
    assert not queued(SECURITY) and DigestWindow.objects.get().emailed_to == 0


def test_a_window_missed_while_the_scheduler_was_down_is_still_mailed_but_not_a_stale_one():
    staff_member("Admin")
    for _ in range(5):
        services.suspicious_hit_record(kind="429", ip="203.0.113.9", path="/accounts/login/", now=START)
        services.suspicious_hit_record(
            kind="429", ip="203.0.113.9", path="/accounts/login/", now=START - dt.timedelta(days=2)
        )
    assert services.suspicious_digest_send(now=START + dt.timedelta(hours=5)) == 1
    assert DigestWindow.objects.get().window == START


def test_old_counts_are_forgotten_after_a_week():
    services.suspicious_hit_record(kind="404", ip="", path="/x", now=START - dt.timedelta(days=8))
    services.suspicious_digest_send(now=START)
    assert not SuspiciousHit.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_mail_a_window_once():
    UserFactory(is_superuser=True, is_staff=True)  # not a role: a transactional test may run after a flush
    for _ in range(5):
        services.suspicious_hit_record(kind="404", ip="203.0.113.9", path="/x", now=START)
    barrier = threading.Barrier(2)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(services.suspicious_digest_send(now=START + dt.timedelta(minutes=16)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1] and len(queued(SECURITY)) == 1
