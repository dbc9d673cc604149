"""
Review pages. A session's review page opens only for the two people of the session (anyone else's is a
404); whether the viewer may write one is ``selectors.review_refusal``'s to say, and the service says it
again under the booking's lock. Replies and reports are POSTed from the mentor page, the booking page
or "My reviews", and return there (``next``, a path on this site). Staff pages are routed under
/dashboard/ (staff with a second factor only).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import mentor_required, permission_required
from reviews import selectors, services
from reviews.forms import ModerationForm, ReplyForm, ReportForm, ReviewForm, StaffReviewFilterForm
from reviews.models import Review


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, booking_pk):
    """The client's review of a session: stars and optional words. Refused: explained on the booking page."""
    from schedule.selectors import bookings_for_user  # a read of the app below

    booking = get_object_or_404(bookings_for_user(user=request.user).select_related("mentor"), pk=booking_pk)
    refusal = selectors.review_refusal(booking=booking, user=request.user)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect(booking)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                booking=booking, by=request.user, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"]
            )
        except services.ReviewError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your review! It is now on the mentor's page."))
        return redirect(booking)
    context = {
        "booking": booking,
        "slot": booking.slot,
        "mentor": booking.mentor,
        "form": form,
        "deadline": selectors.review_deadline(booking),
    }
    return render(request, "reviews/review_form.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def review_reply(request, pk):
    """The mentor's one public reply to a review of their session."""
    review = get_object_or_404(Review, pk=pk, mentor=request.user)
    form = ReplyForm(request.POST)
    if not form.is_valid():  # the words kept, on a page of their own: the reply form folds away on its page
        return _retry(request, review, form, default=reverse("reviews:mine"))
    try:
        services.review_reply(review=review, by=request.user, text=form.cleaned_data["reply"])
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your reply is published under the review."))
    return redirect(f"{form.back(reverse('reviews:mine'))}#review-{review.pk}")


@login_required
@require_POST
def review_report(request, pk):
    """Either side of the session asks staff to look at its review."""
    review = selectors.review_of_participant(pk=pk, user=request.user)
    if review is None:
        raise Http404
    form = ReportForm(request.POST)
    default = reverse("schedule:booking_detail", args=[review.booking_id])
    if not form.is_valid():
        return _retry(request, review, form, default=default)
    try:
        services.review_report(review=review, by=request.user, reason=form.cleaned_data["reason"])
    except services.ReviewError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Staff will look at this review."))
    return redirect(f"{form.back(default)}#review-{review.pk}")


def _retry(request, review, form, *, default: str):
    """A refused reply or report again, with its error and the words written, and the way back."""
    return render(
        request,
        "reviews/review_retry.html",
        {"review": review, "form": form, "back": f"{form.back(default)}#review-{review.pk}"},
        status=400,
    )


@mentor_required
@require_GET
def review_list_mine(request):
    """ "My reviews": every review of the mentor's sessions (hidden ones marked), with the reply form."""
    page = Paginator(selectors.reviews_received(mentor=request.user), selectors.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/review_list_mine.html",
        {"page": page, "reply_form": ReplyForm(), "report_form": ReportForm(), "back": request.get_full_path()},
    )


# --- Staff (routed under /dashboard/) ---


@permission_required("view_dashboard", "moderate_content")
@require_GET
def staff_review_list(request):
    """Every review, filtered by shown/hidden and reported, newest first."""
    form = StaffReviewFilterForm(request.GET)
    filters = form.values()
    reviews = selectors.reviews_for_staff(hidden=filters["hidden"], reported=filters["reported"])
    page = Paginator(reviews, selectors.STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dashboard/review_list.html", {"page": page, "form": form, "querystring": query.urlencode()})


def _staff_review_or_404(pk) -> Review:
    review = selectors.review_for_staff(pk)
    if review is None:
        raise Http404
    return review


@permission_required("view_dashboard", "moderate_content")
@require_GET
def staff_review_detail(request, pk):
    """One review with its session, reports and moderation history, and the hide or show-again form."""
    review = _staff_review_or_404(pk)
    return render(request, "dashboard/review_detail.html", {"review": review, "form": ModerationForm()})


def _moderate(request, pk, service, success_message):
    """Hide or show again; a refused reason comes back in its form, as typed (400), not lost in a redirect."""
    review = get_object_or_404(Review, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        context = {"review": _staff_review_or_404(pk), "form": form}
        return render(request, "dashboard/review_detail.html", context, status=400)
    try:
        service(review=review, by=request.user, reason=form.cleaned_data["reason"])
    except services.ReviewError as error:  # the review changed meanwhile (hidden already, say)
        messages.error(request, error.message)
    else:
        messages.success(request, success_message)
    return redirect("dashboard:review_detail", pk=review.pk)


@permission_required("moderate_content")
@require_POST
def staff_review_hide(request, pk):
    return _moderate(request, pk, services.review_hide, _("The review is hidden and no longer counts in the rating."))


@permission_required("moderate_content")
@require_POST
def staff_review_unhide(request, pk):
    return _moderate(request, pk, services.review_unhide, _("The review is shown again and counts in the rating."))
