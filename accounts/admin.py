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
    # Blocking and roles change through the services (the dashboard's person page, the actions below):
    # they sign people out, keep the directory right and write the audit log; a form field would not.
    readonly_fields = [
        "last_login",
        "date_joined",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
    ]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "photo", "timezone", "language")}),
        (_("Role"), {"fields": ("is_mentor", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2", "is_mentor")}),)
    actions = ["make_mentor", "block", "unblock"]

    @admin.action(description=_("Make the selected users mentors"))
    def make_mentor(self, request, queryset):
        count = 0
        for user in queryset.filter(is_mentor=False):
            services.user_set_mentor(user=user, is_mentor=True, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d user is now a mentor.", "%(n)d users are now mentors.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Block the selected users"), permissions=["change"])
    def block(self, request, queryset):
        self._each(request, queryset.filter(is_active=True), services.user_deactivate)

    @admin.action(description=_("Unblock the selected users"), permissions=["change"])
    def unblock(self, request, queryset):
        self._each(request, queryset.filter(is_active=False), services.user_reactivate)

    def _each(self, request, users, service):
        done = 0
        for user in users:
            try:
                service(user=user, by=request.user)
            except services.AccountError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, ngettext("%(n)d user changed.", "%(n)d users changed.", done) % {"n": done})


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
