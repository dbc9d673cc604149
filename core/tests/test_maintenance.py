"""Maintenance mode: a 503 with Retry-After for everyone but the bypass link's holders; the outbox waits."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import staff_member
from core import maintenance
from core.testing import HOSTILE_VALUES, hostile_cases, walk
from schedule import jobs

pytestmark = pytest.mark.django_db


def test_an_open_site_reads_no_file_and_answers_as_usual(client):
    assert maintenance.current() is None
    assert client.get("/").status_code == 200


def test_in_maintenance_everyone_gets_a_translated_503_with_retry_after(client, mentee):
    maintenance.maintenance_on(by="ops", retry_after_minutes=30)
    client.force_login(mentee)
    for path in ("/", "/bookings/", "/mentors/nobody/", reverse("dashboard:stats")):
        response = client.get(path)
        assert response.status_code == 503 and response["Retry-After"] == "1800", path
        assert "no-store" in response["Cache-Control"]
    assert "Please try again in about 30 minutes." in client.get("/").content.decode()
    assert "спробуйте ще раз приблизно за 30" in client.get("/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert client.post(reverse("account_login"), {"login": "a", "password": "b"}).status_code == 503
    api = client.get("/api/v1/mentors/", HTTP_ACCEPT_LANGUAGE="uk")  # the API's errors are JSON, this one too
    assert (api.status_code, api["Retry-After"], api.json()["code"]) == (503, "1800", "maintenance")
    assert "приблизно за 30" in api.json()["message"]


def test_the_probes_and_static_files_are_answered_during_maintenance(client):
    maintenance.maintenance_on(by="ops")
    assert client.get("/static/css/site.css").status_code != 503
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path).status_code != 503, path


def test_the_bypass_link_lets_its_holder_in_until_it_expires_or_the_window_changes(client):
    window = maintenance.maintenance_on(by="ops")
    response = client.get(maintenance.bypass_path(window))
    assert response.status_code == 302 and maintenance.COOKIE in response.cookies
    page = client.get("/")
    assert page.status_code == 200 and "Maintenance mode is on: everyone else sees" in page.content.decode()
    with time_machine.travel(dt.timedelta(hours=13)):  # MAINTENANCE_BYPASS_HOURS is 12
        assert client.get("/").status_code == 503
    maintenance.maintenance_on(by="ops")  # a new window: the old link and cookie are useless
    assert client.get("/").status_code == 503


def test_a_bypass_visitor_never_gets_nor_leaves_the_page_cached_for_visitors(client):
    from django.test import Client

    visitor = Client()
    assert "Maintenance mode is on" not in visitor.get("/").content.decode()  # cached for visitors
    window = maintenance.maintenance_on(by="ops")
    client.get(maintenance.bypass_path(window))
    assert "Maintenance mode is on: everyone else sees" in client.get("/").content.decode()  # not the cached one
    maintenance.maintenance_off()
    assert "Maintenance mode is on" not in visitor.get("/").content.decode()  # nor did it replace it


@pytest.mark.parametrize("token", ["", "x" * 300, "abc:def:ghi", "<script>", "a\x00b"])
def test_a_forged_or_broken_bypass_token_is_refused(client, token):
    window = maintenance.maintenance_on(by="ops")
    client.cookies[maintenance.COOKIE] = token
    assert client.get("/").status_code == 503
    assert not maintenance.bypass_valid(token, window)


def test_a_file_that_cannot_be_read_keeps_the_site_closed(client, settings):
    settings.MAINTENANCE_FILE.write_text("{not json")
    assert client.get("/").status_code == 503


def test_staff_close_and_open_the_site_from_the_dashboard_and_keep_access(client, staff):
    client.force_login(staff)
    url = reverse("dashboard:maintenance")
    assert "The site is open" in client.get(url).content.decode()
    assert client.post(url, {"action": "on", "retry_after_minutes": "0"}).status_code == 400
    assert maintenance.current() is None
    response = client.post(url, {"action": "on", "retry_after_minutes": "45"})
    assert response.status_code == 302
    window = maintenance.current()
    assert (window.retry_after_minutes, window.by) == (45, staff.email)
    page = client.get(url).content.decode()  # the bypass cookie came with the redirect
    assert "The site is in maintenance" in page and "/maintenance/bypass/" in page
    client.post(url, {"action": "off"})
    assert maintenance.current() is None


def test_only_staff_reach_the_switch(client, mentee):
    client.force_login(mentee)
    assert (
        client.post(reverse("dashboard:maintenance"), {"action": "on", "retry_after_minutes": "5"}).status_code == 403
    )
    assert maintenance.current() is None


def test_a_role_that_cannot_switch_does_not_see_the_bypass_link(client):
    window = maintenance.maintenance_on(by="ops")
    client.get(maintenance.bypass_path(window))  # let in by a shared link
    client.force_login(staff_member("Manager"))
    page = client.get(reverse("dashboard:maintenance")).content.decode()
    assert "The site is in maintenance" in page and "cannot use it" in page
    assert maintenance.bypass_path(window) not in page and 'value="off"' not in page


def test_the_command_switches_and_prints_the_bypass_link(capsys):
    call_command("maintenance", "on", "--minutes", "20")
    out = capsys.readouterr().out
    assert "/maintenance/bypass/" in out and maintenance.current().retry_after_minutes == 20
    call_command("maintenance", "status")
    assert "In maintenance since" in capsys.readouterr().out
    call_command("maintenance", "off")
    assert maintenance.current() is None


def test_the_outbox_waits_during_maintenance(monkeypatch):
    drained = []
    monkeypatch.setattr(jobs.delivery, "outbox_drain", lambda: drained.append(1))
    maintenance.maintenance_on(by="ops")
    jobs.deliver_outbox()
    assert drained == []
    maintenance.maintenance_off()
    with pytest.raises(AttributeError):  # the real drain was called (the stub returns None)
        jobs.deliver_outbox()
    assert drained == [1]


def test_hostile_values_never_close_the_site_by_mistake(client, staff):
    client.force_login(staff)
    url = reverse("dashboard:maintenance")
    cases = hostile_cases(["action", "retry_after_minutes"], values=HOSTILE_VALUES, per_field={}, extra={}, skip=set())
    sent = walk(
        client,
        "post",
        url,
        data={"action": "on", "retry_after_minutes": "15"},
        cases=cases,
        snapshot=lambda: maintenance.current() is not None,
    )
    assert sent == len(cases) and maintenance.current() is None


def test_the_maintenance_page_costs_a_fixed_number_of_queries(client, staff, django_assert_num_queries):
    client.force_login(staff)
    client.get("/")  # the first staff request notes the time: not counted
    url = reverse("dashboard:maintenance")
    for _state in ("open", "closed"):
        # session, user, the role's permissions (2), the header's unread counts; the switch is a file
        with django_assert_num_queries(5):
            assert client.get(url).status_code == 200
        window = maintenance.maintenance_on(by="ops")
        client.cookies[maintenance.COOKIE] = maintenance.bypass_token(window)
