from django.contrib import admin

from audit.models import Event
from core.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Written by the services alone; nobody edits or deletes the audit log (read it on the dashboard too)."""

    list_display = ["at", "action", "actor", "target_label", "ip"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    search_fields = ["target_label", "ip", "actor__email"]
    date_hierarchy = "at"
