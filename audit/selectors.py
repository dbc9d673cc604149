"""Reading the audit log: the staff actions and security events, and the recorded model changes."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.exceptions import FieldDoesNotExist
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


def _foreign_key(model, name: str):
    """The model's field ``name`` if it points at one other row (a foreign key or one-to-one), else None."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return field if field is not None and (field.many_to_one or field.one_to_one) and field.concrete else None


def name_related(entries: Iterable[LogEntry]) -> None:
    """
    Give each recorded change ``related_names``: for each foreign key it recorded, what the ids stand
    for, ``{field: {id: name}}`` (a person by their display name), so "Assigned to: 7" reads "Olena
    K.". One query per related model on the page; an id whose row is gone keeps reading as the id.
    """
    entries = list(entries)
    keys = {}  # entry -> {field name: related model}
    wanted = defaultdict(set)  # related model -> ids
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        keys[entry] = {}
        for name, value in (entry.changes or {}).items():
            field = _foreign_key(model, name)
            if field is None or not isinstance(value, list):
                continue
            keys[entry][name] = field.related_model
            wanted[field.related_model].update(str(v) for v in value if str(v).isdecimal() and len(str(v)) <= 18)
    names = {
        related: {str(pk): getattr(row, "display_name", None) or str(row) for pk, row in rows.items()}
        for related, ids in wanted.items()
        if (rows := related._default_manager.in_bulk(ids))
    }
    for entry in entries:
        entry.related_names = {name: names.get(related, {}) for name, related in keys[entry].items()}
