import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

JOIN_EARLY = dt.timedelta(minutes=10)


class Slot(models.Model):
    """
    A window of a mentor's time. On PostgreSQL an exclusion constraint (migration 0002) also forbids
    two overlapping slots of one mentor; on SQLite ``services.slot_create`` enforces the same rule.
    """

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        BOOKED = "booked", _("Booked")
        HIDDEN = "hidden", _("Hidden")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="slots", verbose_name=_("mentor")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="schedule_slot_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["mentor", "start"], name="schedule_slot_mentor_start"),
            models.Index(fields=["status", "start"], name="schedule_slot_status_start"),
            models.Index(fields=["start"], name="schedule_slot_start"),
        ]

    def __str__(self):
        return f"{self.mentor} {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def is_past(self) -> bool:
        return self.start <= timezone.now()


class Booking(models.Model):
    """A mentee's claim on a slot. Cancelled bookings are kept for history."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot"))
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("mentee")
    )
    # The slot's mentor, copied so "bookings I take part in" is one indexed OR on this table.
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_bookings",
        verbose_name=_("mentor"),
        editable=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    note = models.TextField(_("what would you like to discuss"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancel_reason = models.TextField(_("cancellation reason"), blank=True, max_length=1000)
    # Bumped on every change so calendar clients apply updates (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    # Moves to another time (bounded by BOOKING_MAX_RESCHEDULES); the last one's moment.
    reschedule_count = models.PositiveSmallIntegerField(_("times moved"), default=0)
    rescheduled_at = models.DateTimeField(_("last moved at"), null=True, blank=True)
    # Where the session happens, fixed when it is booked: the mentor's own link or a private room.
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status="confirmed"),
                name="schedule_booking_one_confirmed_per_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["mentee", "status"], name="schedule_booking_mentee_st"),
            models.Index(fields=["mentor", "status"], name="schedule_booking_mentor_st"),
            models.Index(fields=["status", "created_at"], name="schedule_booking_status_time"),
            models.Index(fields=["created_at"], name="schedule_booking_created"),
        ]

    def __str__(self):
        return f"{self.mentee} → {self.slot}"

    def get_absolute_url(self):
        return reverse("schedule:booking_detail", kwargs={"pk": self.pk})

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_completed(self) -> bool:
        return self.is_confirmed and self.slot.end <= timezone.now()

    @property
    def is_upcoming(self) -> bool:
        return self.is_confirmed and self.slot.start > timezone.now()

    @property
    def display_status(self) -> str:
        if self.is_completed:
            return _("Completed")
        return self.get_status_display()

    @property
    def agreed_at(self) -> dt.datetime:
        """When the current time was agreed: booked, or last moved."""
        return self.rescheduled_at or self.created_at

    @property
    def can_join(self) -> bool:
        """The Join button shows from 10 minutes before the start until the end."""
        now = timezone.now()
        return self.is_confirmed and self.slot.start - JOIN_EARLY <= now < self.slot.end

    @property
    def calendar_uid(self) -> str:
        return f"booking-{self.pk}@{settings.POST_OFFICE['MESSAGE_ID_FQDN']}"


class Reminder(models.Model):
    """
    One reminder per booking, offset and recipient. The row is inserted in the same transaction as
    its outbox email, and the unique constraint makes a second sweep (another process) unable to
    send it again.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Queued for delivery")
        SKIPPED = "skipped", _("Skipped (too late)")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "offset_minutes", "recipient"], name="schedule_reminder_once_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.booking_id} −{self.offset_minutes} min → {self.recipient_id}"


class CalendarFeed(models.Model):
    """
    A person's private calendar subscription (Google Calendar, Outlook, Apple Calendar): the secret
    token in its URL is the only key, so resetting it revokes every copy of the old link.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("schedule:calendar_feed", kwargs={"token": self.token})
