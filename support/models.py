"""
What people ask the platform's staff, from the contact page (signed in or not), and the answers staff
send by email. Requests are kept with their replies; the reply-to address is the one the person gave.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MESSAGE_MAX_LENGTH = 5000


class SupportRequest(models.Model):
    class Subject(models.TextChoices):
        BOOKING = "booking", _("A booking or a session")
        PAYMENT = "payment", _("A payment or a refund")
        ACCOUNT = "account", _("My account or signing in")
        MENTOR = "mentor", _("Becoming or being a mentor")
        PROBLEM = "problem", _("Something does not work")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("reply-to email"))
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("account"),
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="support_request_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="support_request_status")]

    def __str__(self):
        return f"#{self.pk} {self.get_subject_display()}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


class SupportReply(models.Model):
    """An answer staff sent by email (kept as sent)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("from")
    )
    body = models.TextField(_("answer"), max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("support answer")
        verbose_name_plural = _("support answers")

    def __str__(self):
        return f"{self.request} · {self.created_at:%Y-%m-%d %H:%M}"
