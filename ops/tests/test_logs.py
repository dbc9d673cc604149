"""JSON log lines: one parseable object per line, with the request id, whatever the message holds."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops import logs

ROOT = Path(__file__).resolve().parents[2]


def _record(message, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("mentorship.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def _line(record: logging.LogRecord) -> str:
    logs.RequestIdFilter().filter(record)
    return logs.JsonFormatter().format(record)


def test_a_line_is_one_json_object_with_the_request_id():
    logs.remember_request_id("req-7")
    try:
        line = _line(_record("Booked %s for %s", 3, "Seán O'Brien & <Co>"))
    finally:
        logs.forget_request_id()

    entry = json.loads(line)
    assert entry["message"] == "Booked 3 for Seán O'Brien & <Co>"
    assert entry["request_id"] == "req-7"
    assert (entry["level"], entry["logger"]) == ("WARNING", "mentorship.test")
    assert entry["time"].endswith("+00:00")


def test_newlines_quotes_and_control_characters_stay_inside_one_line():
    line = _line(_record('two\nlines "quoted" \x1b[31mred\x00'))
    assert "\n" not in line
    assert json.loads(line)["message"] == 'two\nlines "quoted" \x1b[31mred\x00'
    assert json.loads(line)["request_id"] is None  # outside a request


def test_the_traceback_and_plain_extras_are_kept_objects_are_left_out():
    try:
        raise ValueError("bad value")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info(), status_code=500, request=object())
    entry = json.loads(_line(record))
    assert entry["exception"].startswith("Traceback") and "ValueError: bad value" in entry["exception"]
    assert entry["status_code"] == 500
    assert "request" not in entry


def _run(code: str, **environ) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "mentorship_platform.settings",
        "SECRET_KEY": "a-test-secret-key",
        **environ,
    }
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


LOG_A_LINE = "import django, logging; django.setup(); logging.getLogger('schedule').warning('hello %s', 'world')"


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set LOG_FORMAT")
def test_log_format_json_makes_every_line_json_and_plain_stays_the_default():
    as_json = _run(LOG_A_LINE, LOG_FORMAT="json")
    assert as_json.returncode == 0, as_json.stderr
    entry = json.loads(as_json.stderr.strip())
    assert (entry["message"], entry["logger"], entry["request_id"]) == ("hello world", "schedule", None)

    plain = _run(LOG_A_LINE)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr.strip().endswith(" WARNING schedule: hello world")


def test_an_unknown_log_format_is_refused_at_start_up():
    result = _run(LOG_A_LINE, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json, not 'xml'." in result.stderr


def test_a_refusal_is_logged_once_in_development_too():
    """Django's DEBUG-only console handler printed each one a second time, without the format."""
    line = "import django, logging; django.setup(); logging.getLogger('django.request').warning('Forbidden: /x/')"
    result = _run(line, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Forbidden: /x/") == 1 and " WARNING django.request: Forbidden: /x/" in result.stderr
