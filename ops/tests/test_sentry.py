"""Sentry: not even imported without SENTRY_DSN; with it, no personal data, and the request id on each event."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops import logs

ROOT = Path(__file__).resolve().parents[2]

# Loads the settings, the apps and every middleware (through a request), then reports on Sentry.
REPORT = """
import json, sys, django
django.setup()
from django.test import Client
Client().get("/healthz")
report = {"loaded": "sentry_sdk" in sys.modules}
if report["loaded"]:
    import sentry_sdk
    options = sentry_sdk.get_client().options
    keys = ("dsn", "send_default_pii", "environment", "release", "max_request_body_size")
    report.update({key: options[key] for key in keys})
print(json.dumps(report))
"""


def _report(**environ) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "mentorship_platform.settings",
        "SECRET_KEY": "a-test-secret-key",
        "ALLOWED_HOSTS": "testserver",
        **environ,
    }
    result = subprocess.run([sys.executable, "-c", REPORT], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set SENTRY_DSN")
def test_without_a_dsn_the_sentry_sdk_is_never_imported():
    assert _report() == {"loaded": False}


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set the Sentry variables")
def test_with_a_dsn_errors_go_to_sentry_without_personal_data_or_bodies():
    dsn = "https://public@o0.ingest.sentry.invalid/1"
    report = _report(SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="staging", SENTRY_RELEASE="2026.11.1")
    assert report == {
        "loaded": True,
        "dsn": dsn,
        "send_default_pii": False,
        "environment": "staging",
        "release": "2026.11.1",
        "max_request_body_size": "never",
    }


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set the Sentry variables")
def test_the_sentry_environment_defaults_to_production_with_debug_off():
    report = _report(SENTRY_DSN="https://public@o0.ingest.sentry.invalid/1", DEBUG="false")
    assert report["environment"] == "production"


def test_each_event_is_tagged_with_the_request_id():
    from ops.sentry import tag_request_id  # here only: importing it loads the SDK

    assert tag_request_id({"tags": {"a": "b"}}, {}) == {"tags": {"a": "b"}}  # outside a request
    logs.remember_request_id("req-9")
    try:
        assert tag_request_id({}, {}) == {"tags": {"request_id": "req-9"}}
    finally:
        logs.forget_request_id()
