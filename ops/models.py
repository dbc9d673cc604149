from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """
    The last moment a long-running part of the site said it was alive: the scheduler's leader writes
    ``scheduler`` every minute, and ``/readyz`` reads how old it is. Machine-facing, so not translated.
    """

    SCHEDULER = "scheduler"

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
