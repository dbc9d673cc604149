from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """
    Something that happened for one person (a booking made, cancelled, moved...). It stores what
    happened, not a sentence: ``params`` are rendered by ``notifications.kinds`` when the notification
    is shown, in the reader's language and time zone of that moment.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    # The person the text names (``params["name"]``): when they leave, their name goes from everyone's
    # history (``services.person_notifications_erase``). Empty for notifications that name nobody.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person named"),
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_history"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}"

    @property
    def text(self) -> str:
        from notifications.kinds import render  # kinds import the model's users: import when shown

        return render(self)


class NotificationPreference(models.Model):
    """
    Whether one person also gets one kind of notification by email. No row means the kind's default
    (``notifications.kinds``: email on for every kind today), so a new kind needs no data migration
    and a person who never opened the settings page costs no rows. In-app notifications always come.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    email = models.BooleanField(_("also by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.kind} for {self.user_id}: {'email' if self.email else 'in-app only'}"
