"""
What ``/metrics`` says, in Prometheus's text format:

- the process's own metrics: django-prometheus's requests, responses and latencies by view (its two
  middlewares), the open WebSockets (``core.realtime.OPEN_SOCKETS``), Python's and the process's;
- the platform's figures (``mentorship_*``), computed from the database when Prometheus asks, by
  ``BusinessCollector``: a few aggregate queries per scrape, none on ordinary requests.

Under gunicorn every worker counts its own requests. With ``PROMETHEUS_MULTIPROC_DIR`` set (read by
prometheus_client when it is first imported), the workers write their counts to files there and any
worker's ``/metrics`` sums them all.
"""

import logging
import os
import time

from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from ops import selectors

logger = logging.getLogger(__name__)

PREFIX = "mentorship"
CONTENT_TYPE = CONTENT_TYPE_LATEST


class BusinessCollector:
    """The platform's figures, read from the database at scrape time."""

    def collect(self):
        started = time.monotonic()
        try:
            figures = selectors.business_figures(now=timezone.now())
        except Exception:  # the database is down: say so, and let the process metrics through
            logger.warning("Could not read the business metrics", exc_info=True)
            figures = None
        if figures is not None:
            yield from self._families(figures)
        yield GaugeMetricFamily(
            f"{PREFIX}_business_metrics_up",
            "1 when the business figures below could be read, else 0.",
            value=int(figures is not None),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_business_metrics_seconds",
            "Time taken to read the business figures.",
            value=time.monotonic() - started,
        )

    def _families(self, figures: dict):
        bookings = GaugeMetricFamily(
            f"{PREFIX}_bookings", "Bookings by status (held for payment, confirmed, ...).", labels=["status"]
        )
        for status, count in figures["bookings"].items():
            bookings.add_metric([status], count)
        yield bookings
        yield GaugeMetricFamily(
            f"{PREFIX}_bookings_upcoming", "Confirmed sessions still to come.", value=figures["upcoming"]
        )

        cancellations = CounterMetricFamily(
            f"{PREFIX}_booking_cancellations",
            "Cancelled bookings, by who cancelled (mentee, mentor, other).",
            labels=["by"],
        )
        for by, count in figures["cancellations"].items():
            cancellations.add_metric([by], count)
        yield cancellations

        outbox = GaugeMetricFamily(
            f"{PREFIX}_outbox_emails", "Mail in the outbox by status (not yet sent, or failed).", labels=["status"]
        )
        for status, count in figures["outbox"].items():
            outbox.add_metric([status], count)
        yield outbox
        due = figures["outbox_oldest_due"]
        yield GaugeMetricFamily(
            f"{PREFIX}_outbox_oldest_due_seconds",
            "How long the mail waiting longest for delivery has been due (0 when none is).",
            value=due.total_seconds() if due is not None else 0,
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_reminder_lag_seconds",
            "How long the oldest reminder has waited for a sweep (0 when none is waiting).",
            value=figures["reminder_lag"].total_seconds(),
        )
        age = figures["heartbeat_age"]
        if age is not None:
            yield GaugeMetricFamily(
                f"{PREFIX}_scheduler_heartbeat_age_seconds",
                "Seconds since the scheduler last beat (every minute).",
                value=age.total_seconds(),
            )

        payments = CounterMetricFamily(
            f"{PREFIX}_payments_succeeded", "Successful payments, by currency.", labels=["currency"]
        )
        amount = CounterMetricFamily(
            f"{PREFIX}_payments_succeeded_amount", "Sum of successful payments, by currency.", labels=["currency"]
        )
        refunded = CounterMetricFamily(
            f"{PREFIX}_payments_refunded_amount",
            "Sum refunded of successful payments, by currency.",
            labels=["currency"],
        )
        for currency, row in figures["payments"].items():
            payments.add_metric([currency], row["count"])
            amount.add_metric([currency], float(row["amount"] or 0))
            refunded.add_metric([currency], float(row["refunded"] or 0))
        yield from (payments, amount, refunded)


BUSINESS = CollectorRegistry(auto_describe=False)
BUSINESS.register(BusinessCollector())


def exposition() -> bytes:
    """The whole /metrics page: this process's metrics (or every worker's) and the business figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(BUSINESS)
