"""Scheduled work of the accounts app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

import logging

from django_apscheduler.util import close_old_connections

from accounts import services

logger = logging.getLogger(__name__)


@close_old_connections
def complete_account_deletions():
    completed = services.account_deletions_complete()
    if completed:
        logger.info("Account deletions: %d accounts anonymised after their grace period", completed)
