"""
A conversation is one mentor–mentee pair (a unique constraint); each side keeps on the conversation
row what it has read, what the mail digest already announced to it, and whether it blocks the other
side. Message ids, not times, mark "read up to": ids never tie, so no message is counted twice or lost.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversations_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversations_as_mentee",
        verbose_name=_("mentee"),
    )
    created_at = models.DateTimeField(_("created"), db_index=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # Per side: the last message id read, the last one the mail digest announced, and a block.
    mentor_read_id = models.PositiveBigIntegerField(_("last message the mentor read"), default=0)
    mentee_read_id = models.PositiveBigIntegerField(_("last message the mentee read"), default=0)
    mentor_announced_id = models.PositiveBigIntegerField(_("last message mailed to the mentor"), default=0)
    mentee_announced_id = models.PositiveBigIntegerField(_("last message mailed to the mentee"), default=0)
    mentor_blocks = models.BooleanField(_("blocked by the mentor"), default=False)
    mentee_blocks = models.BooleanField(_("blocked by the mentee"), default=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee"], name="one_conversation_per_pair"),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="conversation_not_with_self"),
        ]
        indexes = [
            models.Index(fields=["mentee", "-last_message_at"], name="conversation_mentee_latest"),
            models.Index(fields=["mentor", "-last_message_at"], name="conversation_mentor_latest"),
        ]

    def __str__(self):
        return f"{self.mentor_id} ↔ {self.mentee_id}"

    def get_absolute_url(self):
        return reverse("messaging:detail", args=[self.pk])

    def side(self, user) -> str:
        """ "mentor" or "mentee": which side ``user`` is (a non-participant is a programming error)."""
        if user.pk == self.mentor_id:
            return "mentor"
        if user.pk == self.mentee_id:
            return "mentee"
        raise ValueError("not a participant")

    def other(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor

    @property
    def is_blocked(self) -> bool:
        return self.mentor_blocks or self.mentee_blocks

    def blocks(self, user) -> bool:
        """Whether ``user`` is the one blocking the other side."""
        return getattr(self, f"{self.side(user)}_blocks")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("conversation")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent", verbose_name=_("sender")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "id"], name="message_history")]

    def __str__(self):
        return f"{self.sender_id} in {self.conversation_id}"


class Report(models.Model):
    """A participant asks staff to look at a conversation: only reported ones are open to staff."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="reports", verbose_name=_("conversation")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="message_reports",
        verbose_name=_("reported by"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("reported"), db_index=True)
    # Staff handle a conversation's open reports together: who, when, and what they did (for staff only).
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    outcome = models.CharField(_("what staff did"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One waiting report per person: once staff handled it, the same person may report again.
            models.UniqueConstraint(
                fields=["conversation", "reporter"],
                condition=models.Q(handled_at__isnull=True),
                name="one_open_report_per_reporter",
            )
        ]

    def __str__(self):
        return f"report on {self.conversation_id} by {self.reporter_id}"
