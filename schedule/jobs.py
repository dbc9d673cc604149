"""
Scheduled work. Each job is thin (it calls a service), idempotent, and closes stale database
connections around its run. Every schedule is declared in ``SCHEDULES`` below, in one place.
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_apscheduler.models import DjangoJobExecution
from django_apscheduler.util import close_old_connections

from accounts import jobs as accounts_jobs
from articles import jobs as articles_jobs
from core import maintenance
from mailings import jobs as mailings_jobs
from messaging import jobs as messaging_jobs
from ops import jobs as ops_jobs
from reviews import jobs as reviews_jobs
from schedule import delivery, services

logger = logging.getLogger(__name__)

JOB_EXECUTION_MAX_AGE = dt.timedelta(days=7)


@close_old_connections
def send_reminders():
    result = services.reminder_sweep()
    if result.queued or result.skipped:
        logger.info("Reminders: %d queued, %d skipped as too late", result.queued, result.skipped)


@close_old_connections
def deliver_outbox():
    if maintenance.current() is not None:  # the mail waits in the outbox and goes out once the site is back
        logger.info("Outbox: paused for maintenance")
        return
    result = delivery.outbox_drain()
    if result.sent or result.requeued or result.failed:
        logger.info("Outbox: %d sent, %d to retry, %d failed", result.sent, result.requeued, result.failed)


@close_old_connections
def notify_waitlists():
    queued = services.waitlist_sweep()
    if queued:
        logger.info("Waitlists: %d mentees told about new times", queued)


@close_old_connections
def release_expired_holds():
    released = services.holds_release_expired()
    if released:
        logger.info("Holds: %d unpaid holds released", released)


@close_old_connections
def publish_availability():
    result = services.weekly_publish_all()
    logger.info("Weekly hours: %d slots published, %d removed", result.created, result.removed)


@close_old_connections
def delete_old_job_executions():
    DjangoJobExecution.objects.delete_old_job_executions(int(JOB_EXECUTION_MAX_AGE.total_seconds()))
    logger.info("Deleted job executions older than %s (at %s)", JOB_EXECUTION_MAX_AGE, timezone.now())


# (job id, function, trigger, trigger arguments, misfire grace in seconds)
SCHEDULES = [
    # Every minute: queue 24 h / 1 h reminders (REMINDER_OFFSETS) for both sides of each booking.
    ("send_reminders", send_reminders, "interval", {"minutes": 1}, 600),
    # Every OUTBOX_POLL_SECONDS (10 s): deliver queued mail, so confirmations arrive well within a minute.
    ("deliver_outbox", deliver_outbox, "interval", {"seconds": settings.OUTBOX_POLL_SECONDS}, 120),
    # Every minute: tell waitlisted mentees about times that opened (each mentee once per time).
    ("notify_waitlists", notify_waitlists, "interval", {"minutes": 1}, 600),
    # Every minute: give back the slots of holds not paid within BOOKING_HOLD_MINUTES (each once).
    ("release_expired_holds", release_expired_holds, "interval", {"minutes": 1}, 300),
    # Hourly at :05: roll every mentor's weekly hours forward (a new day enters each horizon in
    # every zone within the hour); idempotent, and safe if two schedulers ever ran it at once.
    ("publish_availability", publish_availability, "cron", {"minute": 5}, 3600),
    # Every 15 minutes: anonymise the accounts whose deletion grace period is over (each exactly once,
    # also with two schedulers at once).
    ("complete_account_deletions", accounts_jobs.complete_account_deletions, "interval", {"minutes": 15}, 900),
    # Every 5 minutes: email people about messages left unread for 15 minutes (each message at most
    # once, also with two schedulers at once).
    ("send_message_digests", messaging_jobs.send_message_digests, "interval", {"minutes": 5}, 300),
    # Every 5 minutes: ask the clients of sessions that ended 10+ minutes ago how they went (each session
    # once, also with two schedulers at once).
    ("send_review_invitations", reviews_jobs.send_review_invitations, "interval", {"minutes": 5}, 300),
    # Every minute: tell followers and clients about articles whose publication time has come (each
    # article once, also with two schedulers at once: its announcement is claimed by a conditional update).
    ("publish_due_articles", articles_jobs.publish_due_articles, "interval", {"minutes": 1}, 300),
    # Every minute: move the article views counted in the cache into the database, one UPDATE per article.
    ("flush_article_views", articles_jobs.flush_article_views, "interval", {"minutes": 1}, 300),
    # Every minute: start mentors' mailing runs that are due and queue their emails to the outbox (each
    # client once per run, also with two schedulers or the send_mailings command at once).
    ("send_mailings", mailings_jobs.send_mailings, "interval", {"minutes": 1}, 300),
    # Every minute: the heartbeat /readyz reads (stale after READY_SCHEDULER_MAX_AGE_SECONDS); a late
    # beat is worth nothing, so it is dropped after a minute.
    ("scheduler_heartbeat", ops_jobs.scheduler_heartbeat, "interval", {"minutes": 1}, 60),
    # Every SUSPICIOUS_DIGEST_MINUTES: mail the admins each finished window of refusals and failed
    # sign-ins above SUSPICIOUS_DIGEST_THRESHOLD (each window once, also with two schedulers at once).
    (
        "send_suspicious_digest",
        ops_jobs.send_suspicious_digest,
        "interval",
        {"minutes": settings.SUSPICIOUS_DIGEST_MINUTES},
        settings.SUSPICIOUS_DIGEST_MINUTES * 60,
    ),
    # Nightly at 03:00 UTC: forget job-execution rows older than a week.
    ("delete_old_job_executions", delete_old_job_executions, "cron", {"hour": 3, "minute": 0}, 3600),
]
