from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("ask/<id:mentor_pk>/", views.conversation_start, name="start"),
    path("booking/<id:booking_pk>/", views.conversation_from_booking, name="from_booking"),
    path("<id:pk>/", views.conversation_detail, name="detail"),
    path("<id:pk>/messages.json", views.conversation_messages, name="messages"),
    path("<id:pk>/read/", views.conversation_read, name="read"),
    path("<id:pk>/block/", views.conversation_block, name="block"),
    path("<id:pk>/unblock/", views.conversation_unblock, name="unblock"),
    path("<id:pk>/report/", views.conversation_report, name="report"),
]
