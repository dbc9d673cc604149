"""
What ``/readyz`` checks: the database, the cache, the channel layer, the scheduler's heartbeat and the
outbox's backlog. Each check answers ``ok``, ``failing`` (with a short reason) or ``not checked``, and
never raises.

The checks run side by side in threads, so one that hangs (a black-holed Redis, a database that does not
answer) costs at most ``READY_CHECK_TIMEOUT_SECONDS`` and then counts as failing; the three that need
the database run one after another in one thread, on one connection, which the thread closes. A thread
still stuck from an earlier probe is not started again (the probe says so): a dead dependency cannot
pile up threads, one per probe.

The reason in the answer is the error's class name, never its message (which may name hosts or
users); the message goes to the log.
"""

import asyncio
import contextvars
import dataclasses
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable

from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone

from core import maintenance
from ops import selectors

logger = logging.getLogger(__name__)

OK, FAILING, NOT_CHECKED = "ok", "failing", "not checked"


@dataclasses.dataclass(frozen=True)
class Result:
    state: str
    detail: str = ""
    seconds: float | None = None

    def as_dict(self) -> dict:
        answer = {"state": self.state}
        if self.detail:
            answer["detail"] = self.detail
        if self.seconds is not None:
            answer["ms"] = round(self.seconds * 1000, 1)
        return answer


def _age(seconds: float) -> str:
    return f"{seconds:.0f} s"


# --- The checks ---


def check_database(now: dt.datetime) -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Result(OK)


def check_cache(now: dt.datetime) -> Result:
    cache = caches["default"]
    key, value = f"ops:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            return Result(FAILING, "a value set was not read back")
    finally:
        cache.delete(key)
    return Result(OK)


def check_channel_layer(now: dt.datetime) -> Result:
    """
    A message sent to a private channel comes back. A layer of its own (not the process's shared one,
    whose Redis connections belong to other event loops), closed afterwards. The in-memory layer of a
    single process always answers: it counts as ok.
    """
    if DEFAULT_CHANNEL_LAYER not in channel_layers.configs:
        return Result(NOT_CHECKED, "no channel layer configured")
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)

    async def round_trip() -> bool:
        try:
            channel = await layer.new_channel("readyz")
            payload = uuid.uuid4().hex
            await layer.send(channel, {"type": "ops.ping", "payload": payload})
            message = await layer.receive(channel)
            return message.get("payload") == payload
        finally:
            close = getattr(layer, "close_pools", None)
            if close is not None:
                await close()

    if not asyncio.run(asyncio.wait_for(round_trip(), timeout=settings.READY_CHECK_TIMEOUT_SECONDS)):
        return Result(FAILING, "the message sent did not come back")
    return Result(OK, "in memory, this process only" if type(layer).__name__ == "InMemoryChannelLayer" else "")


def check_scheduler(now: dt.datetime) -> Result:
    """
    The leader's heartbeat (every minute) is younger than READY_SCHEDULER_MAX_AGE_SECONDS. Checked when
    this deployment runs a scheduler: inside the web processes (SCHEDULER_AUTOSTART), or as a separate
    ``runapscheduler``, known from its having beaten at least once. Neither: not checked.
    """
    limit = settings.READY_SCHEDULER_MAX_AGE_SECONDS
    if not limit:
        return Result(NOT_CHECKED, "READY_SCHEDULER_MAX_AGE_SECONDS is 0")
    age = selectors.heartbeat_age(now=now)
    if age is None:
        if not settings.SCHEDULER_AUTOSTART:
            return Result(NOT_CHECKED, "SCHEDULER_AUTOSTART is off and no scheduler process has run yet")
        return Result(FAILING, "no heartbeat yet")
    seconds = age.total_seconds()
    if seconds > limit:
        return Result(FAILING, f"last heartbeat {_age(seconds)} ago (limit {_age(limit)})")
    return Result(OK, f"last heartbeat {_age(seconds)} ago")


def check_outbox(now: dt.datetime) -> Result:
    """
    No mail has been due for longer than READY_OUTBOX_MAX_AGE_SECONDS. Not checked in maintenance mode:
    the outbox waits on purpose then, and a failing probe would take healthy processes out of service;
    mail held back by it counts as waiting from the moment maintenance ended.
    """
    limit = settings.READY_OUTBOX_MAX_AGE_SECONDS
    if not limit:
        return Result(NOT_CHECKED, "READY_OUTBOX_MAX_AGE_SECONDS is 0")
    if maintenance.current() is not None:
        return Result(NOT_CHECKED, "maintenance mode: mail waits until it ends")
    waited = selectors.outbox_oldest_due(now=now)
    if waited is None:
        return Result(OK, "nothing waiting")
    ended = maintenance.last_ended()
    if ended is not None and ended <= now:
        waited = min(waited, now - ended)
    age = waited.total_seconds()
    if age > limit:
        return Result(FAILING, f"oldest due mail waiting {_age(age)} (limit {_age(limit)})")
    return Result(OK, f"oldest due mail waiting {_age(age)}")


# Checks that run in one thread, one after another (those sharing the database share its connection).
GROUPS: tuple[tuple[tuple[str, Callable[[dt.datetime], Result]], ...], ...] = (
    (("database", check_database), ("scheduler", check_scheduler), ("outbox", check_outbox)),
    (("cache", check_cache),),
    (("channel_layer", check_channel_layer),),
)
NAMES = tuple(name for group in GROUPS for name, _check in group)


# --- Running them ---


def _run_one(name: str, check: Callable[[dt.datetime], Result], now: dt.datetime) -> Result:
    started = time.monotonic()
    try:
        result = check(now)
    except Exception as error:  # a check reports, it never raises
        # Every probe while a dependency is down: one line each, the traceback only at DEBUG.
        logger.warning("Readiness check %s failed: %r", name, error, exc_info=logger.isEnabledFor(logging.DEBUG))
        reason = "no answer in time" if isinstance(error, TimeoutError) else type(error).__name__
        result = Result(FAILING, reason)
    return dataclasses.replace(result, seconds=time.monotonic() - started)


class _Group(threading.Thread):
    def __init__(self, checks, now: dt.datetime):
        super().__init__(name=f"readyz-{checks[0][0]}", daemon=True)
        self.checks, self.now, self.results = checks, now, {}
        self.context = contextvars.copy_context()  # log lines keep the request's id

    def run(self):
        try:
            self.context.run(self._run)
        finally:
            connections.close_all()  # this thread's connections only

    def _run(self):
        for name, check in self.checks:
            self.results[name] = _run_one(name, check, self.now)


_running: dict[str, _Group] = {}
_running_lock = threading.Lock()


def run_checks(*, now: dt.datetime | None = None) -> dict[str, Result]:
    """Every check's result, in at most READY_CHECK_TIMEOUT_SECONDS (and a little)."""
    now = now or timezone.now()
    timeout = settings.READY_CHECK_TIMEOUT_SECONDS
    started: dict[str, _Group | None] = {}
    with _running_lock:
        for checks in GROUPS:
            key = checks[0][0]
            previous = _running.get(key)
            if previous is not None and previous.is_alive():
                started[key] = None
                continue
            group = _running[key] = _Group(checks, now)
            group.start()
            started[key] = group
    deadline = time.monotonic() + timeout
    results = {}
    for checks, group in zip(GROUPS, started.values(), strict=True):
        if group is not None:
            group.join(max(deadline - time.monotonic(), 0))
        for name, _check in checks:
            if group is None:
                results[name] = Result(FAILING, "the previous check has not finished")
            elif name in group.results:
                results[name] = group.results[name]
            else:
                results[name] = Result(FAILING, f"no answer within {timeout:g} s")
    return results
