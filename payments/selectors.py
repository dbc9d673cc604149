"""Reads of the ledger for the Payments, Earnings and staff pages."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

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
