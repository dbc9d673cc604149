from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import AccountDeletion, MentorProfile, Topic, User
from core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_mentor", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_mentor", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "photo", "timezone", "language")}),
        (_("Role"), {"fields": ("is_mentor", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "is_mentor")}),)
    actions = ["make_mentor"]

    @admin.action(description=_("Make the selected users mentors"))
    def make_mentor(self, request, queryset):
        count = 0
        for user in queryset.filter(is_mentor=False):
            services.user_set_mentor(user=user, is_mentor=True)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d user is now a mentor.", "%(n)d users are now mentors.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_uk", "slug"]
    search_fields = ["name", "name_uk"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "price", "is_free", "session_minutes", "years_experience"]
    list_filter = ["is_free", "topics"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "headline"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["topics"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(AccountDeletion)
class AccountDeletionAdmin(ReadOnlyAdmin):
    """Read only: requests change through "Delete my account", "Keep my account" and the deletion job."""

    list_display = ["user", "requested_at", "due_at", "cancelled_at", "completed_at"]
    list_filter = ["requested_at", "due_at"]
    search_fields = ["user__email"]
    date_hierarchy = "due_at"
