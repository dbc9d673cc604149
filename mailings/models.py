"""
Mentor mailings: a mentor's own clients, messages, and mailings that send a message to them once or
on a period, between a start and an end.

A *run* is one occurrence of a mailing (the mailing and its scheduled time, unique together): it is
created once, whoever gets there first. Its *recipients* are one row per client (unique per run), each
linked to the outbox email (``post_office.Email``) that carries the message, whose ``Log`` rows are
the attempts with the server's replies. So a client gets a run's message at most once, even with two
senders at work, and every attempt is visible.

An unsubscribed address (``Unsubscription``, per mentor) gets nothing more from that mentor, even when
the client is removed and added again.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from post_office.models import Email

from accounts.timezones import validate_timezone

EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 150
COMMENT_MAX_LENGTH = 500
SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 300


class Client(models.Model):
    """Someone a mentor may write to: a mentee who booked them (``user``), or a contact added by hand."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailing_clients", verbose_name=_("mentor")
    )
    # The mentee who booked the mentor; empty for a contact added by hand.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH)
    full_name = models.CharField(_("full name"), max_length=NAME_MAX_LENGTH, blank=True)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["full_name", "email", "pk"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(F("mentor"), Lower("email"), name="mailings_client_one_per_address"),
            models.UniqueConstraint(
                fields=["mentor", "user"], condition=Q(user__isnull=False), name="mailings_client_one_per_account"
            ),
            models.CheckConstraint(condition=~Q(email=""), name="mailings_client_has_email"),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_manual(self) -> bool:
        return self.user_id is None

    @property
    def first_name(self) -> str:
        return (self.full_name.split() or [""])[0]


class Message(models.Model):
    """A subject and a body (plain text with a little Markdown), written by a mentor."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailing_messages", verbose_name=_("mentor")
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("written"))
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(condition=~Q(subject="") & ~Q(body=""), name="mailings_message_not_empty"),
        ]

    def __str__(self):
        return self.subject


class Mailing(models.Model):
    class Period(models.TextChoices):
        ONCE = "once", _("Once")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Status(models.TextChoices):
        CREATED = "created", _("Scheduled")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")
        DISABLED = "disabled", _("Disabled by staff")

    # The statuses whose runs the sweep starts.
    ACTIVE = (Status.CREATED, Status.RUNNING)

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("mentor")
    )
    # RESTRICT: a message in use cannot be deleted on its own (its mailing's history shows it); a mentor
    # leaving takes both.
    message = models.ForeignKey(Message, on_delete=models.RESTRICT, related_name="mailings", verbose_name=_("message"))
    all_clients = models.BooleanField(_("all my clients"), default=True)
    clients = models.ManyToManyField(Client, blank=True, related_name="mailings", verbose_name=_("chosen clients"))
    period = models.CharField(_("repeat"), max_length=8, choices=Period.choices, default=Period.ONCE)
    start_at = models.DateTimeField(_("start"))
    end_at = models.DateTimeField(_("end"))
    # The zone the mentor set the times in: periodic runs keep their wall-clock time through DST.
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.CREATED)
    # The earliest occurrence not yet started; empty once there is none left.
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    disabled_reason = models.CharField(_("why it is disabled"), max_length=REASON_MAX_LENGTH, blank=True)
    disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disabled by"),
    )
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    # The mentor had paused it when staff disabled it: enabling it again leaves it paused.
    paused_when_disabled = models.BooleanField(_("paused when disabled"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="mailings_mailing_end_after_start"),
            models.CheckConstraint(
                condition=Q(status="disabled", disabled_at__isnull=False) & ~Q(disabled_reason="")
                | (~Q(status="disabled") & Q(disabled_at__isnull=True, disabled_reason="")),
                name="mailings_mailing_disabled_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(next_run_at__isnull=True) | Q(next_run_at__gte=F("start_at"), next_run_at__lt=F("end_at")),
                name="mailings_mailing_next_run_in_window",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_run_at"], name="mailings_due")]

    def __str__(self):
        return f"{self.message.subject} ({self.get_period_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mailings:detail", args=[self.pk])


RUN_NOTES = {
    "paused": _("the mailing was paused"),
    "disabled": _("staff disabled the mailing"),
    "ended": _("the mailing was ended"),
    "unverified": _("the mentor's email address is not confirmed"),
}


class MailingRun(models.Model):
    """One occurrence of a mailing: created once (the unique pair), claimed by one sender at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        QUEUEING = "queueing", _("Queueing")
        DONE = "done", _("Handed over for sending")
        SKIPPED = "skipped", _("Not sent")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="runs", verbose_name=_("mailing"))
    scheduled_for = models.DateTimeField(_("scheduled for"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"))
    # When a sender claimed it (a claim older than the lease is taken over: the sender died).
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    # Clients left out because the mentor's daily limit was reached.
    capped = models.PositiveIntegerField(_("over the daily limit"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        verbose_name = _("mailing run")
        verbose_name_plural = _("mailing runs")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "scheduled_for"], name="mailings_run_once_per_occurrence"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "skipped"]) | Q(claimed_at__isnull=False),
                name="mailings_run_claimed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="mailings_run_status")]

    def __str__(self):
        return f"run of mailing {self.mailing_id} at {self.scheduled_for:%Y-%m-%d %H:%M}"

    @property
    def note_label(self) -> str:
        """Why a run was not sent, in words."""
        return str(RUN_NOTES.get(self.note, self.note))


class Recipient(models.Model):
    """One client of one run, queued once (unique per run), with the outbox email that carries it."""

    run = models.ForeignKey(MailingRun, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("run"))
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, related_name="deliveries", verbose_name=_("client")
    )
    # Kept as sent: the client may be edited or removed later.
    address = models.EmailField(_("address"), max_length=EMAIL_MAX_LENGTH)
    email = models.OneToOneField(
        Email, on_delete=models.SET_NULL, null=True, related_name="mailing_recipient", verbose_name=_("outbox email")
    )
    created_at = models.DateTimeField(_("queued"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["run", "client"], name="mailings_recipient_once_per_run"),
        ]
        indexes = [models.Index(fields=["created_at"], name="mailings_recipient_created")]

    def __str__(self):
        return f"{self.address} in run {self.run_id}"


class Unsubscription(models.Model):
    """This address asked for no more mail from this mentor (one click in any of their mailings)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor")
    )
    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH)
    created_at = models.DateTimeField(_("unsubscribed"))

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [
            models.UniqueConstraint(F("mentor"), Lower("email"), name="mailings_unsubscribed_once"),
        ]

    def __str__(self):
        return f"{self.email} from mentor {self.mentor_id}"
