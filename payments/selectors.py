"""Reads of the ledger for the Payments, Earnings and staff pages."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import User
from payments.models import CreditUse, Package, PackagePurchase, Payment, Refund
from schedule.models import Booking

MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY_FIELD)


def _sum(field: str, **filters):
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), ZERO)


def packages_on_offer() -> QuerySet[Package]:
    """
    Packages a client can buy: switched on, by an active mentor who is still a mentor and whose
    sessions are paid for, at no more than its sessions one by one at today's price (a price lowered
    after the package was made takes it off offer until it is priced again).
    """
    return Package.objects.filter(
        is_active=True,
        mentor__is_active=True,
        mentor__is_mentor=True,
        mentor__mentor_profile__is_free=False,
        mentor__mentor_profile__price__gt=0,
        price__lte=F("sessions") * F("mentor__mentor_profile__price"),
    )


def booking_payment(*, booking) -> Payment | None:
    """A booking's successful payment, with ``refunded_at`` (its latest refund's time), or None."""
    return (
        Payment.objects.filter(booking_id=booking.pk, status=Payment.Status.SUCCEEDED)
        .annotate(refunded_at=Max("refunds__created_at"))
        .first()
    )


def booking_credit(*, booking) -> CreditUse | None:
    """The package session a booking used, with its package, or None."""
    return CreditUse.objects.filter(booking_id=booking.pk).select_related("purchase__package").first()


def payer_payments(*, user: User) -> QuerySet[Payment]:
    """The client's payments (declined attempts included, so they can see what happened), newest first."""
    return Payment.objects.filter(payer=user).select_related("mentor", "booking__slot", "package")


def payer_packages(*, user: User) -> QuerySet[PackagePurchase]:
    return PackagePurchase.objects.filter(mentee=user).select_related("package", "mentor__mentor_profile", "payment")


@dataclasses.dataclass(frozen=True)
class Earnings:
    """
    What clients paid a mentor, less refunds: a refund gives back the platform's fee on it as well as
    the mentor's share, so paid - refunded - net fees = the mentor's net share.
    """

    gross: Decimal
    fees: Decimal
    share: Decimal
    refunded: Decimal
    refunded_fees: Decimal
    refunded_share: Decimal
    payments: int

    @property
    def net_fees(self) -> Decimal:
        return self.fees - self.refunded_fees

    @property
    def net(self) -> Decimal:
        return self.share - self.refunded_share


@dataclasses.dataclass(frozen=True)
class MonthEarnings:
    month: dt.datetime
    earnings: Earnings


def mentor_earnings(*, mentor: User) -> Earnings:
    paid = Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED).aggregate(
        gross=_sum("amount"), fees=_sum("platform_fee"), share=_sum("mentor_share"), payments=Count("pk")
    )
    back = Refund.objects.filter(payment__mentor=mentor).aggregate(
        refunded=_sum("amount"), refunded_fees=_sum("platform_fee"), refunded_share=_sum("mentor_share")
    )
    return Earnings(**paid, **back)


def mentor_months(*, mentor: User, months: int = 12, tz: dt.tzinfo | None = None) -> list[MonthEarnings]:
    """
    Per calendar month of payment in ``tz`` (the reader's zone unless given), newest first: the same
    figures as ``mentor_earnings``, refunds counted in the month of the payment they gave back (two
    queries). Each has its ``month``, the first moment of that month in ``tz``.
    """
    tz = tz or timezone.get_current_timezone()
    paid = (
        Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED)
        .annotate(month=TruncMonth("paid_at", tzinfo=tz))
        .values("month")
        .annotate(gross=_sum("amount"), fees=_sum("platform_fee"), share=_sum("mentor_share"), payments=Count("pk"))
        .order_by("-month")[:months]
    )
    paid = list(paid)
    if not paid:
        return []
    back = (
        Refund.objects.filter(payment__mentor=mentor, payment__paid_at__gte=paid[-1]["month"])
        .annotate(month=TruncMonth("payment__paid_at", tzinfo=tz))
        .values("month")
        .annotate(refunded=_sum("amount"), refunded_fees=_sum("platform_fee"), refunded_share=_sum("mentor_share"))
    )
    nothing = {"refunded": Decimal(0), "refunded_fees": Decimal(0), "refunded_share": Decimal(0)}
    refunds = {row.pop("month"): row for row in back}
    rows = []
    for row in paid:
        month = row.pop("month")
        earnings = Earnings(**row, **refunds.get(month, nothing))
        rows.append(MonthEarnings(month=month, earnings=earnings))
    return rows


def mentor_payments(*, mentor: User) -> QuerySet[Payment]:
    """
    The mentor's payments with ``refunded_share`` (the part of their share given back) and ``net_share``
    (what is left of it), in the same query.
    """
    refunded = (
        Refund.objects.filter(payment=OuterRef("pk")).order_by().values("payment").annotate(s=Sum("mentor_share"))
    )
    return (
        Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED)
        .select_related("payer", "booking__slot", "package")
        .annotate(refunded_share=Coalesce(Subquery(refunded.values("s")), ZERO))
        .annotate(net_share=ExpressionWrapper(F("mentor_share") - F("refunded_share"), output_field=MONEY_FIELD))
    )


# --- Staff ---


def platform_money(*, now=None) -> dict:
    """The platform's takings: two aggregate queries, whatever the size of the ledger."""
    now = now or timezone.now()
    paid = Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(
        revenue=_sum("amount"),
        fees=_sum("platform_fee"),
        payments=Count("pk"),
        revenue_30d=_sum("amount", paid_at__gte=now - dt.timedelta(days=30)),
    )
    back = Refund.objects.aggregate(refunds=_sum("amount"), refunded_fees=_sum("platform_fee"), count=Count("pk"))
    return {**paid, **back, "net_fees": paid["fees"] - back["refunded_fees"]}


def money_per_day(*, days: list, start, end) -> list[dict]:
    """Revenue, refunds and the platform's fees per local day in [start, end), zeros filled in."""
    zone = timezone.get_current_timezone()
    paid = (
        Payment.objects.filter(status=Payment.Status.SUCCEEDED, paid_at__gte=start, paid_at__lt=end)
        .annotate(day=TruncDate("paid_at", tzinfo=zone))
        .values("day")
        .annotate(revenue=Sum("amount"), fees=Sum("platform_fee"))
    )
    back = (
        Refund.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(refunds=Sum("amount"), refunded_fees=Sum("platform_fee"))
    )
    by_day = {row["day"]: dict(row) for row in paid}
    for row in back:
        by_day.setdefault(row["day"], {}).update(row)
    zero = Decimal(0)
    return [
        {
            "day": day,
            "revenue": by_day.get(day, {}).get("revenue") or zero,
            "refunds": by_day.get(day, {}).get("refunds") or zero,
            "fees": (by_day.get(day, {}).get("fees") or zero) - (by_day.get(day, {}).get("refunded_fees") or zero),
        }
        for day in days
    ]


def staff_payments(*, status: str = "", query: str = "") -> QuerySet[Payment]:
    """
    Payments for staff. ``status`` is a payment status, where "succeeded" leaves out payments given back
    whole, or "refunded" (given back whole) or "partly_refunded"; as ``Payment.is_fully_refunded`` reads.
    """
    given_back = (
        Refund.objects.filter(payment=OuterRef("pk"))
        .order_by()
        .values("payment")
        .annotate(fee=Sum("platform_fee"))
        .values("fee")
    )
    rows = Payment.objects.select_related("payer", "mentor", "booking__slot", "package").annotate(
        # the fee the platform kept: refunds give back their share of it
        fee_kept=F("platform_fee") - Coalesce(Subquery(given_back, output_field=MONEY_FIELD), ZERO)
    )
    paid = Q(status=Payment.Status.SUCCEEDED, amount__gt=0)
    if status == "refunded":
        rows = rows.filter(paid, refunded__gte=F("amount"))
    elif status == "partly_refunded":
        rows = rows.filter(paid, refunded__gt=0, refunded__lt=F("amount"))
    elif status == Payment.Status.SUCCEEDED:
        rows = rows.filter(status=status).exclude(amount__gt=0, refunded__gte=F("amount"))
    elif status:
        rows = rows.filter(status=status)
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(invoice_number__icontains=word)
            | Q(payer__email__icontains=word)
            | Q(mentor__email__icontains=word)
            | Q(payer__last_name__icontains=word)
            | Q(mentor__last_name__icontains=word)
        )
    return rows


def refundable_purchases(*, user: User, now: dt.datetime | None = None) -> list[PackagePurchase]:
    """
    Packages with sessions that can still be refunded (``services.package_refund_quote``): those the
    person bought, and those bought from them as a mentor. Each has ``booked_ahead``: its sessions booked
    for a time still to come, which leaving cancels and so gives back to it.
    """
    now = now or timezone.now()
    ahead = Q(
        uses__returned_at__isnull=True,
        uses__booking__status=Booking.Status.CONFIRMED,
        uses__booking__slot__start__gt=now,
    )
    return list(
        PackagePurchase.objects.filter(Q(mentee=user) | Q(mentor=user))
        .filter(refunded_at__isnull=True, expires_at__gt=now)
        .annotate(booked_ahead=Count("uses", filter=ahead))
        .filter(Q(credits_left__gt=0) | Q(booked_ahead__gt=0))
        .select_related("payment")
        .order_by("expires_at", "pk")
    )
