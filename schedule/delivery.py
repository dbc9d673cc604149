"""
Outbox delivery: send queued post_office emails over SMTP, safely from several processes at once.

A batch of due emails is claimed in a short transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite's IMMEDIATE transactions serialise) by moving their ``scheduled_time`` forward by a
lease, so no other drain picks them up while this one is sending. Each attempt is logged with its
time, status and the server's reply or the error. Temporary failures (connection refused, timeouts,
4xx replies) are retried with exponential backoff up to ``EMAIL_MAX_RETRIES``; permanent ones (5xx)
stop at once. SMTP never blocks longer than ``EMAIL_TIMEOUT`` per attempt.
"""

import dataclasses
import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from post_office.models import STATUS, Email, Log

from core.mail import SECRET_HEADER
from schedule import emails
from schedule.models import Reminder

logger = logging.getLogger(__name__)

# Long enough for a batch's slowest sends (EMAIL_DATA_TIMEOUT each) before another drain may take it.
LEASE = dt.timedelta(minutes=15)
MAX_BACKOFF = dt.timedelta(hours=6)
BATCH_SIZE = 200


@dataclasses.dataclass
class DrainResult:
    sent: int = 0
    requeued: int = 0
    failed: int = 0
    dropped: int = 0

    def __add__(self, other):
        return DrainResult(*(getattr(self, f) + getattr(other, f) for f in ("sent", "requeued", "failed", "dropped")))

    @property
    def handled(self) -> int:
        return self.sent + self.requeued + self.failed + self.dropped


def is_permanent(error: BaseException) -> bool:
    """A 5xx reply from the server will not change on retry; anything else might."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {message}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def backoff(attempt: int) -> dt.timedelta:
    """Wait before retry number ``attempt`` (1, 2, ...): the retry interval, doubled each time."""
    base = settings.POST_OFFICE["RETRY_INTERVAL"]
    return min(base * (2 ** (attempt - 1)), MAX_BACKOFF)


def due_emails(now: dt.datetime):
    return Email.objects.filter(
        Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now),
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        status__in=[STATUS.queued, STATUS.requeued],
    )


def claim_batch(*, now: dt.datetime, size: int = BATCH_SIZE) -> list[Email]:
    with transaction.atomic():
        ids = list(
            due_emails(now)
            .order_by("-priority", "created")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:size]
        )
        if ids:
            Email.objects.filter(id__in=ids).update(scheduled_time=now + LEASE)
    return list(Email.objects.filter(id__in=ids).prefetch_related("attachments").order_by("-priority", "created"))


FLUSH_EVERY = 25  # outcomes written per transaction: fewer commits, a short resend window on a crash


def _outcome(email: Email, *, now: dt.datetime, error: BaseException | None) -> str:
    """Apply one attempt's result to ``email`` (not saved); return "sent", "requeued" or "failed"."""
    if error is None:
        email.status, email.scheduled_time = STATUS.sent, None
        _wipe_secret(email)
        return "sent"
    attempts = (email.number_of_retries or 0) + 1
    email.number_of_retries = attempts
    if not is_permanent(error) and attempts <= settings.POST_OFFICE["MAX_RETRIES"]:
        email.status, email.scheduled_time = STATUS.requeued, now + backoff(attempts)
        return "requeued"
    email.status, email.scheduled_time = STATUS.failed, None
    _wipe_secret(email)  # never delivered, so never used: the person asks for a new link
    return "failed"


def _wipe_secret(email: Email) -> None:
    """A confirmation or password-reset link: once its mail is done with, nobody reads it in the outbox."""
    if (email.headers or {}).get(SECRET_HEADER):
        email.message = email.html_message = gettext("(Removed after delivery: it held a private sign-in link.)")


def _record(attempts: list[tuple[Email, BaseException | None, str]]) -> None:
    """Store a run of attempts (status, rendered message, one log row each) in one transaction."""
    if not attempts:
        return
    now = timezone.now()
    for email, _error, _reply in attempts:
        email.last_updated = now
    with transaction.atomic():
        Email.objects.bulk_update(
            [email for email, _error, _reply in attempts],
            [
                "status",
                "scheduled_time",
                "number_of_retries",
                "last_updated",
                "subject",
                "message",
                "html_message",
                "message_id",
            ],
        )
        Log.objects.bulk_create(
            Log(
                email=email,
                status=STATUS.sent if error is None else STATUS.failed,
                exception_type="" if error is None else type(error).__name__,
                message=(reply or "accepted") if error is None else describe(error),
            )
            for email, error, reply in attempts
        )


def _drop(email: Email) -> None:
    """An outbox row that must not be sent any more (its booking was cancelled or deleted)."""
    headers = email.headers or {}
    if headers.get(emails.OFFSET_HEADER):
        Reminder.objects.filter(
            booking_id=headers[emails.BOOKING_HEADER],
            recipient_id=headers[emails.RECIPIENT_HEADER],
            offset_minutes=headers[emails.OFFSET_HEADER],
        ).update(status=Reminder.Status.SKIPPED)
    email.delete()


def deliver_batch(*, now: dt.datetime | None = None, size: int = BATCH_SIZE) -> DrainResult:
    now = now or timezone.now()
    batch = claim_batch(now=now, size=size)
    result = DrainResult()
    if not batch:
        return result
    messages = emails.prepare(batch)
    backend = settings.POST_OFFICE["BACKENDS"]["default"]
    connection = None
    attempts = []
    for email in batch:
        message = messages[email.pk]
        if message is None:
            _drop(email)
            result.dropped += 1
            continue
        error, reply = None, ""
        try:
            if connection is None:
                connection = get_connection(backend, timeout=settings.EMAIL_TIMEOUT)
                connection.open()
            connection.send_messages([message])
            reply = getattr(connection, "last_response", "")
        except Exception as exc:  # any failure is logged against the email; the drain goes on
            error = exc
            logger.warning("Delivery of email %s failed: %s", email.pk, describe(exc))
            if connection is not None:
                try:
                    connection.close()
                except Exception:  # a broken connection may fail to close, too
                    logger.debug("closing a broken SMTP connection failed", exc_info=True)
            connection = None
        outcome = _outcome(email, now=timezone.now(), error=error)
        setattr(result, outcome, getattr(result, outcome) + 1)
        attempts.append((email, error, reply))
        if len(attempts) >= FLUSH_EVERY:
            _record(attempts)
            attempts = []
    _record(attempts)
    if connection is not None:
        connection.close()
    return result


def outbox_drain(*, now: dt.datetime | None = None, max_batches: int = 50) -> DrainResult:
    """Deliver everything that is due (bounded, so one run never holds the scheduler for long)."""
    total = DrainResult()
    for _ in range(max_batches):
        result = deliver_batch(now=now)
        total = total + result
        if result.handled < BATCH_SIZE:
            break
    return total


def outbox_forget(*, addresses: list[str], now: dt.datetime | None = None) -> int:
    """
    Mail still waiting to go to addresses that are being erased (an account deletion) is not sent.
    Rows no drain holds are locked (rows a drain is claiming at this moment stay with it) and deleted,
    with the address they hold. A row under a drain's lease, or waiting for a retry, expires instead:
    it is never claimed again. Returns how many rows were deleted.
    """
    now = now or timezone.now()
    if not addresses:
        return 0
    to_them = Q()
    for address in addresses:
        to_them |= Q(to__iexact=address)
    waiting = Email.objects.filter(to_them, status__in=[STATUS.queued, STATUS.requeued])
    with transaction.atomic():
        unleased = waiting.filter(Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now))
        free = list(unleased.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Email.objects.filter(pk__in=free).delete()
        waiting.exclude(pk__in=free).update(expires_at=now)
    return len(free)


def email_retry(*, email: Email) -> bool:
    """
    Put a failed email back in the queue for an immediate new attempt (staff "retry"). Returns whether
    it was: one that has not failed (sent, or still being tried) is left as it is.
    """
    retried = Email.objects.filter(pk=email.pk, status=STATUS.failed).update(
        status=STATUS.requeued, scheduled_time=None, number_of_retries=0, last_updated=timezone.now()
    )
    email.refresh_from_db()
    return bool(retried)


def with_last_attempt(queryset):
    """Annotate outbox rows with their number of attempts and the time and reply of the last one."""
    last_log = Log.objects.filter(email=OuterRef("pk")).order_by("-date")
    return queryset.annotate(
        last_attempt=Subquery(last_log.values("date")[:1]),
        last_response=Subquery(last_log.values("message")[:1]),
        attempts=Count("logs"),
    )
