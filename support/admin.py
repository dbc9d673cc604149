from django.contrib import admin

from core.admin import ReadOnlyAdmin
from support.models import SupportReply, SupportRequest


class ReplyInline(admin.TabularInline):
    model = SupportReply
    extra = 0
    can_delete = False
    readonly_fields = ["author", "body", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdmin):
    """Handled on the dashboard (answers go out by email through the services); read here."""

    list_display = ["id", "subject", "email", "status", "assigned_to", "created_at"]
    list_filter = ["status", "subject"]
    list_select_related = ["assigned_to"]
    search_fields = ["email", "name", "message"]
    inlines = [ReplyInline]
