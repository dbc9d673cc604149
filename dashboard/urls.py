from django.urls import path

from audit import views as audit_views
from dashboard import views
from mailings import views as mailings_views
from messaging import views as messaging_views
from payments import views as payment_views
from reviews import views as reviews_views
from support import views as support_views

app_name = "dashboard"

urlpatterns = [
    path("", views.stats, name="stats"),
    path("people/", views.people_list, name="people"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/profile/", views.mentor_edit, name="mentor_edit"),
    path("people/<id:pk>/role/", views.person_role, name="person_role"),
    path("people/<id:pk>/staff-role/", views.person_staff_role, name="person_staff_role"),
    path("people/<id:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<id:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/<id:pk>/slots/new/", views.slot_create, name="slot_create"),
    path("people/<id:pk>/slots/bulk/", views.slot_bulk_create, name="slot_bulk_create"),
    path("slots/", views.slot_list, name="slots"),
    path("slots/<id:pk>/edit/", views.slot_edit, name="slot_edit"),
    path("slots/<id:pk>/delete/", views.slot_delete, name="slot_delete"),
    path("slots/<id:pk>/book/", views.booking_create, name="booking_create"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/export.csv", views.booking_export, name="bookings_export"),
    path("bookings/<id:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("mail/", views.mail_list, name="mail"),
    path("maintenance/", views.maintenance, name="maintenance"),
    # The support desk (the views are support's).
    path("support/", support_views.staff_list, name="support"),
    path("support/<id:pk>/", support_views.staff_detail, name="support_detail"),
    path("support/<id:pk>/action/", support_views.staff_action, name="support_action"),
    path("mail/<id:pk>/retry/", views.mail_retry, name="mail_retry"),
    # The payments ledger (the view is payments'; staff read it, the services alone write it).
    path("payments/", payment_views.staff_payment_list, name="payments"),
    # Reported conversations (the views are messaging's; staff see no other conversation).
    path("reports/", messaging_views.report_list, name="reports"),
    path("reports/<id:pk>/", messaging_views.report_detail, name="report_detail"),
    path("reports/<id:pk>/handle/", messaging_views.report_handle, name="report_handle"),
    # Reviews: every review, and hiding or showing one again with a reason (the views are reviews').
    path("reviews/", reviews_views.staff_review_list, name="reviews"),
    path("reviews/<id:pk>/", reviews_views.staff_review_detail, name="review_detail"),
    path("reviews/<id:pk>/hide/", reviews_views.staff_review_hide, name="review_hide"),
    path("reviews/<id:pk>/unhide/", reviews_views.staff_review_unhide, name="review_unhide"),
    # The audit log: staff actions and security events, and recorded model changes (read only).
    path("audit/", audit_views.staff_event_list, name="audit"),
    path("audit/changes/", audit_views.staff_change_list, name="audit_changes"),
    # Mentors' mailings: every mailing with its figures; disabling one with a reason (the views are mailings').
    path("mailings/", mailings_views.staff_mailing_list, name="mailings"),
    path("mailings/<id:pk>/", mailings_views.staff_mailing_detail, name="mailing_detail"),
    path("mailings/<id:pk>/disable/", mailings_views.staff_mailing_disable, name="mailing_disable"),
    path("mailings/<id:pk>/enable/", mailings_views.staff_mailing_enable, name="mailing_enable"),
]
