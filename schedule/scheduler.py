"""
The APScheduler process: in-process (started from ``wsgi.py`` when SCHEDULER_AUTOSTART is on) or
standalone (``manage.py runapscheduler``).

At most one process runs the jobs: whoever holds the leader lock (a PostgreSQL advisory lock on its
own connection, or an exclusive file lock beside the SQLite database). The others stay idle. Jobs do
not rely on this for correctness: each is idempotent and claims its rows itself.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.db import connection
from django_apscheduler.jobstores import DjangoJobStore

from schedule.jobs import SCHEDULES

logger = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 0x6D656E746F72  # "mentor"
_lock_handle = None
_started = threading.Lock()
_scheduler: BaseScheduler | None = None


def lock_path() -> Path:
    """
    SQLite: the file whose exclusive lock marks the scheduler leader, beside the database file (in the
    temporary directory for an in-memory database, such as the test database).
    """
    name = str(settings.DATABASES["default"]["NAME"])
    if connection.is_in_memory_db():
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"mentorship-{digest}.scheduler.lock"
    return Path(name + ".scheduler.lock")


def acquire_leader_lock() -> bool:
    """Try once to become the process that runs jobs; the lock lives as long as the process."""
    global _lock_handle
    if _lock_handle is not None:
        return True
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        conn = psycopg.connect(**params, autocommit=True)
        acquired = conn.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY]).fetchone()[0]
        if not acquired:
            conn.close()
            return False
        _lock_handle = conn
        return True
    handle = open(lock_path(), "w")  # noqa: SIM115 (kept open: the lock is held while the file is)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    handle.write(str(os.getpid()))
    handle.flush()
    _lock_handle = handle
    return True


def configure(scheduler: BaseScheduler) -> BaseScheduler:
    scheduler.add_jobstore(DjangoJobStore(), "default")
    for job_id, func, trigger, trigger_args, grace in SCHEDULES:
        scheduler.add_job(
            func,
            trigger=trigger,
            id=job_id,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=grace,
            replace_existing=True,
            **trigger_args,
        )
    return scheduler


def build(*, blocking: bool) -> BaseScheduler:
    cls = BlockingScheduler if blocking else BackgroundScheduler
    return configure(cls(timezone="UTC"))


def autostart() -> BaseScheduler | None:
    """Start the in-process scheduler once per process, if enabled and this process wins the lock."""
    global _scheduler
    if not settings.SCHEDULER_AUTOSTART:
        return None
    with _started:
        if _scheduler is not None:
            return _scheduler
        try:
            if not acquire_leader_lock():
                logger.info("Scheduler: another process runs the jobs; this one stays idle.")
                return None
            _scheduler = build(blocking=False)
            _scheduler.start()
        except Exception:  # the site must come up even if the scheduler cannot
            logger.exception("Scheduler: could not start in-process")
            return None
        finally:
            with contextlib.suppress(Exception):
                connection.close()
        logger.info("Scheduler: started in-process (pid %s).", os.getpid())
        return _scheduler
