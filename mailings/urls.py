from django.urls import path

from mailings import views

app_name = "mailings"

urlpatterns = [
    path("", views.mailing_list, name="list"),
    path("new/", views.mailing_create, name="create"),
    path("<id:pk>/", views.mailing_detail, name="detail"),
    path("<id:pk>/pause/", views.mailing_pause, name="pause"),
    path("<id:pk>/resume/", views.mailing_resume, name="resume"),
    path("<id:pk>/end/", views.mailing_end, name="end"),
    path("runs/<id:pk>/", views.run_detail, name="run"),
    path("clients/", views.client_list, name="clients"),
    path("clients/<id:pk>/", views.client_edit, name="client_edit"),
    path("clients/<id:pk>/remove/", views.client_remove, name="client_remove"),
    path("messages/", views.message_list, name="messages"),
    path("messages/new/", views.message_create, name="message_create"),
    path("messages/<id:pk>/", views.message_edit, name="message_edit"),
    path("messages/<id:pk>/delete/", views.message_delete, name="message_delete"),
    # The link in every mailing email: no sign-in; GET asks, POST (also the one-click POST) unsubscribes.
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
