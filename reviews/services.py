"""
State changes of reviews. Every refusal is a ReviewError with a translated message, raised before
anything is stored.

A mentor's rating (``MentorProfile.rating_average`` and ``review_count``) is recomputed from the visible
reviews in the same transaction as every change that moves it (a review written, hidden or shown
again), under a lock on the profile row, so two changes at once cannot leave a stale average; the
mentor directory and the mentor page, which show it, are told after the commit (``directory.changed``).

The invitation job claims each session by inserting its ``ReviewInvitation`` (unique per booking) in
the transaction that queues the email and the notification: two schedulers at once send one.
"""

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import directory
from accounts.models import MentorProfile, User
from accounts.selectors import has_verified_email
from audit.models import Event
from audit.services import event_record
from notifications.selectors import wants_email
from notifications.services import notify
from reviews import INVITATION_KIND, MODERATED_KIND, RECEIVED_KIND, REPLIED_KIND, emails, selectors
from reviews.errors import ReviewError
from reviews.models import (
    RATING_MAX,
    RATING_MIN,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Review,
    ReviewInvitation,
    ReviewModeration,
    ReviewReport,
)
from schedule.models import Booking

__all__ = [
    "INVITE_AFTER",
    "INVITE_PER_RUN",
    "ReviewError",
    "check_reason",
    "check_text",
    "mentor_ratings_refresh",
    "no_show_refusal",
    "on_person_erased",
    "review_create",
    "review_hide",
    "review_invitations_send",
    "review_reply",
    "review_report",
    "review_unhide",
]

logger = logging.getLogger(__name__)

INVITE_AFTER = dt.timedelta(minutes=10)  # the client is asked this long after the end, not while leaving the call
INVITE_WITHIN = dt.timedelta(days=3)  # sessions that ended longer ago are not asked by email
INVITE_PER_RUN = 500  # one run of the job is bounded; the rest wait for the next
TWO_PLACES = Decimal("0.01")


# --- Checks shared with the forms ---


def check_rating(rating) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise ReviewError(
            _("Please choose from %(min)d to %(max)d stars.") % {"min": RATING_MIN, "max": RATING_MAX}, code="rating"
        )
    return rating


def check_text(text: str, *, required: bool = False, limit: int = TEXT_MAX_LENGTH) -> str:
    """The text as it is stored (trimmed), or ReviewError for a missing or too long one."""
    text = (text or "").strip()
    if required and not text:
        raise ReviewError(_("Please write a few words."), code="empty")
    if len(text) > limit:
        raise ReviewError(
            ngettext(
                "Please keep it under %(limit)d character (this has %(length)d).",
                "Please keep it under %(limit)d characters (this has %(length)d).",
                limit,
            )
            % {"limit": limit, "length": len(text)},
            code="too_long",
        )
    return text


def check_reason(reason: str) -> str:
    """A report's or a moderation's reason: required, short."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Please say briefly why."), code="empty")
    return check_text(reason, limit=REASON_MAX_LENGTH)


# --- The mentor's rating ---


def _rating_refresh(mentor_id: int) -> None:
    """Recompute one mentor's average and count from the visible reviews, under the profile's lock."""
    profile_id = (
        MentorProfile.objects.select_for_update().filter(user_id=mentor_id).values_list("pk", flat=True).first()
    )
    if profile_id is None:  # a mentor without a public profile has no rating to show
        return
    totals = Review.objects.filter(mentor_id=mentor_id, is_hidden=False).aggregate(
        total=Sum("rating"), count=Count("pk")
    )
    count = totals["count"]
    average = (Decimal(totals["total"]) / count).quantize(TWO_PLACES, ROUND_HALF_UP) if count else None
    MentorProfile.objects.filter(pk=profile_id).update(rating_average=average, review_count=count)
    directory.changed()


def mentor_ratings_refresh(*, mentor_ids) -> int:
    """Recompute the ratings of these mentors (after reviews were written in bulk: seeding, imports)."""
    refreshed = 0
    for mentor_id in sorted(set(mentor_ids)):
        with transaction.atomic():
            _rating_refresh(mentor_id)
        refreshed += 1
    return refreshed


# --- Writing, replying, reporting ---


def review_create(*, booking: Booking, by: User, rating: int, text: str = "", now: dt.datetime | None = None) -> Review:
    """
    The client reviews a session that took place (``selectors.review_refusal`` holds the rule), once,
    within REVIEW_WINDOW_DAYS of its end. The mentor is notified and their rating moves at once.
    """
    now = now or timezone.now()
    rating = check_rating(rating)
    text = check_text(text)
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot", "mentee", "mentor")
            .filter(pk=booking.pk)
            .first()
        )
        if locked is None:
            raise ReviewError(_("This session no longer exists."), code="gone")
        refusal = selectors.review_refusal(booking=locked, user=by, now=now)
        if refusal is not None:
            raise refusal
        review = Review(
            booking=locked, mentee=locked.mentee, mentor=locked.mentor, rating=rating, text=text, created_at=now
        )
        review.full_clean(validate_unique=False)  # the unique booking is the database's to enforce, below
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # the same client, a moment ago (a double click on two tabs)
            raise ReviewError(_("You have already reviewed this session."), code="already") from None
        _rating_refresh(locked.mentor_id)
        directory.changed(directory.user_namespace(locked.mentee_id))  # "Leave a review" leaves their history
        notify(
            recipient=locked.mentor,
            kind=RECEIVED_KIND,
            params={"name": locked.mentee.display_name, "rating": rating},
            person=locked.mentee,
            link=f"{reverse('reviews:mine')}#review-{review.pk}",  # the newest: on the first page, no count
        )
    return review


def review_reply(*, review: Review, by: User, text: str, now: dt.datetime | None = None) -> Review:
    """The mentor answers a review of their session, in public, once; the client is notified (in the app)."""
    now = now or timezone.now()
    if by.pk != review.mentor_id:
        raise ReviewError(_("Only the mentor of this session can reply to its review."), code="not_mentor")
    text = check_text(text, required=True)
    with transaction.atomic():
        if not Review.objects.filter(pk=review.pk, reply="").update(reply=text, replied_at=now):
            raise ReviewError(_("You have already replied to this review."), code="already")
        directory.changed()  # the mentor page shows replies, and is cached for visitors
        if review.mentee.is_active:
            notify(
                recipient=review.mentee,
                kind=REPLIED_KIND,
                params={"name": by.display_name},
                person=by,
                link=f"{reverse('schedule:booking_detail', args=[review.booking_id])}#review-{review.pk}",
            )
    review.reply, review.replied_at = text, now
    return review


def review_report(*, review: Review, by: User, reason: str, now: dt.datetime | None = None) -> ReviewReport:
    """
    Either side of the session asks staff to look at its review: the mentor at the review, the client
    at the mentor's reply (so not before there is one); once each. Staff decide whether to hide it.
    """
    if by.pk not in (review.mentee_id, review.mentor_id):
        raise ReviewError(_("Only the two people of this session can report its review."), code="not_participant")
    if by.pk == review.mentee_id and not review.reply:
        raise ReviewError(_("There is no reply to report: these are your own words."), code="no_reply")
    reason = check_reason(reason)
    if ReviewReport.objects.filter(review=review, reporter=by).exists():
        raise ReviewError(_("You have already reported this review."), code="already")
    report = ReviewReport(review=review, reporter=by, reason=reason, created_at=now or timezone.now())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ReviewError(_("You have already reported this review."), code="already") from None
    return report


# --- Moderation ---


def _require_staff(user: User) -> None:
    if not user.has_staff_perm("moderate_content"):
        raise ReviewError(_("Only staff can moderate reviews."), code="forbidden")


def _locked(review: Review) -> Review:
    """The review's row, locked until the transaction ends: two staff members acting at once take turns."""
    return Review.objects.select_for_update().get(pk=review.pk)


def review_hide(*, review: Review, by: User, reason: str, now: dt.datetime | None = None) -> Review:
    """Staff take a review off the mentor's page and out of the average, with a reason that is kept."""
    now = now or timezone.now()
    _require_staff(by)
    reason = check_reason(reason)
    with transaction.atomic():
        locked = _locked(review)  # saved, not updated in bulk: the change log records the change too
        if locked.is_hidden:
            raise ReviewError(_("This review is already hidden."), code="already")
        locked.is_hidden, locked.hidden_reason, locked.hidden_by, locked.hidden_at = True, reason, by, now
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        _log(review=review, action=ReviewModeration.Action.HIDE, reason=reason, by=by, now=now)
        event_record(action=Event.Action.REVIEW_HIDE, actor=by, target=review, changes={"reason": reason}, now=now)
        _rating_refresh(review.mentor_id)
        _tell_moderated(review, hidden=True, reason=reason)
    review.is_hidden, review.hidden_reason, review.hidden_by, review.hidden_at = True, reason, by, now
    return review


def review_unhide(*, review: Review, by: User, reason: str, now: dt.datetime | None = None) -> Review:
    """Staff show a hidden review again; the reason joins its moderation history."""
    now = now or timezone.now()
    _require_staff(by)
    reason = check_reason(reason)
    with transaction.atomic():
        locked = _locked(review)
        if not locked.is_hidden:
            raise ReviewError(_("This review is not hidden."), code="not_hidden")
        locked.is_hidden, locked.hidden_reason, locked.hidden_by, locked.hidden_at = False, "", None, None
        locked.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        _log(review=review, action=ReviewModeration.Action.UNHIDE, reason=reason, by=by, now=now)
        event_record(action=Event.Action.REVIEW_UNHIDE, actor=by, target=review, changes={"reason": reason}, now=now)
        _rating_refresh(review.mentor_id)
        _tell_moderated(review, hidden=False, reason=reason)
    review.is_hidden, review.hidden_reason, review.hidden_by, review.hidden_at = False, "", None, None
    return review


def _tell_moderated(review: Review, *, hidden: bool, reason: str) -> None:
    """Both people of the session learn what staff did with its review, and why (in the app)."""
    mentee, mentor = review.mentee, review.mentor
    sides = (
        (mentee, mentor, f"{reverse('schedule:booking_detail', args=[review.booking_id])}#review-{review.pk}"),
        (mentor, mentee, selectors.my_reviews_url(review)),
    )
    for recipient, other, link in sides:
        if recipient.is_active:
            notify(
                recipient=recipient,
                kind=MODERATED_KIND,
                params={"name": other.display_name, "reason": reason, "hidden": hidden, "yours": recipient == mentee},
                person=other,
                link=link,
            )


def _log(*, review: Review, action: str, reason: str, by: User, now: dt.datetime) -> ReviewModeration:
    entry = ReviewModeration(review=review, action=action, reason=reason, by=by, created_at=now)
    entry.full_clean()
    entry.save()
    return entry


# --- Invitations ---


def review_invitations_send(*, now: dt.datetime | None = None) -> int:
    """
    Ask each client how their session went, once: sessions that took place (confirmed, no no-show),
    ended at least INVITE_AFTER and at most INVITE_WITHIN ago (and within REVIEW_WINDOW_DAYS), neither
    invited nor reviewed yet.
    Each is claimed and sent in its own transaction; a failure is logged and tried again next run.
    Returns how many clients were invited.
    """
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            no_show="",
            slot__end__lte=now - INVITE_AFTER,
            # Asked soon after, or not at all (the booking page still offers it within the window): the
            # first run after a deploy does not mail every session of the past month.
            slot__end__gt=now - min(selectors.window(), INVITE_WITHIN),
            review_invitation__isnull=True,
            review__isnull=True,
        )
        .order_by("slot__end", "pk")
        .values_list("pk", flat=True)[:INVITE_PER_RUN]
    )
    invited = 0
    for pk in list(due):
        try:
            invited += _invite(pk, now=now)
        except Exception:  # one session's failure must not stop the others
            logger.exception("Review invitation failed for booking %s; tried again next run", pk)
    return invited


def _invite(pk: int, *, now: dt.datetime) -> int:
    with transaction.atomic():
        booking = Booking.objects.select_related("slot", "mentee", "mentor").filter(pk=pk).first()
        # Re-checked in this transaction: cancelled, reported as missed or reviewed meanwhile.
        if booking is None or selectors.review_refusal(booking=booking, user=booking.mentee, now=now) is not None:
            return 0
        try:
            with transaction.atomic():
                ReviewInvitation.objects.create(booking=booking, sent_at=now)
        except IntegrityError:  # another scheduler claimed it a moment ago: it sends
            return 0
        mentee = booking.mentee
        if not mentee.is_active:  # leaving the platform: claimed, so never asked later either
            return 0
        notify(
            recipient=mentee,
            kind=INVITATION_KIND,
            params={"name": booking.mentor.display_name},
            person=booking.mentor,
            link=reverse("reviews:create", args=[booking.pk]),
        )
        if wants_email(mentee, INVITATION_KIND) and has_verified_email(mentee):
            emails.enqueue_invitation(booking=booking)
    return 1


def user_reviews_erase(*, user: User) -> None:
    """
    Leaving (called when the account is anonymised): the words the person wrote go (their reviews as a
    client, their replies as a mentor, their reasons for reporting); the ratings stay, signed "Deleted
    user", so every mentor's average is unchanged.
    """
    Review.objects.filter(mentee=user).exclude(text="").update(text="")
    Review.objects.filter(mentor=user).exclude(reply="").update(reply="", replied_at=None)
    ReviewReport.objects.filter(reporter=user).exclude(reason="").update(reason="")


def on_person_erased(*, user: User, **_facts) -> None:
    """``accounts.hooks.PERSON_ERASED``."""
    user_reviews_erase(user=user)


def no_show_refusal(*, booking: Booking, **_facts) -> str | None:
    """
    ``schedule.hooks.NO_SHOW_REFUSAL``: a reviewed session took place, by its client's own word, so
    neither side reports it missed any more (nor is it refunded as one). Asked under the booking's
    lock, which ``review_create`` takes too: a review and a report never both land.
    """
    if Review.objects.filter(booking_id=booking.pk).exists():
        return _("This session has been reviewed, so it took place: it can no longer be reported as missed.")
    return None
