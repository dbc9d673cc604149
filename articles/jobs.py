"""Scheduled work of the articles app (declared with every other schedule in ``schedule.jobs.SCHEDULES``)."""

import logging

from django_apscheduler.util import close_old_connections

from articles import services

logger = logging.getLogger(__name__)


@close_old_connections
def publish_due_articles():
    told = services.articles_announce_due()
    if told:
        logger.info("Articles: %d people told about articles that went public", told)


@close_old_connections
def flush_article_views():
    moved = services.article_views_flush()
    if moved:
        logger.info("Articles: %d views counted", moved)
