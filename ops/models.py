from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """
    The last moment a long-running part of the site said it was alive: the scheduler's leader writes
    ``scheduler`` every minute, and ``/readyz`` reads how old it is. Machine-facing: only its name, which
    the roles' permission lists show, is translated.
    """

    SCHEDULER = "scheduler"

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class SuspiciousHit(models.Model):
    """
    How often one address got one kind of refusal (400, 403, 404, 429, or a failed sign-in) on one path
    within a digest window (``SUSPICIOUS_DIGEST_MINUTES``): counted as it happens, mailed to admins as
    a digest once the window is over (``ops.services.suspicious_digest_send``).
    """

    class Kind(models.TextChoices):
        BAD_REQUEST = "400", "400"
        FORBIDDEN = "403", "403"
        NOT_FOUND = "404", "404"
        TOO_MANY = "429", "429"
        SIGNIN = "signin", "sign-in"

    window = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    ip = models.CharField(max_length=45, blank=True)
    path = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("suspicious request")
        verbose_name_plural = _("suspicious requests")
        constraints = [
            models.UniqueConstraint(fields=["window", "kind", "ip", "path"], name="ops_suspicioushit_one_row"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="ops_suspicioushit_count_positive"),
        ]

    def __str__(self):
        return f"{self.window:%Y-%m-%d %H:%M} {self.kind} {self.ip} {self.path} ×{self.count}"


class DigestWindow(models.Model):
    """A digest window that has been looked at: its row is the claim, so no window is ever mailed twice."""

    window = models.DateTimeField(unique=True)
    hits = models.PositiveIntegerField(default=0)
    emailed_to = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suspicious-activity digest")
        verbose_name_plural = _("suspicious-activity digests")

    def __str__(self):
        return f"{self.window:%Y-%m-%d %H:%M}: {self.hits} hits, mailed to {self.emailed_to}"
