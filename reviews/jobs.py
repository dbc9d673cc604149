"""Scheduled work of the reviews app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

import logging

from django_apscheduler.util import close_old_connections

from reviews import services

logger = logging.getLogger(__name__)


@close_old_connections
def send_review_invitations():
    invited = services.review_invitations_send()
    if invited:
        logger.info("Review invitations: %d clients asked how their session went", invited)
