import fcntl
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from schedule import scheduler


@pytest.fixture
def fresh_lock(monkeypatch, tmp_path):
    """Forget any lock this test process took (and use a private lock file), release it afterwards."""
    monkeypatch.setattr(scheduler, "_lock_handle", None)
    monkeypatch.setattr(scheduler, "lock_path", lambda: tmp_path / "scheduler.lock")
    yield
    if scheduler._lock_handle is not None:
        scheduler._lock_handle.close()


@pytest.mark.django_db
def test_only_one_process_becomes_the_scheduler_leader(fresh_lock):
    assert scheduler.acquire_leader_lock()
    assert scheduler.acquire_leader_lock()  # the holder asking again keeps it
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            taken = other.execute("SELECT pg_try_advisory_lock(%s)", [scheduler.ADVISORY_LOCK_KEY]).fetchone()[0]
        assert taken is False
    else:
        with open(scheduler.lock_path(), "w") as other, pytest.raises(OSError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_autostart_does_nothing_unless_enabled(settings):
    settings.SCHEDULER_AUTOSTART = False
    assert scheduler.autostart() is None


@pytest.mark.django_db
def test_the_sqlite_leader_lock_of_an_in_memory_database_lives_in_the_temporary_directory(settings):
    if connection.vendor != "sqlite":
        pytest.skip("the file lock is the SQLite leader lock")
    assert connection.is_in_memory_db()  # the test database
    path = scheduler.lock_path()
    assert path.parent == Path(tempfile.gettempdir())
    assert path.name.startswith("mentorship-") and path.name.endswith(".scheduler.lock")


def test_the_sqlite_leader_lock_sits_beside_the_database_file(settings, tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the file lock is the SQLite leader lock")
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", tmp_path / "db.sqlite3")
    assert scheduler.lock_path() == tmp_path / "db.sqlite3.scheduler.lock"
