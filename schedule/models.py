import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
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
    # Published from the mentor's weekly hours (the publisher may replace it while it is free), or
    # added by hand (never touched by the publisher).
    from_weekly_hours = models.BooleanField(_("from weekly hours"), default=False)
    # Hidden by the publisher (rules changed, or the day filled up) rather than by its mentor: the
    # publisher shows it again when the rules give that time back.
    hidden_by_publisher = models.BooleanField(_("hidden by the weekly hours"), default=False)
    # The last moment it may be booked, when the mentor asks for more notice than the platform's.
    book_by = models.DateTimeField(_("bookable until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="schedule_slot_end_after_start"),
            # A backstop on every database (PostgreSQL also forbids any overlap): two publishers at
            # once can never create the same time twice.
            models.UniqueConstraint(fields=["mentor", "start"], name="schedule_slot_one_per_start"),
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
        # Held for the mentee while they pay (BOOKING_HOLD_MINUTES): the slot is taken, nobody is told yet.
        PENDING = "pending", _("Awaiting payment")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        # A hold that ran out before it was paid; the slot went back on offer.
        EXPIRED = "expired", _("Not paid in time")

    class NoShow(models.TextChoices):
        MENTEE = "mentee", _("The client did not come")
        MENTOR = "mentor", _("The mentor did not come")

    # The statuses that hold a slot (one per slot) and the mentee's time (no overlaps).
    ACTIVE = (Status.PENDING, Status.CONFIRMED)
    # The statuses its participants see in their lists: a hold is the payer's checkout, not a session yet.
    SETTLED = (Status.CONFIRMED, Status.CANCELLED)

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
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    # Moves to another time (bounded by BOOKING_MAX_RESCHEDULES); the last one's moment.
    reschedule_count = models.PositiveSmallIntegerField(_("times moved"), default=0)
    rescheduled_at = models.DateTimeField(_("last moved at"), null=True, blank=True)
    # Where the session happens, fixed when it is booked: the mentor's own link or a private room.
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    # Until when a pending booking holds its slot for payment, and the price it was held at (what the
    # mentee saw and is charged, whatever the mentor changes meanwhile).
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, null=True, blank=True)
    # After the start, one side may say the other did not come (once); refunds and reviews follow it.
    no_show = models.CharField(_("no-show"), max_length=8, choices=NoShow.choices, blank=True)
    no_show_at = models.DateTimeField(_("no-show reported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # A hold awaiting payment takes its slot as surely as a confirmed booking does.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="schedule_booking_one_active_per_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(hold_expires_at__isnull=False),
                name="schedule_booking_pending_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(no_show="") | Q(no_show_at__isnull=False), name="schedule_booking_no_show_has_time"
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
    def cancel_reason_text(self) -> str:
        """The reason, as its reader reads it: the platform's own reasons are kept in English and translated."""
        return gettext(self.cancel_reason) if self.cancel_reason in PLATFORM_REASONS else self.cancel_reason

    @property
    def is_completed(self) -> bool:
        """It took place: confirmed, over, and nobody said the other side did not come."""
        return self.is_confirmed and not self.no_show and self.slot.end <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_upcoming(self) -> bool:
        return self.is_confirmed and self.slot.start > timezone.now()

    @property
    def moves_left(self) -> int:
        """How many more times the session may be moved (BOOKING_MAX_RESCHEDULES in all)."""
        return max(settings.BOOKING_MAX_RESCHEDULES - self.reschedule_count, 0)

    @property
    def display_status(self) -> str:
        if self.no_show:
            return self.get_no_show_display()
        if self.is_completed:
            return _("Completed")
        return self.get_status_display()

    def display_status_for(self, viewer) -> str:
        """The status as ``viewer`` reads it: a no-show reported about them says "you", not "the client"."""
        viewer_id = getattr(viewer, "pk", None)
        if self.no_show == self.NoShow.MENTEE and viewer_id == self.mentee_id:
            return _("You did not come, the mentor says")
        if self.no_show == self.NoShow.MENTOR and viewer_id == self.mentor_id:
            return _("You did not come, the client says")
        return self.display_status

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

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("booking"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
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


class WeeklySchedule(models.Model):
    """
    A mentor's standing availability, in their own zone: weekly hours (``WeeklyHours``), date
    overrides (``DateOverride``) and these settings. The publisher keeps bookable slots from it for
    ``horizon_days`` ahead, rolling forward every day.
    """

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_schedule", verbose_name=_("mentor")
    )
    is_active = models.BooleanField(_("publish my weekly hours"), default=True)
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("break between sessions (minutes)"), default=0, validators=[MaxValueValidator(240)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=120,
        validators=[MaxValueValidator(30 * 24 * 60)],
        help_text=_("How long before a session mentees may still book it."),
    )
    max_per_day = models.PositiveSmallIntegerField(
        _("most sessions a day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
        help_text=_("Leave empty for no limit."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("how far ahead mentees may book (days)"),
        default=56,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")

    def __str__(self):
        return str(self.mentor)


# Cancellation reasons the platform gives itself (``Booking.cancel_reason``), stored as these English
# words and shown in each reader's language: the two sides may read different ones.
ACCOUNT_CLOSED = gettext_noop("The account was closed.")
CANCELLED_BY_STAFF = gettext_noop("Cancelled by staff")
ACCOUNT_BLOCKED = gettext_noop("The account was blocked.")
PLATFORM_REASONS = frozenset({ACCOUNT_CLOSED, CANCELLED_BY_STAFF, ACCOUNT_BLOCKED})

# An end at 00:00 is the midnight that ends the day (22:00-00:00), as people write it.
ENDS_AT_MIDNIGHT = Q(end=dt.time(0))


class WeeklyHours(models.Model):
    """One range of hours on one weekday (a day may have several, e.g. 9-12 and 14-18, or 22-00)."""

    schedule = models.ForeignKey(WeeklySchedule, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), validators=[MaxValueValidator(6)])  # Monday is 0
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) | ENDS_AT_MIDNIGHT, name="schedule_weeklyhours_end_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="schedule_weeklyhours_weekday"),
        ]

    def __str__(self):
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class DateOverride(models.Model):
    """A day off, or extra hours on one date, on top of the weekly hours."""

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Day off")
        EXTRA = "extra", _("Extra hours")

    schedule = models.ForeignKey(WeeklySchedule, on_delete=models.CASCADE, related_name="overrides")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("date override")
        verbose_name_plural = _("date overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="off", start__isnull=True, end__isnull=True)
                | (
                    Q(kind="extra", start__isnull=False, end__isnull=False) & (Q(end__gt=F("start")) | ENDS_AT_MIDNIGHT)
                ),
                name="schedule_dateoverride_shape",
            ),
            models.UniqueConstraint(
                fields=["schedule", "date"], condition=Q(kind="off"), name="schedule_dateoverride_one_day_off"
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.kind}"


class WaitlistEntry(models.Model):
    """
    A mentee waiting for a mentor's time, optionally within dates. When a time in that range opens
    (published, freed by a cancellation, shown again) after they joined, they are emailed once
    about it; whoever books first gets it.
    """

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("mentee")
    )
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee"], name="schedule_waitlist_once_per_mentor"),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True) | Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")),
                name="schedule_waitlist_range_order",
            ),
        ]

    def __str__(self):
        return f"{self.mentee} waits for {self.mentor}"


class WaitlistNotice(models.Model):
    """
    One mentee told about one opening of a time (the slot's ``updated_at`` when it opened): written
    with the email, unique, so never twice; a time that is booked and freed again is a new opening.
    """

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="notices")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("opened"))
    created_at = models.DateTimeField(_("notified"), default=timezone.now)

    class Meta:
        verbose_name = _("waitlist notice")
        verbose_name_plural = _("waitlist notices")
        constraints = [
            models.UniqueConstraint(fields=["entry", "slot", "opened_at"], name="schedule_waitlist_notice_once")
        ]

    def __str__(self):
        return f"{self.entry_id} → {self.slot_id}"
