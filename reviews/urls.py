from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("mine/", views.review_list_mine, name="mine"),
    path("session/<id:booking_pk>/", views.review_create, name="create"),
    path("<id:pk>/reply/", views.review_reply, name="reply"),
    path("<id:pk>/report/", views.review_report, name="report"),
]
