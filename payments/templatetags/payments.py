"""
What the schedule's and the directory's pages show of payments, without those apps importing this one:
the policy before booking, the exact refund on the cancel page, what a session cost and what came back
on its page, a mentor's packages on their page.
"""

from django import template
from django.utils import timezone

from payments import policy, selectors, services

register = template.Library()


@register.inclusion_tag("payments/_policy.html")
def cancellation_policy(profile):
    """The refund terms of a paid mentor, as sentences (nothing for a free one)."""
    return {"lines": policy.describe(profile.cancellation_policy) if profile.is_paid else []}


@register.inclusion_tag("payments/_refund_quote.html")
def refund_quote(booking, user):
    """ "You will get back 25.00 USD": what cancelling now gives back, before the button is pressed."""
    return {"quote": services.cancel_quote(booking=booking, by=user, now=timezone.now())}


@register.inclusion_tag("payments/_booking_payment.html")
def booking_payment(booking, user):
    """
    On the client's booking page: what they paid, or the package session it used, and what came back
    (one query; two for a session paid with a package). Nothing for the mentor, nor for a free session
    (no price was held for it): no query.
    """
    if user.pk != booking.mentee_id or booking.price is None:
        return {}
    payment = selectors.booking_payment(booking=booking)
    return {"payment": payment, "credit": None if payment else selectors.booking_credit(booking=booking)}


@register.inclusion_tag("payments/_package_credit_note.html")
def package_credit_note(mentor, user):
    """Before a paid booking: the client's package of this mentor with sessions left, used at the next step."""
    purchase = None
    if user.is_authenticated and mentor.mentor_profile.is_paid:
        purchase = services.usable_purchase(mentee=user, mentor=mentor)
    return {"purchase": purchase}


@register.inclusion_tag("payments/_move_refund_note.html")
def move_refund_note(booking, user, chosen=None):
    """
    Before a client moves a paid session: the move keeps the refund that cancelling now would give
    (``services.on_booking_moved``), said when that is less than all of it; and, once a new time is
    ``chosen``, what cancelling it would give when it is so much sooner that the policy gives less.
    Nothing for the mentor.
    """
    if user.pk != booking.mentee_id:
        return {}
    now = timezone.now()
    quote = services.cancel_quote(booking=booking, by=user, now=now)
    after = None
    if quote is not None and chosen:
        after = services.cancel_quote(booking=booking, by=user, now=now, start=chosen.start)
    return {
        "quote": quote if quote is not None and quote.percent < 100 else None,
        "after": after if after is not None and after.percent < quote.percent else None,
    }


@register.inclusion_tag("payments/_packages.html", takes_context=True)
def mentor_packages(context, mentor):
    """The packages a mentor offers, with a Buy button (one query)."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        "packages": list(selectors.packages_on_offer().filter(mentor=mentor)),
        "mentor": mentor,
        "is_own": viewer is not None and viewer.pk == mentor.pk,
    }
