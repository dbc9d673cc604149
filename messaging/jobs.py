"""Scheduled work of the messaging app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

import logging

from django_apscheduler.util import close_old_connections

from messaging import services

logger = logging.getLogger(__name__)


@close_old_connections
def send_message_digests():
    queued = services.message_digest_sweep()
    if queued:
        logger.info("Message digests: %d emails about unread messages queued", queued)
