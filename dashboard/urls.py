from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.stats, name="stats"),
    path("people/", views.people_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/profile/", views.mentor_edit, name="mentor_edit"),
    path("people/<int:pk>/role/", views.person_role, name="person_role"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/slots/new/", views.slot_create, name="slot_create"),
    path("people/<int:pk>/slots/bulk/", views.slot_bulk_create, name="slot_bulk_create"),
    path("slots/", views.slot_list, name="slots"),
    path("slots/<int:pk>/edit/", views.slot_edit, name="slot_edit"),
    path("slots/<int:pk>/delete/", views.slot_delete, name="slot_delete"),
    path("slots/<int:pk>/book/", views.booking_create, name="booking_create"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/export.csv", views.booking_export, name="bookings_export"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("mail/", views.mail_list, name="mail"),
    path("mail/<int:pk>/retry/", views.mail_retry, name="mail_retry"),
]
