"""
Runs: the sweep that sends every mailing due now (the scheduler every minute, ``send_mailings`` from
the command line: the same function).

1. Start: each due mailing is locked (``SKIP LOCKED``: another sender takes the next one), its run is
   created (unique per mailing and time: created once) and the mailing moves to its next occurrence,
   in one transaction. Occurrences missed while the scheduler was down are not sent late: only the
   latest due one is.
2. Queue: each waiting run is claimed with a conditional update (a claim older than LEASE is taken
   over: its sender died), and its recipients are written in batches, each batch in one transaction
   with its outbox emails. A recipient is unique per run and client, so a client is queued at most
   once per run even when two senders meet: a batch that collides rolls back whole, emails included.
   The mentor's daily limit (MAILINGS_DAILY_LIMIT, a rolling 24 hours) is counted under a lock on the
   mentor, so two runs at once cannot pass it together.

Nothing here talks to the mail server: ``schedule.delivery`` drains the outbox (retries, backoff, a
log row per attempt), so a slow or absent server never holds up a sweep or a web request.
"""

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from post_office.models import Email

from accounts.models import User
from mailings import emails, selectors, timing
from mailings.models import Mailing, MailingRun, Recipient
from mailings.services.content import clients_sync

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
BATCH = 500
PER_SWEEP = 200  # mailings started per sweep; the rest wait a minute


@dataclasses.dataclass
class SendResult:
    started: int = 0  # runs created
    queued_runs: int = 0  # runs whose recipients were queued
    recipients: int = 0  # emails written to the outbox
    capped: int = 0  # left out by the daily limit
    skipped: int = 0  # runs not sent (paused, disabled, mentor not verified)


def mailings_send_due(*, now: dt.datetime | None = None, mailing_id: int | None = None) -> SendResult:
    """Start every due run and queue every waiting one (only ``mailing_id``'s when given)."""
    now = now or timezone.now()
    result = SendResult()
    due = Mailing.objects.filter(status__in=Mailing.ACTIVE, next_run_at__lte=now)
    if mailing_id is not None:
        due = due.filter(pk=mailing_id)
    for pk in list(due.order_by("next_run_at", "pk").values_list("pk", flat=True)[:PER_SWEEP]):
        try:
            result.started += _start_run(pk, now=now)
        except Exception:  # one mailing's failure must not stop the others
            logger.exception("Starting a run of mailing %s failed; tried again next sweep", pk)
    waiting = MailingRun.objects.filter(
        Q(status=MailingRun.Status.PENDING) | Q(status=MailingRun.Status.QUEUEING, claimed_at__lt=now - LEASE)
    )
    if mailing_id is not None:
        waiting = waiting.filter(mailing_id=mailing_id)
    for pk in list(waiting.order_by("scheduled_for", "pk").values_list("pk", flat=True)[:PER_SWEEP]):
        try:
            outcome = _queue_run(pk, now=now)
        except Exception:
            logger.exception("Queueing run %s failed; taken over after the lease", pk)
            continue
        if outcome is None:
            continue
        if outcome == "skipped":
            result.skipped += 1
        else:
            queued, capped = outcome
            result.queued_runs += 1
            result.recipients += queued
            result.capped += capped
    return result


def _start_run(pk: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        mailing = (
            Mailing.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, status__in=Mailing.ACTIVE, next_run_at__lte=now)
            .first()
        )
        if mailing is None:  # another sender has it, or it changed meanwhile
            return 0
        if now >= mailing.end_at:  # the end passed while nothing ran (paused, scheduler down): not sent late
            mailing.status, mailing.next_run_at = Mailing.Status.FINISHED, None
            mailing.save(update_fields=["status", "next_run_at"])
            return 0
        occurrence = timing.last_at_or_before(
            start=mailing.start_at, period=mailing.period, zone=mailing.timezone, moment=now
        )
        occurrence = max(occurrence, mailing.next_run_at)
        following = timing.within(
            timing.first_after(start=mailing.start_at, period=mailing.period, zone=mailing.timezone, moment=occurrence),
            mailing.end_at,
        )
        created = 0
        try:
            with transaction.atomic():
                MailingRun.objects.create(mailing=mailing, scheduled_for=occurrence, created_at=now)
                created = 1
        except IntegrityError:  # this occurrence has its run already
            pass
        mailing.next_run_at = following
        mailing.status = Mailing.Status.RUNNING if following else Mailing.Status.FINISHED
        mailing.save(update_fields=["next_run_at", "status"])
    return created


def _claim(pk: int, *, now: dt.datetime) -> bool:
    return bool(
        MailingRun.objects.filter(pk=pk)
        .filter(Q(status=MailingRun.Status.PENDING) | Q(status=MailingRun.Status.QUEUEING, claimed_at__lt=now - LEASE))
        .update(status=MailingRun.Status.QUEUEING, claimed_at=now)
    )


def _refusal(run: MailingRun) -> str:
    mailing = run.mailing
    if mailing.status in (Mailing.Status.PAUSED, Mailing.Status.DISABLED):
        return mailing.status
    if not selectors.can_send(mailing.mentor):
        return "unverified"
    return ""


def _queue_run(pk: int, *, now: dt.datetime):
    """Queue one run's recipients: (queued, capped), "skipped", or None when another sender has it."""
    if not _claim(pk, now=now):
        return None
    run = MailingRun.objects.select_related("mailing__message", "mailing__mentor").get(pk=pk)
    mailing, mentor = run.mailing, run.mailing.mentor
    refusal = _refusal(run)
    if refusal:
        MailingRun.objects.filter(pk=pk, claimed_at=now).update(status=MailingRun.Status.SKIPPED, note=refusal)
        return "skipped"
    clients_sync(mentor=mentor, now=now)
    prepared = emails.prepare(message=mailing.message, mentor=mentor, run_id=run.pk)
    limit = settings.MAILINGS_MAX_RECIPIENTS
    queued = run.recipients.count()  # a run taken over after a crash goes on where it stopped
    total = queued
    capped = 0
    while total < limit:
        left = selectors.audience(mailing).exclude(deliveries__run=run)
        try:
            with transaction.atomic():
                list(User.objects.select_for_update().filter(pk=mentor.pk).values_list("pk"))
                allowance = settings.MAILINGS_DAILY_LIMIT - selectors.sent_in_the_last_day(mentor_id=mentor.pk, now=now)
                batch = list(left[: min(BATCH, limit - total)])
                if not batch:
                    break
                take = batch[: max(0, allowance)]
                if take:
                    rows = Email.objects.bulk_create(
                        [emails.outbox_row(prepared, address=c.email, full_name=c.full_name) for c in take]
                    )
                    Recipient.objects.bulk_create(
                        Recipient(run=run, client=c, address=c.email, email=row, created_at=now)
                        for c, row in zip(take, rows, strict=True)
                    )
                    total += len(take)
                if len(take) < len(batch):  # the daily limit is reached: the rest of this run is not sent
                    capped = min(left.count(), limit - total)
                    break
        except IntegrityError:  # another sender took this run over and queued these clients: it goes on
            logger.warning("Run %s: another sender is queueing it", pk)
            return None
    MailingRun.objects.filter(pk=pk, claimed_at=now).update(
        status=MailingRun.Status.DONE, queued_at=timezone.now(), capped=capped
    )
    return total - queued, capped
