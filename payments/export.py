"""The payments' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in two queries."""

from django.db.models import Q

from accounts.models import User
from core.exports import utc
from payments.models import PackagePurchase, Payment


def person_sections(*, user: User, **_facts) -> dict:
    """Payments made and received (the card only on one's own), and the packages bought."""
    payments = Payment.objects.filter(Q(payer=user) | Q(mentor=user)).select_related("payer", "mentor").order_by("pk")
    purchases = PackagePurchase.objects.filter(mentee=user).select_related("package", "mentor").order_by("pk")
    return {
        "payments": [
            {
                "direction": "paid" if p.payer_id == user.pk else "received",
                "other_person": (p.mentor if p.payer_id == user.pk else p.payer).display_name,
                "for": "session" if p.booking_id else "package",
                "amount": str(p.amount),
                "currency": p.currency,
                "refunded": str(p.refunded),
                "status": p.status,
                "card": p.card if p.payer_id == user.pk else "",
                "invoice_number": p.invoice_number,
                "created_at": utc(p.created_at),
            }
            for p in payments
        ],
        "packages_bought": [
            {
                "mentor": purchase.mentor.display_name,
                "title": purchase.package.title,
                "sessions": purchase.sessions,
                "sessions_left": purchase.credits_left,
                "expires_at": utc(purchase.expires_at),
                "refunded_at": utc(purchase.refunded_at),
            }
            for purchase in purchases
        ],
    }
