from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from post_office.admin import EmailAdmin as PostOfficeEmailAdmin
from post_office.models import STATUS, Email

from schedule import delivery, emails, services
from schedule.models import CANCELLED_BY_STAFF, Booking, Reminder, Slot


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["mentor", "start", "end", "status"]
    list_filter = ["status"]
    search_fields = ["mentor__email", "mentor__first_name", "mentor__last_name"]
    date_hierarchy = "start"
    autocomplete_fields = ["mentor"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["mentor"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings are made by the booking service only (a slot, a hold, a payment): none is added here."""

    list_display = ["__str__", "status", "created_at", "cancelled_at"]
    list_filter = ["status"]
    search_fields = ["mentee__email", "slot__mentor__email", "note"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["mentee", "slot", "cancelled_by"]
    readonly_fields = ["created_at", "cancelled_at", "sequence"]
    list_select_related = ["mentee", "slot", "slot__mentor"]
    actions = ["cancel_bookings"]

    def has_change_permission(self, request, obj=None):
        # Bookings change only through services (cancel action); the form is read-only.
        return False

    def has_add_permission(self, request):
        return False  # the admin form skipped the service: no mentor, no hold, a 500 on the constraints

    @admin.action(description=_("Cancel the selected bookings (both sides are emailed)"))
    def cancel_bookings(self, request, queryset):
        cancelled = 0
        for booking in queryset.select_related("slot", "slot__mentor", "mentee"):
            try:
                services.booking_cancel(booking=booking, by=request.user, reason=CANCELLED_BY_STAFF)
            except services.BookingError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.WARNING)
            else:
                cancelled += 1
        self.message_user(
            request,
            ngettext("%(n)d booking cancelled.", "%(n)d bookings cancelled.", cancelled) % {"n": cancelled},
            messages.SUCCESS,
        )


class DeliveryLogAdmin(PostOfficeEmailAdmin):
    """post_office's email admin, extended into a delivery log: one row per email, its last attempt."""

    list_display = [
        "id",
        "to_display",
        "kind",
        "booking_link",
        "shortened_subject",
        "created",
        "last_attempt_display",
        "status",
        "attempts_display",
        "last_response_display",
    ]
    list_filter = ["status", "created"]
    date_hierarchy = "created"
    actions = ["retry_failed"]

    def get_queryset(self, request):
        return delivery.with_last_attempt(super().get_queryset(request))

    @admin.display(description=_("kind"))
    def kind(self, obj):
        return (obj.headers or {}).get(emails.KIND_HEADER, "")

    @admin.display(description=_("booking"))
    def booking_link(self, obj):
        pk = (obj.headers or {}).get(emails.BOOKING_HEADER)
        if not pk:
            return ""
        return format_html('<a href="{}">#{}</a>', reverse("admin:schedule_booking_change", args=[pk]), pk)

    @admin.display(description=_("last attempt"), ordering="last_attempt")
    def last_attempt_display(self, obj):
        return obj.last_attempt

    @admin.display(description=_("attempts"), ordering="attempts")
    def attempts_display(self, obj):
        return obj.attempts

    @admin.display(description=_("server response"))
    def last_response_display(self, obj):
        return (obj.last_response or "")[:120]

    @admin.action(description=_("Retry the selected failed emails now"))
    def retry_failed(self, request, queryset):
        count = 0
        for email in queryset.filter(status=STATUS.failed):
            delivery.email_retry(email=email)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d email queued for another attempt.", "%(n)d emails queued for another attempt.", count)
            % {"n": count},
            messages.SUCCESS,
        )


admin.site.unregister(Email)
admin.site.register(Email, DeliveryLogAdmin)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["booking", "recipient", "offset_minutes", "status", "created_at"]
    list_filter = ["status", "offset_minutes"]
    date_hierarchy = "created_at"
    readonly_fields = ["booking", "recipient", "offset_minutes", "status", "created_at"]
    list_select_related = ["booking", "recipient"]
    search_fields = ["recipient__email"]

    def has_add_permission(self, request):
        return False
