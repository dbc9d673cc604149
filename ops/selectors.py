"""The figures ``/readyz`` and ``/metrics`` read: each group is one aggregate query, whatever the data size."""

import datetime as dt

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from post_office.models import STATUS, Email

from ops.models import Heartbeat
from payments.models import Payment
from schedule import selectors as schedule_selectors
from schedule.delivery import due_emails
from schedule.models import Booking


def outbox_oldest_due(*, now: dt.datetime) -> dt.timedelta | None:
    """
    How long the mail that has waited longest for delivery has been due: since it was queued, or since
    its retry time came. Mail waiting for a later retry, or claimed by a delivery run, is not due yet.
    """
    oldest = due_emails(now).aggregate(oldest=Min(Coalesce("scheduled_time", "created")))["oldest"]
    return max(now - oldest, dt.timedelta(0)) if oldest is not None else None


def heartbeat_age(*, name: str = Heartbeat.SCHEDULER, now: dt.datetime) -> dt.timedelta | None:
    """How long ago ``name`` last beat; None when it never has."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return max(now - at, dt.timedelta(0)) if at is not None else None


def business_figures(*, now: dt.datetime | None = None) -> dict:
    """
    Bookings, cancellations, the outbox, reminders and payments, for /metrics: five aggregate queries, and
    one per reminder offset.
    """
    now = now or timezone.now()
    cancelled = Q(status=Booking.Status.CANCELLED)
    bookings = Booking.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Booking.Status.values},
        upcoming=Count("pk", filter=Q(status=Booking.Status.CONFIRMED, slot__start__gt=now)),
        by_mentee=Count("pk", filter=cancelled & Q(cancelled_by=F("mentee"))),
        by_mentor=Count("pk", filter=cancelled & Q(cancelled_by=F("mentor"))),
    )
    by_mentee, by_mentor = bookings.pop("by_mentee"), bookings.pop("by_mentor")
    upcoming = bookings.pop("upcoming")
    cancellations = {
        "mentee": by_mentee,
        "mentor": by_mentor,
        # staff, the system (an account closed), or someone since erased
        "other": bookings[Booking.Status.CANCELLED] - by_mentee - by_mentor,
    }
    outbox = Email.objects.aggregate(
        queued=Count("pk", filter=Q(status=STATUS.queued)),
        requeued=Count("pk", filter=Q(status=STATUS.requeued)),
        failed=Count("pk", filter=Q(status=STATUS.failed)),
    )
    payments = {
        row["currency"]: row
        for row in Payment.objects.filter(status=Payment.Status.SUCCEEDED)
        .values("currency")
        .annotate(count=Count("pk"), amount=Sum("amount"), refunded=Sum("refunded"))
        .order_by("currency")
    }
    return {
        "bookings": bookings,
        "upcoming": upcoming,
        "cancellations": cancellations,
        "outbox": outbox,
        "outbox_oldest_due": outbox_oldest_due(now=now),
        "reminder_lag": schedule_selectors.reminder_lag(now=now),
        "heartbeat_age": heartbeat_age(now=now),
        "payments": payments,
    }
