from django.urls import path, re_path

from schedule import views

app_name = "schedule"

urlpatterns = [
    path("schedule/", views.mentor_schedule, name="mentor_schedule"),
    path("schedule/weekly/", views.weekly_hours, name="weekly_hours"),
    path("schedule/weekly/days/", views.date_override_add, name="date_override_add"),
    path("schedule/weekly/days/<id:pk>/delete/", views.date_override_delete, name="date_override_delete"),
    path("schedule/slots/new/", views.slot_create, name="slot_create"),
    path("schedule/slots/bulk/", views.slot_bulk_create, name="slot_bulk_create"),
    path("schedule/slots/<id:pk>/hide/", views.slot_hide, name="slot_hide"),
    path("schedule/slots/<id:pk>/unhide/", views.slot_unhide, name="slot_unhide"),
    path("schedule/slots/<id:pk>/delete/", views.slot_delete, name="slot_delete"),
    path("book/<id:slot_pk>/", views.booking_confirm, name="booking_confirm"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<id:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<id:pk>/no-show/", views.booking_no_show, name="booking_no_show"),
    path("bookings/<id:pk>/give-up/", views.booking_hold_release, name="booking_hold_release"),
    path("bookings/<id:pk>/move/", views.booking_reschedule, name="booking_reschedule"),
    path("bookings/<id:pk>/invite.ics", views.booking_invite, name="booking_invite"),
    path("clients/", views.client_list, name="client_list"),
    path("waitlist/<id:mentor_pk>/join/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<id:mentor_pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("calendar/link/", views.calendar_feed_reset, name="calendar_feed_reset"),
    # A token is URL-safe base64 (secrets.token_urlsafe): anything else is a 404 before any query.
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", views.calendar_feed, name="calendar_feed"),
]
