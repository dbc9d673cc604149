"""
``{% load reviews %}``: what pages of lower apps show about reviews without importing this app (see
ARCHITECTURE.md): ``{% booking_review booking %}`` on a booking page, ``{% mentor_reviews profile %}`` on a
mentor page, and ``|reviewer``, the name a review is signed with.
"""

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reviews import selectors
from reviews.forms import ReplyForm, ReportForm
from reviews.models import RATING_MAX

register = template.Library()

PAGE_PARAMETER = "reviews"  # ?reviews=2: the mentor page's page of reviews (part of its cache key)
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")


@register.filter
def reviewer(user) -> str:
    """
    A review is signed with the client's first name and the initial of their last name ("Petro S."):
    enough to be a real person, not enough to find them. No first name: "A client".
    """
    return user.short_name or _("A client")


_FILLED_STAR = '<i class="bi bi-star-fill"></i>'
_EMPTY_STAR = '<i class="bi bi-star"></i>'


@register.simple_tag
def stars(rating: int) -> str:
    """
    A review's rating as five stars, filled up to ``rating``; screen readers hear "Rated 4 out of 5.".
    Built here rather than in a template: a list of reviews draws one per review.
    """
    rating = int(rating)
    return format_html(
        '<span class="stars" aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        # the two star strings are our own markup, repeated: nothing in them comes from a person
        mark_safe(_FILLED_STAR * rating + _EMPTY_STAR * (RATING_MAX - rating)),
        _("Rated %(rating)s out of 5.") % {"rating": rating},
    )


def page_number(request) -> int:
    """The page of reviews asked for (``?reviews=``), or the first: a bad value is ignored."""
    value = request.GET.get(PAGE_PARAMETER, "") if request is not None else ""
    return int(value) if _PAGE_NUMBER.fullmatch(value) else 1


@register.inclusion_tag("reviews/_booking_review.html", takes_context=True)
def booking_review(context, booking):
    """The booking page's review part: the review if there is one, else "Leave a review" for its client."""
    request = context.get("request")
    state = selectors.booking_review(booking=booking, viewer=request.user)
    return {
        "booking": booking,
        "state": state,
        "review": state.review,
        "user": request.user,
        "reply_form": ReplyForm(),
        "report_form": ReportForm(),
        "back": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def reviewable_bookings(context, bookings) -> frozenset[int]:
    """``{% reviewable_bookings page.object_list as reviewable %}``: the ids the viewer may still review."""
    request = context.get("request")
    return selectors.reviewable_ids(bookings=bookings, viewer=request.user) if request is not None else frozenset()


@register.inclusion_tag("reviews/_mentor_reviews.html", takes_context=True)
def mentor_reviews(context, profile):
    """
    The mentor page's reviews: average and count (on the profile: no query) and one page of visible
    reviews with the mentor's replies (one query). Its mentor may reply; either side may report.
    """
    request = context.get("request")
    viewer = request.user if request is not None else None
    page = None
    if profile.review_count:
        page = selectors.mentor_review_page(profile=profile, number=page_number(request), viewer=viewer)
    back = f"{profile.get_absolute_url()}?{PAGE_PARAMETER}={page.number}" if page else profile.get_absolute_url()
    return {
        "profile": profile,
        "page": page,
        "user": viewer,
        "reply_form": ReplyForm(),
        "report_form": ReportForm(),
        "back": back,
        "page_parameter": PAGE_PARAMETER,
        "csrf_token": context.get("csrf_token"),
    }
