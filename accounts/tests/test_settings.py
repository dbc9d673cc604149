"""The production entry point refuses to start without a secret; manage.py has development defaults."""

import os
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
