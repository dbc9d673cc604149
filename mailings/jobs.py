"""Scheduled work of the mailings app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

import logging

from django_apscheduler.util import close_old_connections

from mailings import services

logger = logging.getLogger(__name__)


@close_old_connections
def send_mailings():
    result = services.mailings_send_due()
    if result.started or result.recipients or result.skipped:
        logger.info(
            "Mailings: %d runs started, %d emails queued, %d over the daily limit, %d runs not sent",
            result.started,
            result.recipients,
            result.capped,
            result.skipped,
        )
