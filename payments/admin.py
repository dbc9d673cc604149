from django.contrib import admin

from core.admin import ReadOnlyAdmin
from payments.models import CreditUse, Package, PackagePurchase, Payment, Refund


class ReadOnlyLedgerAdmin(ReadOnlyAdmin):
    """The ledger is written by the services only: staff read it here, they never edit it."""


@admin.register(Payment)
class PaymentAdmin(ReadOnlyLedgerAdmin):
    list_display = ["invoice_number", "payer", "mentor", "amount", "currency", "refunded", "status", "created_at"]
    list_filter = ["status", "currency"]
    list_select_related = ["payer", "mentor"]
    search_fields = ["invoice_number", "payer__email", "mentor__email", "reference"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyLedgerAdmin):
    list_display = ["payment", "amount", "reason", "created_at"]
    list_select_related = ["payment"]
    list_filter = ["reason"]


@admin.register(PackagePurchase)
class PackagePurchaseAdmin(ReadOnlyLedgerAdmin):
    list_display = ["package", "mentee", "credits_left", "sessions", "expires_at", "refunded_at"]
    list_select_related = ["package", "mentee"]


@admin.register(CreditUse)
class CreditUseAdmin(ReadOnlyLedgerAdmin):
    list_display = ["purchase", "booking", "used_at", "returned_at"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["title", "mentor", "sessions", "price", "is_active"]
    list_select_related = ["mentor"]
    raw_id_fields = ["mentor"]
