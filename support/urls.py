from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.contact, name="contact"),
    path("sent/", views.sent, name="sent"),
]
