"""
Charging, refunding and package credits. Every change of money happens in one transaction with the
change it pays for (a payment with its booking, a refund with its cancellation), behind the
``Provider`` interface; the idempotency key of each checkout form makes a double submit or a retried
confirmation charge once (a unique constraint backs it), and each refund has its own key too.
"""

import dataclasses
import datetime as dt
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import AccountError
from audit.models import Event
from audit.services import event_record
from core.money import money
from notifications.services import notify
from payments import emails, policy, selectors
from payments.models import CENT, CreditUse, Package, PackagePurchase, Payment, Refund
from payments.providers import Card, Charge, ProviderError, get_provider
from schedule import services as schedule_services
from schedule.models import Booking
from schedule.services.errors import BookingError, require_verified_email

REFUND_KIND = "refund_issued"
PACKAGE_KIND = "package_bought"

FAILURES = {
    "card_declined": gettext_lazy("Your card was declined. Please try another card."),
    "insufficient_funds": gettext_lazy("Your card has insufficient funds. Please try another card."),
    "authentication_failed": gettext_lazy("Your bank did not confirm the payment. Please try again."),
    "unknown_card": gettext_lazy("This is a test processor: please use one of the test cards listed on this page."),
}


class PaymentError(Exception):
    """A refused or failed payment operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _unavailable() -> PaymentError:
    return PaymentError(_("The payment service did not answer. Nothing was charged; please try again."), "provider")


def split(amount: Decimal) -> tuple[Decimal, Decimal]:
    """(platform fee, mentor's share) of an amount: the fee is PAYMENTS_PLATFORM_FEE_PERCENT, rounded to cents."""
    fee = (amount * Decimal(settings.PAYMENTS_PLATFORM_FEE_PERCENT) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return fee, amount - fee


# --- Charging ---


def booking_pay(*, booking: Booking, payer: User, card: Card, idempotency_key: str, now=None) -> Payment:
    """
    Pay for a held session with a card. Success confirms the booking in the same transaction; the
    bank's extra step leaves the payment waiting (``payment_confirm``); a declined card raises
    PaymentError with the reason, and the hold stays until it runs out.
    """
    now = now or timezone.now()

    def start() -> Payment:
        locked = _held_booking(booking, payer=payer, now=now)
        profile = locked.mentor.mentor_profile
        price = profile.price if locked.price is None else locked.price  # the price it was held at
        fee, share = split(price)
        return Payment(
            payer=payer,
            mentor=locked.mentor,
            booking=locked,
            amount=price,
            currency=settings.BOOKING_CURRENCY,
            platform_fee=fee,
            mentor_share=share,
            policy=profile.cancellation_policy,
        )

    return _charge(start, card=card, payer=payer, idempotency_key=idempotency_key, now=now, target=booking)


def package_buy(*, package: Package, payer: User, card: Card, idempotency_key: str, now=None) -> Payment:
    """Buy a mentor's package: on success the client has its sessions as credits until it expires."""
    now = now or timezone.now()

    def start() -> Payment:
        locked = _package_on_offer(package.pk)
        if locked.mentor_id == payer.pk:
            raise PaymentError(_("You cannot buy your own package."), "own")
        try:  # the sessions are booked later, and booking needs a confirmed address: ask now
            require_verified_email(payer)
        except BookingError as error:
            raise PaymentError(error.message, error.code) from None
        fee, share = split(locked.price)
        return Payment(
            payer=payer,
            mentor=locked.mentor,
            package=locked,
            amount=locked.price,
            currency=settings.BOOKING_CURRENCY,
            platform_fee=fee,
            mentor_share=share,
            policy=locked.mentor.mentor_profile.cancellation_policy,
        )

    return _charge(start, card=card, payer=payer, idempotency_key=idempotency_key, now=now, target=package)


def _package_on_offer(package_id: int) -> Package:
    package = selectors.packages_on_offer().select_related("mentor__mentor_profile").filter(pk=package_id).first()
    if package is None:
        raise PaymentError(_("This package is no longer offered."), "unavailable")
    return package


def payment_confirm(*, payment: Payment, payer: User, now=None) -> Payment:
    """The bank's extra step was passed: finish the charge (once, however often it is retried)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().filter(pk=payment.pk, payer=payer).first()
            if locked is None:
                raise PaymentError(_("This payment does not exist."), "missing")
            if locked.status == Payment.Status.SUCCEEDED:
                return locked
            if locked.status != Payment.Status.REQUIRES_ACTION:
                raise PaymentError(_("This payment can no longer be confirmed. Please pay again."), "closed")
            if locked.booking_id:
                _held_booking(locked.booking, payer=payer, now=now)
            if locked.package_id:  # withdrawn (or its mentor gone) while the bank waited
                _package_on_offer(locked.package_id)
            charge = get_provider().confirm(reference=locked.reference, idempotency_key=f"{locked.idempotency_key}:c")
            _record(locked, charge, now=now)
    except ProviderError:
        raise _unavailable() from None
    except PaymentError as error:
        if error.code in ("expired", "unavailable"):  # the hold ran out, or the package went: the attempt is over
            Payment.objects.filter(pk=payment.pk, status=Payment.Status.REQUIRES_ACTION).update(
                status=Payment.Status.FAILED, failure=error.code
            )
        raise
    return _outcome(locked)


def payment_abandon(*, payment: Payment, payer: User) -> None:
    """The client gave up the bank's step: the attempt fails, and another card may be tried."""
    Payment.objects.filter(pk=payment.pk, payer=payer, status=Payment.Status.REQUIRES_ACTION).update(
        status=Payment.Status.FAILED, failure="authentication_failed"
    )


def _held_booking(booking: Booking, *, payer: User, now: dt.datetime) -> Booking:
    """The payer's hold, locked: still pending and within its time, or PaymentError."""
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mentor__mentor_profile", "slot", "mentee")
        .filter(pk=booking.pk, mentee=payer)
        .first()
    )
    if locked is None:
        raise PaymentError(_("This booking does not exist."), "missing")
    if locked.status == Booking.Status.CONFIRMED:
        raise PaymentError(_("This session is already paid for."), "paid")
    if locked.status != Booking.Status.PENDING or locked.hold_expires_at <= now:
        raise PaymentError(_("The time held for you ran out. Please choose the time again."), "expired")
    if not (locked.mentor.is_active and locked.mentor.is_mentor):  # they left, or stopped mentoring, meanwhile
        raise PaymentError(_("This mentor is no longer taking bookings. Nothing was charged."), "unavailable")
    return locked


def _close_bank_steps(booking: Booking) -> None:
    """Attempts of this booking still waiting for the bank are over: another card, or a credit, pays instead."""
    Payment.objects.filter(booking=booking, status=Payment.Status.REQUIRES_ACTION).update(
        status=Payment.Status.FAILED, failure="authentication_failed"
    )


def _charge(start, *, card: Card, payer: User, idempotency_key: str, now: dt.datetime, target) -> Payment:
    """
    The one way money is taken: an earlier attempt with this key is answered as it was; otherwise the
    payment row is written (its key unique), the processor asked, and the outcome recorded with its
    consequences, all in one transaction. A declined attempt is kept (for the ledger), then raised.
    """
    earlier = _earlier(idempotency_key, payer, target)
    if earlier is not None:
        return _outcome(earlier)
    try:
        with transaction.atomic():
            payment = start()
            if payment.booking_id:
                _close_bank_steps(payment.booking)
            payment.idempotency_key = idempotency_key
            payment.provider = get_provider().name
            payment.card = f"{card.brand} •••• {card.last4}"
            payment.created_at = now
            payment.save()
            charge = get_provider().charge(
                amount=payment.amount, currency=payment.currency, card=card, idempotency_key=idempotency_key
            )
            _record(payment, charge, now=now)
    except IntegrityError:  # the same form submitted twice at once, or another tab paid this session
        earlier = _earlier(idempotency_key, payer, target)
        if earlier is None:
            raise PaymentError(_("This session is already being paid for."), "paying") from None
        return _outcome(earlier)
    except PaymentError as error:
        earlier = _earlier(idempotency_key, payer, target)
        if error.code == "paid" and earlier is not None:  # this very form, sent at once: the first one paid
            return _outcome(earlier)
        raise
    except ProviderError:
        raise _unavailable() from None
    return _outcome(payment)


def _earlier(idempotency_key: str, payer: User, target) -> Payment | None:
    """The attempt this key already made; a key sent for something else is refused (a stale form)."""
    earlier = Payment.objects.filter(idempotency_key=idempotency_key, payer=payer).first()
    if earlier is not None and (earlier.booking_id, earlier.package_id) != (
        (target.pk, None) if isinstance(target, Booking) else (None, target.pk)
    ):
        raise PaymentError(_("Please reload the page and try again."), "stale_form")
    return earlier


def _outcome(payment: Payment) -> Payment:
    if payment.status == Payment.Status.FAILED:
        raise PaymentError(FAILURES.get(payment.failure, FAILURES["card_declined"]), payment.failure or "declined")
    return payment


def _record(payment: Payment, charge: Charge, *, now: dt.datetime) -> None:
    """Store the processor's answer; a success confirms what was paid for, here, in this transaction."""
    payment.reference = charge.reference
    if charge.status == Charge.FAILED:
        payment.status, payment.failure = Payment.Status.FAILED, charge.failure or "card_declined"
        payment.save(update_fields=["reference", "status", "failure"])
        return
    if charge.status == Charge.REQUIRES_ACTION:
        payment.status = Payment.Status.REQUIRES_ACTION
        payment.save(update_fields=["reference", "status"])
        return
    payment.status, payment.paid_at = Payment.Status.SUCCEEDED, now
    payment.invoice_number = f"INV-{now:%Y}-{payment.pk:06d}"
    payment.save(update_fields=["reference", "status", "paid_at", "invoice_number"])
    if payment.booking_id:
        try:
            schedule_services.booking_hold_confirm(booking=payment.booking, now=now)
        except BookingError as error:
            raise PaymentError(error.message, "expired") from None
    else:
        purchase = PackagePurchase.objects.create(
            package=payment.package,
            payment=payment,
            mentee=payment.payer,
            mentor=payment.mentor,
            sessions=payment.package.sessions,
            credits_left=payment.package.sessions,
            expires_at=now + dt.timedelta(days=settings.PACKAGE_VALID_DAYS),
            created_at=now,
        )
        notify(
            recipient=payment.mentor,
            kind=PACKAGE_KIND,
            params={"name": payment.payer.display_name, "package": payment.package.title},
            person=payment.payer,
            link=reverse("payments:earnings"),
        )
        payment.purchase = purchase
    emails.enqueue_receipt(payment)


# --- Package credits ---


def usable_purchase(*, mentee: User, mentor: User, now=None) -> PackagePurchase | None:
    """The package of this mentor the client would book with: the one that expires first."""
    now = now or timezone.now()
    return (
        PackagePurchase.objects.filter(
            mentee=mentee, mentor=mentor, credits_left__gt=0, refunded_at__isnull=True, expires_at__gt=now
        )
        .select_related("package")
        .order_by("expires_at", "pk")
        .first()
    )


def booking_pay_with_credit(*, booking: Booking, payer: User, now=None) -> CreditUse:
    """Confirm a held session with one credit of a package of its mentor (the one that expires first)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _held_booking(booking, payer=payer, now=now)
        purchase = usable_purchase(mentee=payer, mentor=locked.mentor, now=now)
        # A conditional update takes the credit: two sessions booked at once cannot share the last one.
        if purchase is None or not PackagePurchase.objects.filter(
            pk=purchase.pk, credits_left__gt=0, refunded_at__isnull=True
        ).update(credits_left=F("credits_left") - 1):
            raise PaymentError(_("You have no sessions left in a package of this mentor."), "no_credit")
        use = CreditUse.objects.create(purchase=purchase, booking=locked, used_at=now)
        _close_bank_steps(locked)
        try:
            schedule_services.booking_hold_confirm(booking=locked, now=now)
        except BookingError as error:
            raise PaymentError(error.message, "expired") from None
    return use


def package_refund_quote(*, purchase: PackagePurchase, now=None) -> Decimal:
    """
    What giving back the package's unused sessions would refund now (``PackagePurchase.unused_value``),
    or PaymentError saying why nothing can be: none left, already refunded, or expired.
    """
    if purchase.refunded_at is not None or purchase.credits_left == 0:
        raise PaymentError(_("This package has no unused sessions to refund."), "nothing")
    if purchase.expires_at <= (now or timezone.now()):
        raise PaymentError(_("This package has expired; its unused sessions can no longer be refunded."), "expired")
    return purchase.unused_value


def package_refund_unused(*, purchase: PackagePurchase, by: User, now=None) -> Refund | None:
    """Give back the unused sessions of a package, pro rata (rounded down to the cent), before it expires."""
    now = now or timezone.now()
    if by.pk != purchase.mentee_id and not by.is_staff:
        raise PaymentError(_("This is not your package."), "forbidden")
    with transaction.atomic():
        locked = PackagePurchase.objects.select_for_update().select_related("payment").get(pk=purchase.pk)
        amount = package_refund_quote(purchase=locked, now=now)
        refund = _package_refund(locked, amount, reason=Refund.Reason.UNUSED_CREDITS, now=now)
        if refund is not None and by.pk != purchase.mentee_id:  # staff, for the mentee
            event_record(
                action=Event.Action.PAYMENT_REFUND,
                actor=by,
                target=refund.payment,
                changes={
                    "amount": str(refund.amount),
                    "currency": refund.payment.currency,
                    "unused": locked.credits_left,
                },
                now=now,
            )
        return refund


def _package_refund(locked: PackagePurchase, amount: Decimal, *, reason: str, now: dt.datetime) -> Refund | None:
    """Close a locked purchase (no sessions left in it) and give ``amount`` back, once: one key per purchase."""
    PackagePurchase.objects.filter(pk=locked.pk).update(credits_left=0, refunded_at=now)
    return _refund(locked.payment, amount, reason=reason, key=f"package:{locked.pk}", now=now)


def on_person_left(*, user: User, now: dt.datetime) -> None:
    """
    Registered with accounts, after the schedule's part: a mentor who leaves gives each client back what
    their package has left (the sessions booked with its credits were just cancelled, so those credits
    are in it again), told as any refund is. A client who leaves keeps their own packages to refund until
    the account is erased; the leaving page says so. A refund that cannot be made stops the leaving.
    """
    purchases = PackagePurchase.objects.select_for_update(of=("self",)).select_related("payment__package")
    try:
        for locked in purchases.filter(
            mentor=user, credits_left__gt=0, refunded_at__isnull=True, expires_at__gt=now
        ).order_by("pk"):
            _package_refund(locked, locked.unused_value, reason=Refund.Reason.MENTOR_LEFT, now=now)
    except (PaymentError, ProviderError):
        raise AccountError(
            _(
                "Your clients' unused package sessions could not be refunded just now, so nothing was changed. "
                "Please try again in a minute."
            )
        ) from None


def package_save(*, mentor: User, title: str, sessions: int, price: Decimal, package: Package | None = None) -> Package:
    if not mentor.is_mentor:
        raise PaymentError(_("Only mentors offer packages."), "forbidden")
    package = package or Package(mentor=mentor)
    if package.mentor_id != mentor.pk:
        raise PaymentError(_("This is not your package."), "forbidden")
    _check_package_price(mentor, sessions=sessions, price=price)
    package.title, package.sessions, package.price = title.strip(), sessions, price
    package.full_clean(exclude=["mentor"])
    package.save()
    return package


def _check_package_price(mentor: User, *, sessions: int, price: Decimal) -> None:
    """A package sells paid sessions, for no more than they cost one by one (``selectors.packages_on_offer``)."""
    single = getattr(mentor, "mentor_profile", None)
    if single is None or not single.is_paid:
        raise PaymentError(_("Your sessions are free, so a package would sell nothing."), "too_dear")
    if price > sessions * single.price:
        # A package dearer than its sessions one by one would only catch a client who did not count.
        raise PaymentError(
            _("A package costs at most its sessions booked one by one: %(sessions)d × %(price)s = %(total)s.")
            % {"sessions": sessions, "price": money(single.price), "total": money(sessions * single.price)},
            "too_dear",
        )


def package_set_active(*, package: Package, mentor: User, active: bool) -> Package:
    if package.mentor_id != mentor.pk:
        raise PaymentError(_("This is not your package."), "forbidden")
    if active:  # offered again at today's price of a session
        _check_package_price(mentor, sessions=package.sessions, price=package.price)
    package.is_active = active
    package.save(update_fields=["is_active"])
    return package


# --- Refunds on cancellation and no-show ---


@dataclasses.dataclass(frozen=True)
class Quote:
    """What a cancellation would give back: money (``amount`` of ``paid``) or the package credit."""

    percent: int
    amount: Decimal
    paid: Decimal
    currency: str
    credit: bool  # the session was booked with a package credit
    reason: str

    @property
    def credit_back(self) -> bool:
        return self.credit and self.percent == 100

    @property
    def client_cancels(self) -> bool:
        """The client asks; otherwise the mentor or staff cancel and the quote speaks of the client's refund."""
        return self.reason == Refund.Reason.MENTEE_CANCELLED


def cancel_quote(*, booking: Booking, by: User, now=None, start: dt.datetime | None = None) -> Quote | None:
    """
    The refund cancelling ``booking`` now would make; None when it was not paid for. With ``start``, as
    if it began then (a time it may be moved to: the move keeps the refund cap, the policy counts anew).
    """
    now = now or timezone.now()
    mentee_cancels = by.pk == booking.mentee_id
    reason = Refund.Reason.MENTEE_CANCELLED if mentee_cancels else Refund.Reason.MENTOR_CANCELLED
    if not mentee_cancels and by.pk != booking.mentor_id:
        reason = Refund.Reason.STAFF_CANCELLED
    payment = Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED).first()
    use = None if payment else CreditUse.objects.select_related("purchase__payment").filter(booking=booking).first()
    if payment is None and use is None:
        return None
    terms, cap = (payment.policy, payment.refund_cap) if payment else (use.purchase.payment.policy, use.refund_cap)
    start = start or booking.slot.start
    percent = min(cap, policy.refund_percent(terms, start=start, at=now)) if mentee_cancels else 100
    if payment is None:
        return Quote(percent, Decimal(0), Decimal(0), use.purchase.payment.currency, True, reason)
    amount = min(policy.share_of(payment.amount, percent), payment.refundable)
    return Quote(percent, amount, payment.amount, payment.currency, False, reason)


def on_booking_cancelled(*, booking: Booking, by: User, now: dt.datetime) -> None:
    """
    Registered with the schedule: the refund the policy promised, in the cancellation's transaction.
    Staff cancelling for someone refund the client in full; that refund is in the audit log too.
    """
    quote = cancel_quote(booking=booking, by=by, now=now)
    if quote is None:
        return
    refund = _settle(booking, quote, now=now)
    if refund is not None and by.pk not in (booking.mentee_id, booking.mentor_id):
        event_record(
            action=Event.Action.PAYMENT_REFUND,
            actor=by,
            target=refund.payment,
            changes={"amount": str(refund.amount), "currency": refund.payment.currency, "booking": booking.pk},
            now=now,
        )


def on_booking_no_show(*, booking: Booking, by: User, now: dt.datetime) -> None:
    """Registered with the schedule: a mentor who did not come refunds in full (or gives the credit back)."""
    if booking.no_show != Booking.NoShow.MENTOR:
        return
    quote = cancel_quote(booking=booking, by=booking.mentor, now=now)
    if quote is not None:
        _settle(booking, dataclasses.replace(quote, reason=Refund.Reason.MENTOR_NO_SHOW), now=now)


def on_booking_moved(*, booking: Booking, by: User, previous_start: dt.datetime, now: dt.datetime) -> None:
    """Registered with the schedule: a client's move caps the refund at what cancelling then would give."""
    if by.pk != booking.mentee_id:
        return  # the mentor moving a session costs the client nothing
    payment = Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED).first()
    if payment is not None:
        cap = policy.refund_percent(payment.policy, start=previous_start, at=now)
        Payment.objects.filter(pk=payment.pk, refund_cap__gt=cap).update(refund_cap=cap)
    use = CreditUse.objects.select_related("purchase__payment").filter(booking=booking).first()
    if use is not None:
        cap = policy.refund_percent(use.purchase.payment.policy, start=previous_start, at=now)
        CreditUse.objects.filter(pk=use.pk, refund_cap__gt=cap).update(refund_cap=cap)


def on_hold_released(*, booking: Booking, now: dt.datetime) -> None:
    """Registered with the schedule: a hold ended unpaid, so its attempt waiting for the bank is over."""
    _close_bank_steps(booking)


def _settle(booking: Booking, quote: Quote, *, now: dt.datetime) -> Refund | None:
    """Money or the package credit back for a cancelled or missed session; the refund, when money went back."""
    try:
        if quote.credit:
            if quote.credit_back and CreditUse.objects.filter(booking=booking, returned_at__isnull=True).update(
                returned_at=now
            ):
                use = CreditUse.objects.select_related("purchase__payment").get(booking=booking)
                # Back into the package while it can still be used; a package refunded or expired meanwhile
                # gives the session's share in money instead (the conditional update decides, under its lock).
                if not PackagePurchase.objects.filter(
                    pk=use.purchase_id, refunded_at__isnull=True, expires_at__gt=now
                ).update(credits_left=F("credits_left") + 1):
                    purchase = use.purchase
                    share = (purchase.payment.amount / purchase.sessions).quantize(CENT, rounding=ROUND_DOWN)
                    payment = Payment.objects.select_for_update().get(pk=purchase.payment_id)
                    return _refund(payment, share, reason=quote.reason, key=f"credit:{booking.pk}", now=now)
            return None
        payment = Payment.objects.select_for_update().get(booking=booking, status=Payment.Status.SUCCEEDED)
        return _refund(payment, quote.amount, reason=quote.reason, key=f"booking:{booking.pk}", now=now)
    except (PaymentError, ProviderError, IntegrityError):
        raise BookingError(
            _("The refund could not be made just now, so nothing was changed. Please try again in a minute."),
            code="refund_failed",
        ) from None


def _refund(payment: Payment, amount: Decimal, *, reason: str, key: str, now: dt.datetime) -> Refund | None:
    """Give ``amount`` back on ``payment`` (never more than is left of it), split as it was paid."""
    amount = min(amount, payment.refundable)
    if amount <= 0:
        return None
    # The running total only rises by a conditional update: refunds at once can never pass what was paid.
    if not Payment.objects.filter(pk=payment.pk, refunded__lte=F("amount") - amount).update(
        refunded=F("refunded") + amount
    ):
        raise PaymentError(_("This payment has already been refunded."), "refunded")
    payment.refresh_from_db(fields=["refunded"])
    # The fee on everything refunded so far, less what earlier refunds gave back: rounding each refund on
    # its own could give back a cent more than the fee (0.50 and 49.50 of $50: 0.08 + 7.43 of 7.50).
    fee_so_far = (payment.refunded * payment.platform_fee / payment.amount).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = fee_so_far - (Refund.objects.filter(payment=payment).aggregate(given=Sum("platform_fee"))["given"] or 0)
    reference = get_provider().refund(
        reference=payment.reference, amount=amount, currency=payment.currency, idempotency_key=key
    )
    refund = Refund.objects.create(
        payment=payment,
        amount=amount,
        platform_fee=fee,
        mentor_share=amount - fee,
        reason=reason,
        idempotency_key=key,
        reference=reference,
        created_at=now,
    )
    emails.enqueue_refund(refund)
    params = {"amount": str(amount), "currency": payment.currency}
    person, link = None, reverse("payments:list")
    if payment.booking_id:  # which session it was for, and its page, which says what came back
        booking = payment.booking
        params.update(name=booking.mentor.display_name, start=booking.slot.start.isoformat())
        person, link = booking.mentor, booking.get_absolute_url()
    elif payment.package_id:
        params.update(package=payment.package.title)
    notify(recipient=payment.payer, kind=REFUND_KIND, params=params, link=link, person=person)
    return refund
