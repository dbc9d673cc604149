"""State changes of the operations app: only the heartbeat."""

import datetime as dt

from django.utils import timezone

from ops.models import Heartbeat


def heartbeat_record(*, name: str = Heartbeat.SCHEDULER, now: dt.datetime | None = None) -> Heartbeat:
    """Say that ``name`` is alive at ``now``: one row per name, moved forward (created the first time)."""
    beat, _created = Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})
    return beat
