"""
The request id (taken when safe, made otherwise, sent back, on every log line of the request), and the
probes answered ahead of sessions, CSRF, the host check and the HTTPS redirect.
"""

import logging
import re

import pytest
from django.urls import path, reverse

from core.testing import BIG
from ops import logs
from ops.middleware import OPS_PATHS, OpsEndpointsMiddleware

FRESH = re.compile(r"[0-9a-f]{32}")


# --- The request id ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    ["abc-123", "6f1c9d2e-8b7a-4e35-9a0c-2b1d4f6e8a90", "4bf92f3577b34da6a3ce929d0e0e4736", "req.1:2_3", "x" * 64],
)
def test_a_safe_request_id_is_kept_and_sent_back(client, incoming):
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert response["X-Request-ID"] == incoming


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming",
    [
        BIG,  # a megabyte
        "abc\ndef",
        "abc\r\nSet-Cookie: sessionid=stolen",
        "<script>alert(1)</script>",
        "x" * 65,
        "id with spaces",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "a\x00b",
        "",
    ],
    ids=["1MB", "newline", "header-injection", "html", "65-chars", "spaces", "unicode", "nul", "empty"],
)
def test_a_hostile_request_id_is_replaced_by_a_fresh_one(client, incoming):
    response = client.get(reverse("home"), HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert FRESH.fullmatch(response["X-Request-ID"])
    assert "Set-Cookie: sessionid=stolen" not in str(response.headers)


@pytest.mark.django_db
def test_each_request_without_an_id_gets_its_own(client):
    first, second = client.get(reverse("home")), client.get(reverse("home"))
    assert FRESH.fullmatch(first["X-Request-ID"]) and FRESH.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(logs.RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


@pytest.mark.django_db
def test_every_log_line_of_a_request_carries_its_id_and_lines_after_it_none(client, records):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 404

    # Django's own "Not Found" line is written after the middlewares have returned: it still has the id.
    [not_found] = [r for r in records if r.name == "django.request"]
    assert not_found.getMessage() == "Not Found: /no-such-page/" and not_found.request_id == "trace-42"

    logging.getLogger("ops.tests").warning("between requests")
    assert records[-1].request_id is None


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]  # the URLs of the next test


@pytest.mark.django_db
def test_a_server_error_response_and_its_log_line_carry_the_request_id(client, records, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/boom/", HTTP_X_REQUEST_ID="err-1")

    assert response.status_code == 500 and response["X-Request-ID"] == "err-1"
    [error] = [r for r in records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert error.request_id == "err-1" and error.exc_info


# --- The probes come before everything else ---


def test_the_probes_are_named_in_one_place():
    assert set(OpsEndpointsMiddleware(lambda request: None).views) == OPS_PATHS == {"/healthz", "/readyz", "/metrics"}


@pytest.mark.django_db
def test_probes_answer_any_host_over_plain_http_with_the_https_redirect_on(client, settings):
    """A load balancer calls a worker by its address, over HTTP; the pages themselves stay redirected."""
    settings.SECURE_SSL_REDIRECT = True
    host = {"HTTP_HOST": "10.0.0.12:8000"}

    assert client.get("/healthz", **host).status_code == 200
    assert client.get("/readyz", **host).status_code == 200
    page = client.get(reverse("home"), HTTP_HOST="testserver")
    assert page.status_code == 301 and page["Location"].startswith("https://")
    assert client.get(reverse("home"), **host).status_code == 400  # the host check still guards the pages


@pytest.mark.django_db
def test_probes_take_no_session_or_csrf_and_only_get_and_head(client, settings):
    settings.CSRF_COOKIE_SECURE = True
    csrf_client = client.__class__(enforce_csrf_checks=True)

    assert csrf_client.head("/healthz").status_code == 200
    for probe in ("/healthz", "/readyz"):
        response = csrf_client.post(probe)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD"  # not a CSRF 403
        assert not response.cookies


@pytest.mark.django_db
def test_probe_answers_are_json_that_no_content_security_policy_applies_to(client):
    for probe in ("/healthz", "/readyz"):
        response = client.get(probe)
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"<" not in response.content


@pytest.mark.django_db(transaction=True)
def test_under_asgi_the_request_id_reaches_the_response_and_the_log_lines_too(records):
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    client = AsyncClient()
    page = async_to_sync(client.get)("/no-such-page/", headers={"X-Request-ID": "asgi-1"})
    probe = async_to_sync(client.get)("/healthz", headers={"X-Request-ID": "asgi-2"})

    assert (page.status_code, page["X-Request-ID"]) == (404, "asgi-1")
    assert (probe.status_code, probe["X-Request-ID"]) == (200, "asgi-2")
    [not_found] = [r for r in records if r.name == "django.request"]
    assert not_found.request_id == "asgi-1"
