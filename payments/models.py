"""
The ledger of the imitation payments: charges, refunds and session packages. Amounts are ``Decimal``
with a currency; rows are only ever added (a refund is a row of its own, and the running total on
the payment is raised by a conditional update), and check constraints keep every figure non-negative,
every split whole (fee + mentor's share = amount) and every payment's refunds within what was paid.
"""

from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schedule.models import Booking

MONEY = {"max_digits": 10, "decimal_places": 2}
CENT = Decimal("0.01")


class Package(models.Model):
    """A mentor's offer of several sessions at once, bought through the same checkout."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="packages", verbose_name=_("mentor")
    )
    title = models.CharField(_("title"), max_length=100)
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    price = models.DecimalField(_("price"), **MONEY)
    is_active = models.BooleanField(_("on offer"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["sessions", "pk"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [
            models.CheckConstraint(condition=Q(sessions__gte=2, sessions__lte=50), name="payments_package_sessions"),
            models.CheckConstraint(condition=Q(price__gt=0), name="payments_package_price_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def price_per_session(self) -> Decimal:
        return (self.price / self.sessions).quantize(CENT)


class Payment(models.Model):
    """
    One attempt to charge a card, for a held session or a package. The idempotency key (one per
    checkout form) makes a double submit or a retried confirmation charge once; only one payment of a
    booking can be live (succeeded or waiting for the bank's confirmation).
    """

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        REQUIRES_ACTION = "requires_action", _("Waiting for your bank")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Declined")

    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments", verbose_name=_("payer")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings", verbose_name=_("mentor")
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("session")
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, null=True, blank=True, related_name="payments", verbose_name=_("package")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    platform_fee = models.DecimalField(_("platform fee"), **MONEY)
    mentor_share = models.DecimalField(_("mentor's share"), **MONEY)
    refunded = models.DecimalField(_("refunded"), default=0, **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROCESSING)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    provider = models.CharField(_("provider"), max_length=40)
    reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    card = models.CharField(_("card"), max_length=40, blank=True)  # brand and last four digits, never the number
    failure = models.CharField(_("why it failed"), max_length=40, blank=True)
    # The cancellation policy the mentee was shown when paying: later changes by the mentor do not apply.
    policy = models.CharField(_("cancellation policy"), max_length=16, blank=True)
    # The most a cancellation may give back, in percent: the client moving the session lowers it to what
    # cancelling at that moment would have given (a move cannot turn a late cancellation into an early one).
    refund_cap = models.PositiveSmallIntegerField(_("refund cap (%)"), default=100)
    invoice_number = models.CharField(_("invoice number"), max_length=20, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(platform_fee__gte=0, mentor_share__gte=0), name="payments_payment_split_not_negative"
            ),
            # Rounded to the cent: SQLite sums decimals as floats (17.91 + 101.49 is not 119.40 there).
            models.CheckConstraint(
                condition=Q(amount=Round(F("platform_fee") + F("mentor_share"), 2)),
                name="payments_payment_split_whole",
            ),
            models.CheckConstraint(
                condition=Q(refunded__gte=0, refunded__lte=F("amount")), name="payments_payment_refund_within_paid"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, package__isnull=True)
                | Q(booking__isnull=True, package__isnull=False),
                name="payments_payment_for_one_thing",
            ),
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status__in=["processing", "requires_action", "succeeded"]),
                name="payments_payment_one_live_per_booking",
            ),
            models.CheckConstraint(condition=Q(refund_cap__lte=100), name="payments_payment_refund_cap"),
        ]
        indexes = [
            models.Index(fields=["payer", "-created_at"], name="payments_payment_payer"),
            models.Index(fields=["mentor", "status"], name="payments_payment_mentor"),
            models.Index(fields=["status", "paid_at"], name="payments_payment_paid"),
        ]

    def __str__(self):
        return self.invoice_number or f"payment {self.pk}"

    @property
    def refundable(self):
        return self.amount - self.refunded

    @property
    def is_fully_refunded(self) -> bool:
        return self.status == self.Status.SUCCEEDED and self.amount > 0 and self.refunded >= self.amount

    @property
    def failure_label(self) -> str:
        """Why the payment failed, in a few words for staff (the payer was told in full)."""
        return str(FAILURE_LABELS.get(self.failure, self.failure))


# The processor's failure codes, as staff read them.
FAILURE_LABELS = {
    "card_declined": _("Card declined"),
    "insufficient_funds": _("Insufficient funds"),
    "authentication_failed": _("The bank did not confirm"),
    "unknown_card": _("Not a test card"),
    # Ours: what the client was paying for went while the bank waited.
    "expired": _("The hold ran out"),
    "unavailable": _("The package was withdrawn"),
}


class Refund(models.Model):
    """Money given back on a payment, split between the platform's fee and the mentor's share as it was paid."""

    class Reason(models.TextChoices):
        MENTEE_CANCELLED = "mentee_cancelled", _("Cancelled by the client")
        MENTOR_CANCELLED = "mentor_cancelled", _("Cancelled by the mentor")
        STAFF_CANCELLED = "staff_cancelled", _("Cancelled by the platform")
        MENTOR_NO_SHOW = "mentor_no_show", _("The mentor did not come")
        UNUSED_CREDITS = "unused_credits", _("Unused package sessions")
        MENTOR_LEFT = "mentor_left", _("The mentor left the platform")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), **MONEY)
    platform_fee = models.DecimalField(_("platform fee"), **MONEY)
    mentor_share = models.DecimalField(_("mentor's share"), **MONEY)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    reference = models.CharField(_("provider's reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(platform_fee__gte=0, mentor_share__gte=0), name="payments_refund_split_not_negative"
            ),
            # Rounded to the cent: SQLite sums decimals as floats (17.91 + 101.49 is not 119.40 there).
            models.CheckConstraint(
                condition=Q(amount=Round(F("platform_fee") + F("mentor_share"), 2)),
                name="payments_refund_split_whole",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="payments_refund_created")]

    def __str__(self):
        return f"{self.amount} {self.payment.currency}"

    @property
    def reason_to_client(self) -> str:
        """Why, as told to the client it is given back to (who is "the client" to staff)."""
        return _REASONS_TO_CLIENT.get(self.reason) or self.get_reason_display()


_REASONS_TO_CLIENT = {
    Refund.Reason.MENTEE_CANCELLED: _("You cancelled the session"),
    Refund.Reason.MENTOR_CANCELLED: _("The mentor cancelled the session"),
    Refund.Reason.STAFF_CANCELLED: _("We cancelled the session"),
    Refund.Reason.MENTOR_LEFT: _("The mentor has left the platform, so the package's remaining sessions are refunded"),
}


class PackagePurchase(models.Model):
    """A package a mentee paid for: credits to book that mentor's slots, until it expires."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("package"))
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="purchase", verbose_name=_("payment")
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="package_purchases", verbose_name=_("client")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("mentor")
    )
    sessions = models.PositiveSmallIntegerField(_("sessions"))
    credits_left = models.PositiveSmallIntegerField(_("sessions left"))
    expires_at = models.DateTimeField(_("expires"))
    refunded_at = models.DateTimeField(_("unused sessions refunded"), null=True, blank=True)
    created_at = models.DateTimeField(_("bought"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("package bought")
        verbose_name_plural = _("packages bought")
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_left__gte=0, credits_left__lte=F("sessions")), name="payments_purchase_credits"
            ),
        ]
        indexes = [models.Index(fields=["mentee", "mentor"], name="payments_purchase_mentee")]

    def __str__(self):
        return f"{self.package} · {self.mentee}"

    def is_usable(self, now=None) -> bool:
        return self.credits_left > 0 and self.refunded_at is None and self.expires_at > (now or timezone.now())

    @property
    def unused_value(self) -> Decimal:
        """What its unused sessions are worth: their share of the price paid, rounded down to the cent."""
        return self.value_of(self.credits_left)

    def value_of(self, sessions: int) -> Decimal:
        """What ``sessions`` of it are worth: their share of the price paid, rounded down to the cent."""
        return (self.payment.amount * sessions / self.sessions).quantize(CENT, rounding=ROUND_DOWN)


class CreditUse(models.Model):
    """A session booked with a package credit; returned (once) when it is cancelled in time."""

    purchase = models.ForeignKey(
        PackagePurchase, on_delete=models.PROTECT, related_name="uses", verbose_name=_("package purchase")
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="credit_use", verbose_name=_("booking")
    )
    used_at = models.DateTimeField(_("used"), default=timezone.now)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    refund_cap = models.PositiveSmallIntegerField(_("refund cap (%)"), default=100)  # as on Payment

    class Meta:
        verbose_name = _("package session used")
        verbose_name_plural = _("package sessions used")

    def __str__(self):
        return f"{self.purchase} → {self.booking_id}"
