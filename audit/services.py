"""Writing the audit log: one function, called by the services that act (and by receivers of security signals)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit.context import current_ip
from audit.models import Event
from ops.logs import current_request_id


def _storable(value):
    """JSON PostgreSQL keeps: no NUL in any string (what people typed can hold one)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def event_record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    changes: dict | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """
    Record that ``actor`` did ``action`` (an ``Event.Action``) to ``target``. Called inside the acting
    service's transaction, so the entry exists exactly when the action happened. The address and request
    id come from the request being served, when there is one.
    """
    event = Event(
        at=now or timezone.now(),
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        changes=_storable(changes or {}),
        ip=ip or current_ip(),
        request_id=current_request_id() or "",
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_label = str(target)[:200]
    event.full_clean(exclude=["actor", "target_type"])
    event.save()
    return event


def person_forget(*, user, addresses) -> None:
    """
    An erased account leaves no name or address in the audit log: the entries about the person keep what
    happened and when, with the person's label and the recorded field values (names, email) wiped. Called
    while the account is anonymised, inside the same transaction.
    """
    from auditlog.models import LogEntry

    label = f"#{user.pk}"
    user_type = ContentType.objects.get_for_model(user, for_concrete_model=False)
    Event.objects.filter(target_type=user_type, target_id=str(user.pk)).update(target_label=label)
    for address in addresses:
        for event in Event.objects.filter(changes__last_email=address):
            event.changes["last_email"] = ""
            event.save(update_fields=["changes"])
    # What staff removed of theirs (a comment, an article): that it was removed stays, their words go.
    for event in Event.objects.filter(changes__author=user.pk):
        event.changes.update({key: "" for key in ("body", "title") if key in event.changes})
        event.target_label = f"#{event.target_id}"
        event.save(update_fields=["changes", "target_label"])
    from accounts.models import MentorProfile

    profile_type = ContentType.objects.get_for_model(MentorProfile)
    profiles = list(MentorProfile.objects.filter(user=user).values_list("pk", flat=True))
    LogEntry.objects.filter(
        Q(content_type=user_type, object_id=user.pk) | Q(content_type=profile_type, object_id__in=profiles)
    ).update(object_repr=label, changes=None, changes_text="", serialized_data=None)
