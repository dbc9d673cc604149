"""Reads of the ledger for the Payments, Earnings and staff pages."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from accounts.models import User
from payments.models import PackagePurchase, Payment, Refund

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))


def _sum(field: str, **filters):
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), ZERO)


def payer_payments(*, user: User) -> QuerySet[Payment]:
    """The client's payments (declined attempts included, so they can see what happened), newest first."""
    return Payment.objects.filter(payer=user).select_related("mentor", "booking__slot", "package")


def payer_packages(*, user: User) -> QuerySet[PackagePurchase]:
    return PackagePurchase.objects.filter(mentee=user).select_related("package", "mentor__mentor_profile", "payment")


@dataclasses.dataclass(frozen=True)
class Earnings:
    gross: Decimal
    fees: Decimal
    share: Decimal
    refunded: Decimal
    refunded_share: Decimal
    payments: int

    @property
    def net(self) -> Decimal:
        return self.share - self.refunded_share


def mentor_earnings(*, mentor: User) -> Earnings:
    paid = Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED).aggregate(
        gross=_sum("amount"), fees=_sum("platform_fee"), share=_sum("mentor_share"), payments=Count("pk")
    )
    back = Refund.objects.filter(payment__mentor=mentor).aggregate(
        refunded=_sum("amount"), refunded_share=_sum("mentor_share")
    )
    return Earnings(**paid, **back)


def mentor_months(*, mentor: User, months: int = 12) -> list[dict]:
    """Per calendar month (UTC): what was paid to the mentor's sessions and packages, and their share."""
    rows = (
        Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED)
        .annotate(month=TruncMonth("paid_at", tzinfo=dt.UTC))
        .values("month")
        .annotate(gross=Sum("amount"), share=Sum("mentor_share"), refunded=Sum("refunded"), payments=Count("pk"))
        .order_by("-month")[:months]
    )
    return list(rows)


def mentor_payments(*, mentor: User) -> QuerySet[Payment]:
    return Payment.objects.filter(mentor=mentor, status=Payment.Status.SUCCEEDED).select_related(
        "payer", "booking__slot", "package"
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
    rows = Payment.objects.select_related("payer", "mentor", "booking__slot", "package")
    if status:
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
