from django.contrib import admin

from messaging.models import Conversation, Report


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Who talks to whom and whether it is blocked; the messages themselves are read from reports only."""

    list_display = ["id", "mentor", "mentee", "created_at", "last_message_at", "mentor_blocks", "mentee_blocks"]
    list_select_related = ["mentor", "mentee"]
    raw_id_fields = ["mentor", "mentee"]
    search_fields = ["mentor__email", "mentee__email"]
    exclude = ["mentor_read_id", "mentee_read_id", "mentor_announced_id", "mentee_announced_id"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Handled from the dashboard only (``services.conversation_reports_handle``: audit log, reporters told)."""

    list_display = ["conversation", "reporter", "created_at", "handled_at"]
    list_select_related = ["reporter"]
    raw_id_fields = ["conversation", "reporter"]
    readonly_fields = ["handled_at", "handled_by", "outcome"]
