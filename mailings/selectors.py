"""Reads of the mailings app: the audience of a mailing, who may send, and the statistics."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from accounts.models import User
from mailings.models import Client, Mailing, MailingRun, Recipient, Unsubscription
from messaging import selectors as messaging_selectors

PAGE_SIZE = 25
DAY = dt.timedelta(days=1)


def can_send(mentor: User) -> bool:
    """A verified mentor: an active mentor whose primary address is confirmed (allauth)."""
    return (
        mentor.is_active
        and mentor.is_mentor
        and EmailAddress.objects.filter(user=mentor, email__iexact=mentor.email, primary=True, verified=True).exists()
    )


def clients_of(mentor: User) -> QuerySet[Client]:
    """The mentor's clients, each marked ``unsubscribed`` when the address asked for no more mail."""
    unsubscribed = Unsubscription.objects.filter(mentor=mentor).values("email")
    return (
        Client.objects.filter(mentor=mentor)
        .annotate(unsubscribed=Count("pk", filter=Q(email__in=unsubscribed)))
        .order_by("full_name", "email", "pk")
    )


def audience(mailing: Mailing) -> QuerySet[Client]:
    """
    Who a run of the mailing goes to: all the mentor's clients or the chosen ones, less unsubscribed
    addresses, people who have left the platform and people who block the mentor in messages (or whom
    the mentor blocks), in a stable order.
    """
    clients = Client.objects.filter(mentor_id=mailing.mentor_id)
    if not mailing.all_clients:
        clients = clients.filter(mailings=mailing)
    unsubscribed = Unsubscription.objects.filter(mentor_id=mailing.mentor_id).values("email")
    blocked = messaging_selectors.blocked_with(mailing.mentor_id)
    return (
        clients.exclude(email__in=unsubscribed).exclude(user__is_active=False).exclude(user__in=blocked).order_by("pk")
    )


def sent_in_the_last_day(*, mentor_id: int, now: dt.datetime) -> int:
    """Emails queued by the mentor's mailings in the 24 hours before ``now`` (what the daily limit counts)."""
    return Recipient.objects.filter(run__mailing__mentor_id=mentor_id, created_at__gt=now - DAY).count()


def outbox_waiting(*, now: dt.datetime) -> QuerySet[Email]:
    """Mailing emails in the outbox that are still to go (queued or to be retried, not expired)."""
    return Email.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        mailing_recipient__isnull=False,
        status__in=[STATUS.queued, STATUS.requeued],
    )


def _unsent(prefix: str, *, stopped: bool) -> Q:
    """
    Emails not sent yet: still to go (``stopped=False``), or stopped before they went (expired in the
    outbox: the address unsubscribed, staff disabled the mailing, the mentor was blocked or left).
    """
    now = timezone.now()
    unsent = Q(**{f"{prefix}email__status__in": [STATUS.queued, STATUS.requeued]})
    if stopped:
        return unsent & Q(**{f"{prefix}email__expires_at__lte": now})
    return unsent & (Q(**{f"{prefix}email__expires_at__isnull": True}) | Q(**{f"{prefix}email__expires_at__gt": now}))


def _figures(prefix: str = "") -> dict:
    p = f"{prefix}__" if prefix else ""
    return {
        "queued": Count(f"{p}pk"),
        "delivered": Count(f"{p}pk", filter=Q(**{f"{p}email__status": STATUS.sent})),
        "failed": Count(f"{p}pk", filter=Q(**{f"{p}email__status": STATUS.failed})),
        "waiting": Count(f"{p}pk", filter=_unsent(p, stopped=False)),
        "stopped": Count(f"{p}pk", filter=_unsent(p, stopped=True)),
    }


def statistics(recipients: QuerySet[Recipient]) -> dict:
    """
    Queued (written to the outbox), delivered (the server said 250), failed (a 5xx, or out of retries),
    waiting (queued or to be retried), stopped before they went, the attempts made, and the delivered
    counted by the attempt that got through ("1": at once, "2": after one retry, ...).
    """
    figures = recipients.aggregate(**_figures())
    figures["attempts"] = Log.objects.filter(email__mailing_recipient__in=recipients).count()
    by_attempt = (
        recipients.filter(email__status=STATUS.sent)
        .annotate(retries=Coalesce("email__number_of_retries", 0))  # empty until the first retry
        .values("retries")
        .annotate(count=Count("pk"))
        .order_by("retries")
    )
    figures["by_attempt"] = [{"attempt": row["retries"] + 1, "count": row["count"]} for row in by_attempt]
    return figures


def _mailing_figures() -> dict:
    return {
        "run_count": Count("runs", distinct=True),
        "queued": Count("runs__recipients"),
        "delivered": Count("runs__recipients", filter=Q(runs__recipients__email__status=STATUS.sent)),
        "failed": Count("runs__recipients", filter=Q(runs__recipients__email__status=STATUS.failed)),
        "waiting": Count("runs__recipients", filter=_unsent("runs__recipients__", stopped=False)),
    }


def with_figures(page: Page) -> Page:
    """
    A page of mailings, each with ``run_count`` and its recipients ``queued``, ``delivered``, ``failed``
    and ``waiting`` (to be sent or retried): counted for this page's mailings in one query, not over
    every mailing before the page is cut (the list's cost stays that of one page however much has been
    sent).
    """
    mailings = list(page.object_list)
    counts = _mailing_figures()
    rows = Mailing.objects.filter(pk__in=[m.pk for m in mailings]).values("pk").annotate(**counts)
    figures = {row.pop("pk"): row for row in rows}  # no page, no query
    none = dict.fromkeys(counts, 0)  # a mailing deleted since the page was read (an account left)
    for mailing in mailings:
        for name, value in figures.get(mailing.pk, none).items():
            setattr(mailing, name, value)
    page.object_list = mailings
    return page


def mailings_of(mentor: User) -> QuerySet[Mailing]:
    """The mentor's mailings, newest first (``with_figures`` counts a page of them)."""
    return Mailing.objects.filter(mentor=mentor).select_related("message", "mentor").order_by("-created_at", "-pk")


def runs_with_figures(mailing: Mailing) -> QuerySet[MailingRun]:
    return mailing.runs.annotate(**_figures("recipients")).order_by("-scheduled_for", "-pk")


def run_recipients(run: MailingRun) -> QuerySet[Recipient]:
    """A run's recipients with their outbox email and every attempt (time, status, the server's reply)."""
    return (
        run.recipients.select_related("email")
        .prefetch_related(Prefetch("email__logs", queryset=Log.objects.order_by("date", "pk")))
        .order_by("pk")
    )


def latest_replies(mailing: Mailing, *, limit: int = 20) -> QuerySet[Log]:
    """The last attempts of a mailing's emails, with the server's replies (for staff and the mentor)."""
    return (
        Log.objects.filter(email__mailing_recipient__run__mailing=mailing)
        .select_related("email__mailing_recipient")
        .order_by("-date", "-pk")[:limit]
    )


def platform_totals() -> dict:
    """For the dashboard: mailings, active ones, and unique clients reached (an email delivered)."""
    totals = Mailing.objects.aggregate(
        mailings=Count("pk"),
        active=Count("pk", filter=Q(status__in=[*Mailing.ACTIVE, Mailing.Status.PAUSED])),
    )
    totals["reached"] = Recipient.objects.filter(email__status=STATUS.sent).values("address").distinct().count()
    return totals


def mailings_for_staff(*, status: str = "") -> QuerySet[Mailing]:
    """Every mailing, newest first, by status if one is given (``with_figures`` counts a page of them)."""
    rows = Mailing.objects.select_related("message", "mentor")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")
