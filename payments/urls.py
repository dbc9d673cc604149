from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("payments/", views.payment_list, name="list"),
    path("payments/checkout/<id:pk>/", views.checkout, name="checkout"),
    path("payments/checkout/<id:pk>/credit/", views.checkout_credit, name="checkout_credit"),
    path("payments/<id:pk>/confirm/", views.payment_confirm, name="confirm"),
    path("payments/packages/<id:pk>/buy/", views.package_buy, name="package_buy"),
    path("payments/packages/bought/<id:pk>/refund/", views.purchase_refund, name="purchase_refund"),
    path("earnings/", views.earnings, name="earnings"),
    path("earnings/packages/", views.package_manage, name="package_manage"),
    path("earnings/packages/<id:pk>/toggle/", views.package_toggle, name="package_toggle"),
]
