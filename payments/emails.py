"""Receipts and refund notices: rendered when they are queued (the ledger row never changes afterwards)."""

from django.urls import reverse

from core.mail import RECEIPT, REFUND
from payments.models import Payment, Refund
from schedule.emails import enqueue_rendered


def enqueue_receipt(payment: Payment) -> None:
    enqueue_rendered(
        kind=RECEIPT,
        template=RECEIPT,
        recipient=payment.payer,
        context={"payment": payment, "payments_url": reverse("payments:list")},
    )


def enqueue_refund(refund: Refund) -> None:
    enqueue_rendered(
        kind=REFUND,
        template=REFUND,
        recipient=refund.payment.payer,
        context={"refund": refund, "payment": refund.payment, "payments_url": reverse("payments:list")},
    )
