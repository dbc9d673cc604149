"""
A review is the client's rating (1 to 5) and optional words about one session that took place: one per
booking (a unique constraint), the rating range a check constraint. The mentor may answer once, in
public. Staff hide a review with a reason rather than delete it; every hide and unhide is logged
(``ReviewModeration``), and a hidden review counts in no average.

``ReviewInvitation`` is the "how was your session?" email and notification, one per booking: the row
is inserted in the same transaction as the email, and its unique booking makes a second scheduler
unable to send it again.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.models import Booking

RATING_MIN, RATING_MAX = 1, 5
TEXT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 300


class Review(models.Model):
    # PROTECT: a reviewed session's record is part of a mentor's public history and of the moderation
    # audit; people who leave are anonymised, never deleted, so nothing in the site's flows deletes it.
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="review", verbose_name=_("session"))
    # The booking's two sides, copied so "reviews of this mentor" is one indexed filter.
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews_written",
        verbose_name=_("client"),
        editable=False,
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews_received",
        verbose_name=_("mentor"),
        editable=False,
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    text = models.TextField(_("review"), blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"))
    # The mentor's public answer, once.
    reply = models.TextField(_("mentor's reply"), blank=True, max_length=TEXT_MAX_LENGTH)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    # Hidden by staff: off the mentor's page and out of the average, kept with the reason.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=REASON_MAX_LENGTH, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX), name="reviews_review_rating_1_to_5"
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="reviews_review_not_of_self"),
            models.CheckConstraint(
                condition=Q(reply="", replied_at__isnull=True) | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="reviews_review_reply_has_time",
            ),
            models.CheckConstraint(
                condition=Q(is_hidden=False, hidden_at__isnull=True, hidden_reason="")
                | (Q(is_hidden=True, hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="reviews_review_hidden_has_reason",
            ),
        ]
        indexes = [
            # The mentor page's list: visible reviews of one mentor, newest first.
            models.Index(
                fields=["mentor", "-created_at"], condition=Q(is_hidden=False), name="reviews_visible_by_mentor"
            ),
            models.Index(fields=["-created_at"], name="reviews_review_newest"),
        ]

    def __str__(self):  # the audit log keeps it as written: no words, so it reads in any language
        return f"{self.rating}★ · #{self.booking_id}"


class ReviewModeration(models.Model):
    """One hide or unhide of a review by staff, with the reason: the review's moderation history."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Shown again")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moderations", verbose_name=_("review"))
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review moderation")
        verbose_name_plural = _("review moderations")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="reviews_moderation_has_reason")]

    def __str__(self):
        return f"{self.action} review {self.review_id}"


class ReviewReport(models.Model):
    """One side of the session asks staff to look at its review (or at the mentor's reply); once each."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports", verbose_name=_("review"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("reported"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [
            models.UniqueConstraint(fields=["review", "reporter"], name="reviews_report_once_per_reporter"),
        ]

    def __str__(self):
        return f"report on review {self.review_id} by {self.reporter_id}"


class ReviewInvitation(models.Model):
    """The client was asked to review this session: exactly once per booking (the unique booking)."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="review_invitation", verbose_name=_("session")
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")

    def __str__(self):
        return f"invitation for booking {self.booking_id}"
