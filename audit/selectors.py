"""Reading the audit log: the staff actions and security events, and the recorded model changes."""

import datetime as dt

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models import Q, QuerySet

from audit.models import Event


def tracked_models() -> list:
    """The models whose changes django-auditlog records (``AUDITLOG_INCLUDE_TRACKING_MODELS``), by name."""
    return sorted(auditlog.get_models(), key=lambda m: m._meta.label_lower)


def events(
    *,
    action: str = "",
    person: str = "",
    ip: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Event]:
    rows = Event.objects.select_related("actor", "target_type")
    if action:
        rows = rows.filter(action=action)
    if person:
        rows = rows.filter(
            Q(actor__email__icontains=person)
            | Q(actor__first_name__icontains=person)
            | Q(actor__last_name__icontains=person)
            | Q(target_label__icontains=person)
        )
    if ip:
        rows = rows.filter(ip=ip)
    if date_from:
        rows = rows.filter(at__date__gte=date_from)
    if date_to:
        rows = rows.filter(at__date__lte=date_to)
    return rows


def changes(
    *,
    model: str = "",
    person: str = "",
    object_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[LogEntry]:
    rows = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if model:
        app_label, _dot, name = model.partition(".")
        rows = rows.filter(content_type__app_label=app_label, content_type__model=name)
    if person:
        rows = rows.filter(
            Q(actor__email__icontains=person)
            | Q(actor__first_name__icontains=person)
            | Q(actor__last_name__icontains=person)
        )
    if object_id:
        rows = rows.filter(object_id=object_id)
    if date_from:
        rows = rows.filter(timestamp__date__gte=date_from)
    if date_to:
        rows = rows.filter(timestamp__date__lte=date_to)
    return rows
