from django.contrib import admin

from core.admin import ReadOnlyAdmin
from mailings.models import Client, Mailing, MailingRun, Message, Unsubscription


@admin.register(Mailing)
class MailingAdmin(ReadOnlyAdmin):
    """Mentors set mailings up on their pages; staff disable them on the dashboard (services). Read here."""

    list_display = ["id", "mentor", "message", "period", "status", "start_at", "end_at", "next_run_at"]
    list_filter = ["status", "period"]
    list_select_related = ["mentor", "message"]
    search_fields = ["mentor__email", "message__subject"]


@admin.register(MailingRun)
class MailingRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "mailing", "scheduled_for", "status", "queued_at", "capped"]
    list_filter = ["status"]
    list_select_related = ["mailing__message"]


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentor", "email", "full_name", "user", "created_at"]
    list_select_related = ["mentor", "user"]
    search_fields = ["email", "full_name", "mentor__email"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentor", "subject", "updated_at"]
    list_select_related = ["mentor"]


@admin.register(Unsubscription)
class UnsubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentor", "email", "created_at"]
    list_select_related = ["mentor"]
