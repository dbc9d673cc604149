"""
Conversations and reports, read only: who talks to whom, whether it is blocked, who reported it. Changing
a participant, lifting a block or adding a report by hand would hand a private conversation to someone
else or open it to staff without a report; blocking is the participants' own, and reports are handled on
the dashboard (``services.conversation_reports_handle``: audit log, reporters told).
"""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from messaging.models import Conversation, Report


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentor", "mentee", "created_at", "last_message_at", "mentor_blocks", "mentee_blocks"]
    list_select_related = ["mentor", "mentee"]
    search_fields = ["mentor__email", "mentee__email"]
    exclude = ["mentor_read_id", "mentee_read_id", "mentor_announced_id", "mentee_announced_id"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["conversation", "reporter", "created_at", "handled_at"]
    list_select_related = ["reporter"]
