import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploaded photos and mail attachments go to a per-test folder; static files need no collectstatic."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAINTENANCE_FILE = tmp_path / "maintenance.json"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """
    Tests marked ``postgres`` need real concurrency. On SQLite they are skipped, except when
    REQUIRE_POSTGRES=1 (CI's PostgreSQL pass): there a missing PostgreSQL is a failure, not a skip.
    """
    if request.node.get_closest_marker("postgres") is None:
        return
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but the test database is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def mentee(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(first_name="Mia", last_name="Mentee", timezone="America/New_York")


@pytest.fixture
def mentor(db):
    from accounts.tests.factories import MentorFactory

    return MentorFactory(first_name="Max", last_name="Mentor", timezone="Europe/Kyiv")


@pytest.fixture
def staff(db):
    """A staff member in the Admin role, with an authenticator app, as staff pages require."""
    from accounts.tests.factories import staff_member

    return staff_member("Admin", first_name="Sam", last_name="Staff")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the mentor directory is cached)."""
    from django.core.cache import cache

    cache.clear()
