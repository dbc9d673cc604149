from django import template
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.selectors import ROLE_NAMES

register = template.Library()

# What the keys of an event's changes mean (the services write them).
EVENT_FIELDS = {
    "status": _("Status"),
    "reason": _("Reason"),
    "active": _("Active"),
    "mentor": _("Mentor"),
    "staff_role": _("Staff role"),
    "amount": _("Amount"),
    "currency": _("Currency"),
    "unused": _("Unused sessions"),
    "what": _("What"),
    "filters": _("Filters"),
    "maintenance": _("Maintenance"),
    "by": _("By"),
    "failures": _("Failures"),
    "minutes": _("Minutes"),
    "last_email": _("Last email tried"),
    "type": _("Kind"),
    "outcome": _("What staff did"),
    "reports": _("Reports"),
}

# auditlog's actions (LogEntry.Action) and many-to-many operations, which it does not translate.
CHANGE_ACTIONS = {0: _("Created"), 1: _("Changed"), 2: _("Deleted"), 3: _("Viewed")}
M2M_OPERATIONS = {"add": _("added"), "delete": _("removed"), "clear": _("cleared")}

# Where staff read an object the log names (by "app_label.model").
TARGET_PAGES = {
    "accounts.user": "dashboard:person_detail",
    "schedule.booking": "dashboard:booking_detail",
    "reviews.review": "dashboard:review_detail",
    "support.supportrequest": "dashboard:support_detail",
    "mailings.mailing": "dashboard:mailing_detail",
    "messaging.conversation": "dashboard:report_detail",
}


def _label(field: str, content_type) -> str:
    """An event's key by ``EVENT_FIELDS``; a recorded model change's field by its verbose name."""
    if content_type is None:
        return str(EVENT_FIELDS.get(field, field))
    model = content_type.model_class()
    try:
        return capfirst(getattr(model._meta.get_field(field), "verbose_name", field)) if model else field
    except FieldDoesNotExist:
        return field


def _shown(value):
    """
    A recorded value as read: True and False (and auditlog's "True"/"False") as Yes and No, nothing
    as a dash; 0 stays 0.
    """
    if value is None or value in ("", "None"):
        return "—"
    if value is True or value == "True":
        return _("Yes")
    if value is False or value == "False":
        return _("No")
    if isinstance(value, dict):  # e.g. the filters of an export: "status: confirmed; mentor: 7"
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items()) or "—"
    if isinstance(value, str) and value in ROLE_NAMES:  # a staff role, by its group's English name
        return ROLE_NAMES[value]
    return value


def _choices(content_type, key) -> dict:
    """The labels of a model field's choices ("cancelled" -> "Cancelled"), or {} for any other key."""
    model = content_type.model_class() if content_type is not None else None
    try:
        field = model._meta.get_field(key) if model else None
    except FieldDoesNotExist:
        return {}
    if not getattr(field, "choices", None):  # no field, a reverse relation, or a field without choices
        return {}
    return {str(value): label for value, label in field.flatchoices}


def _lines(changes, *, labels_from, values_from, related_names=None) -> list[tuple[str, object, object]]:
    lines = []
    for key, value in (changes or {}).items():
        field = _label(key, labels_from)
        labels = _choices(values_from, key) or (related_names or {}).get(key)

        def shown(item, labels=labels):
            return labels.get(str(item), _shown(item)) if labels else _shown(item)

        if isinstance(value, list) and len(value) == 2:
            lines.append((field, shown(value[0]), shown(value[1])))
        elif isinstance(value, dict) and "operation" in value:  # auditlog's many-to-many change
            operation = M2M_OPERATIONS.get(value["operation"], value["operation"])
            lines.append((field, None, f"{operation}: {', '.join(str(_shown(o)) for o in value.get('objects', []))}"))
        else:
            lines.append((field, None, shown(value)))
    return lines


@register.filter
def change_lines(entry) -> list[tuple[str, object, object]]:
    """
    A recorded change's ``{"field": [before, after], "groups": {"operation": "add", "objects": [...]}}``
    as rows of (field label, before, after), ``before`` None where there is only a value: its fields
    labelled, and the values of fields with choices shown, as the model does; the ids of its foreign
    keys by name where ``audit.selectors.name_related`` found them.
    """
    return _lines(
        entry.changes,
        labels_from=entry.content_type,
        values_from=entry.content_type,
        related_names=getattr(entry, "related_names", None),
    )


@register.filter
def event_lines(changes, target_type=None) -> list[tuple[str, object, object]]:
    """An event's changes as ``change_lines``: its keys by ``EVENT_FIELDS``, a status by its target's labels."""
    return _lines(changes, labels_from=None, values_from=target_type)


@register.filter
def change_action(action) -> str:
    """A recorded change's action (auditlog's 0-3) in the reader's language."""
    return str(CHANGE_ACTIONS.get(action, action))


@register.simple_tag
def target_url(content_type, object_id) -> str:
    if content_type is None or not object_id:
        return ""
    name = TARGET_PAGES.get(f"{content_type.app_label}.{content_type.model}")
    try:
        return reverse(name, args=[int(object_id)]) if name else ""
    except (NoReverseMatch, ValueError):
        return ""
