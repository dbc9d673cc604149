from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reviews.models import Review, ReviewInvitation, ReviewModeration, ReviewReport


class ReadOnly(ReadOnlyAdmin):
    """Reviews change through the services only (they keep the mentor's rating and the moderation log)."""


class ModerationInline(admin.TabularInline):
    model = ReviewModeration
    extra = 0
    fields = ["created_at", "action", "reason", "by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnly):
    """Read-only here: staff hide and show reviews again on /dashboard/reviews/, with a reason."""

    list_display = ["id", "mentor", "mentee", "rating", "created_at", "is_hidden"]
    list_filter = ["is_hidden", "rating"]
    list_select_related = ["mentor", "mentee"]
    search_fields = ["mentor__email", "mentee__email"]
    raw_id_fields = ["booking", "hidden_by"]
    inlines = [ModerationInline]


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnly):
    list_display = ["review", "reporter", "created_at"]
    list_select_related = ["reporter"]
    raw_id_fields = ["review", "reporter"]


@admin.register(ReviewInvitation)
class ReviewInvitationAdmin(ReadOnly):
    list_display = ["booking", "sent_at"]
    raw_id_fields = ["booking"]
