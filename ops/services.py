"""State changes of the operations app: the heartbeat, and the suspicious-activity counts and digest."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import ratelimit
from core.mail import SECURITY
from ops.models import DigestWindow, Heartbeat, SuspiciousHit
from schedule.emails import enqueue_rendered

logger = logging.getLogger(__name__)

# Where hits go once a window holds SUSPICIOUS_MAX_ROWS different (kind, address, path) rows: a scan of
# random paths from many addresses counts in full but cannot grow the table without bound.
OTHER_PATHS = "(other paths)"
# Hits and looked-at windows are kept this long (the digest mailed them already).
KEEP = dt.timedelta(days=7)
# A window the scheduler missed (it was down) is still mailed within this long; older ones are dropped.
CATCH_UP = dt.timedelta(days=1)
TOP = 10


def heartbeat_record(*, name: str = Heartbeat.SCHEDULER, now: dt.datetime | None = None) -> Heartbeat:
    """Say that ``name`` is alive at ``now``: one row per name, moved forward (created the first time)."""
    beat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})
    return beat


def window_of(moment: dt.datetime) -> dt.datetime:
    """The start of the digest window (``SUSPICIOUS_DIGEST_MINUTES`` long, aligned to the epoch) ``moment`` is in."""
    seconds = settings.SUSPICIOUS_DIGEST_MINUTES * 60
    stamp = int(moment.timestamp())
    return dt.datetime.fromtimestamp(stamp - stamp % seconds, tz=dt.UTC)


def suspicious_hit_record(*, kind: str, ip: str | None, path: str, now: dt.datetime | None = None) -> None:
    """Count one refusal of ``kind`` for ``ip`` on ``path`` in the current window (one row per triple)."""
    now = now or timezone.now()
    window = window_of(now)
    ip = (ip or "")[:45]
    path = path.replace("\x00", "\ufffd")[:200]  # PostgreSQL text holds no NUL
    key = {"window": window, "kind": kind, "ip": ip, "path": path}
    with transaction.atomic():  # a savepoint: a failure here never spoils the caller's transaction
        if SuspiciousHit.objects.filter(**key).update(count=F("count") + 1):
            return
        rows = ratelimit.count("suspicious-rows", window_seconds=settings.SUSPICIOUS_DIGEST_MINUTES * 60, now=now)
        if rows > settings.SUSPICIOUS_MAX_ROWS:
            key = {"window": window, "kind": kind, "ip": "", "path": OTHER_PATHS}
            if SuspiciousHit.objects.filter(**key).update(count=F("count") + 1):
                return
        try:
            with transaction.atomic():
                SuspiciousHit.objects.create(**key)
        except IntegrityError:  # another request made the row a moment ago
            SuspiciousHit.objects.filter(**key).update(count=F("count") + 1)


def digest_recipients():
    """The admins: active superusers and members of the Admin role."""
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name="Admin"), is_active=True).distinct()


def suspicious_digest_send(*, now: dt.datetime | None = None) -> int:
    """
    Look at every finished window not looked at yet (within ``CATCH_UP``) and mail the admins a digest of
    those with at least ``SUSPICIOUS_DIGEST_THRESHOLD`` hits. A window is claimed by its ``DigestWindow``
    row in the same transaction as its mail: with two schedulers at once, or a run retried, none is
    mailed twice. Returns how many windows were mailed.
    """
    now = now or timezone.now()
    current = window_of(now)
    pending = (
        SuspiciousHit.objects.filter(window__lt=current, window__gte=current - CATCH_UP)
        .exclude(window__in=DigestWindow.objects.values("window"))
        .values("window")
        .annotate(total=Sum("count"))
        .order_by("window")
    )
    mailed = 0
    for row in pending:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = DigestWindow.objects.create(window=row["window"], hits=row["total"], created_at=now)
            except IntegrityError:
                continue  # another scheduler has it
            if row["total"] < settings.SUSPICIOUS_DIGEST_THRESHOLD:
                continue
            context = _digest_context(row["window"], row["total"])
            recipients = list(digest_recipients())
            for recipient in recipients:
                enqueue_rendered(kind=SECURITY, template="suspicious_digest", recipient=recipient, context=context)
            claim.emailed_to = len(recipients)
            claim.save(update_fields=["emailed_to"])
            mailed += 1
            logger.warning(
                "Suspicious activity: %d hits in the window from %s, mailed to %d admins",
                row["total"],
                row["window"],
                len(recipients),
            )
    SuspiciousHit.objects.filter(window__lt=now - KEEP).delete()
    DigestWindow.objects.filter(window__lt=now - KEEP).delete()
    return mailed


def _digest_context(window: dt.datetime, total: int) -> dict:
    hits = SuspiciousHit.objects.filter(window=window)
    return {
        "start": window,
        "end": window + dt.timedelta(minutes=settings.SUSPICIOUS_DIGEST_MINUTES),
        "total": total,
        "by_kind": list(hits.values("kind").annotate(n=Sum("count")).order_by("-n", "kind")),
        "by_ip": list(hits.values("ip").annotate(n=Sum("count")).order_by("-n", "ip")[:TOP]),
        "by_path": list(hits.values("kind", "path").annotate(n=Sum("count")).order_by("-n", "path")[:TOP]),
        "audit_url": reverse("dashboard:audit"),
    }
