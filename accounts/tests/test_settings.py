"""The production entry point refuses to start without a secret; manage.py has development defaults."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may provide SECRET_KEY")
def test_the_wsgi_app_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", "import mentorship_platform.wsgi"],
        cwd=ROOT,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_manage_py_runs_with_development_defaults_when_nothing_is_configured():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=CLEAN_ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_warns_that_a_per_process_cache_goes_stale_across_workers(settings):
    from accounts.checks import check_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [warning.id for warning in check_shared_cache(None)] == ["accounts.W001"]

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
    assert check_shared_cache(None) == []


# --- HSTS: subdomains and preload are decisions of their own ---

DEPLOY_ENV = {
    **CLEAN_ENV,
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "mentorship.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "CACHE_URL": "redis://127.0.0.1:6379/1",  # only named, never connected to by the checks
}


def _deploy_check(**environ) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**DEPLOY_ENV, **environ},
        capture_output=True,
        text=True,
    )


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set the HSTS variables")
def test_the_deploy_check_reminds_about_hsts_subdomains_and_preload_until_they_are_decided():
    undecided = _deploy_check()
    assert undecided.returncode != 0
    assert "security.W005" in undecided.stderr and "security.W021" in undecided.stderr

    for decided in ("false", "true"):
        result = _deploy_check(SECURE_HSTS_INCLUDE_SUBDOMAINS=decided, SECURE_HSTS_PRELOAD=decided)
        assert result.returncode == 0, result.stderr


def _hsts_settings(**environ) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    environ = {**DEPLOY_ENV, "DJANGO_SETTINGS_MODULE": "mentorship_platform.settings", **environ}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.skipif((ROOT / ".env").exists(), reason="a local .env may set the HSTS variables")
def test_hsts_subdomains_and_preload_are_off_unless_set_however_long_hsts_lasts():
    assert _hsts_settings() == "False False"
    assert _hsts_settings(SECURE_HSTS_INCLUDE_SUBDOMAINS="true") == "True False"
    assert _hsts_settings(SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true") == "True True"


# --- The README and .env.example list every variable ---

INTERNAL_VARIABLES = {"MANAGE_PY_DEVELOPMENT_DEFAULTS"}  # set by manage.py itself


def test_every_environment_variable_is_in_the_readme_table_and_the_env_example():
    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', (ROOT / "mentorship_platform" / "settings.py").read_text()))
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()

    assert sorted(name for name in read - INTERNAL_VARIABLES if f"| `{name}` |" not in readme) == []
    assert sorted(name for name in read - INTERNAL_VARIABLES if not re.search(rf"^(# )?{name}=", example, re.M)) == []
