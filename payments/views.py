from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import mentor_required, permission_required
from core.money import money
from core.paging import filters_querystring, page_of
from payments import policy, selectors, services
from payments.forms import CardForm, PackageForm, StaffPaymentFilterForm
from payments.models import Package, PackagePurchase, Payment
from payments.providers.fake import TEST_CARDS
from payments.services import PaymentError
from schedule import services as schedule_services
from schedule.models import Booking

PAGE_SIZE = 20


def _test_cards():
    """The cards the imitation processor answers, for the help box under the card form."""
    outcomes = {
        "4242424242424242": _("Paid"),
        "5555555555554444": _("Paid (Mastercard)"),
        "4000000000000002": _("Declined"),
        "4000000000009995": _("Declined: insufficient funds"),
        "4000002500003155": _("Your bank asks you to confirm"),
    }
    return [(" ".join(number[i : i + 4] for i in range(0, 16, 4)), outcomes[number]) for number in TEST_CARDS]


def _after_payment(request, payment: Payment):
    if payment.status == Payment.Status.REQUIRES_ACTION:
        return redirect("payments:confirm", payment.pk)
    if payment.booking_id:
        messages.success(request, _("Paid. Your session is booked, and the receipt is in your email."))
        return redirect(payment.booking)
    messages.success(request, _("Paid. The package's sessions are yours to book; the receipt is in your email."))
    return redirect("payments:list")


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, pk):
    """Pay for a held session: by card, or with a package credit of this mentor."""
    booking = get_object_or_404(
        Booking.objects.select_related("slot", "mentor__mentor_profile"), pk=pk, mentee=request.user
    )
    if booking.status == Booking.Status.CONFIRMED:
        messages.info(request, _("This session is already paid for."))
        return redirect(booking)
    now = timezone.now()
    if booking.status != Booking.Status.PENDING or booking.hold_expires_at <= now:
        schedule_services.holds_release_expired(now=now, slot_id=booking.slot_id)
        messages.error(request, _("The time held for you ran out. Please choose the time again."))
        return redirect(booking.mentor.mentor_profile)
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.booking_pay(
                booking=booking, payer=request.user, card=form.card(), idempotency_key=form.cleaned_data["key"]
            )
        except PaymentError as error:
            messages.error(request, error.message)
            return redirect("payments:checkout", booking.pk)  # it sends a paid or lapsed hold on from there
        return _after_payment(request, payment)
    profile = booking.mentor.mentor_profile
    return render(
        request,
        "payments/checkout.html",
        {
            "booking": booking,
            "slot": booking.slot,
            "mentor": booking.mentor,
            "price": profile.price if booking.price is None else booking.price,
            "policy_lines": policy.describe(profile.cancellation_policy),
            "purchase": services.usable_purchase(mentee=request.user, mentor=booking.mentor, now=now),
            "form": form,
            "test_cards": _test_cards(),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def checkout_credit(request, pk):
    booking = get_object_or_404(Booking, pk=pk, mentee=request.user)
    try:
        services.booking_pay_with_credit(booking=booking, payer=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:checkout", booking.pk)  # it sends a paid or lapsed hold on from there
    messages.success(request, _("Booked with a session of your package. A confirmation email is on its way."))
    return redirect(booking)


@login_required
@require_http_methods(["GET", "POST"])
def payment_confirm(request, pk):
    """The bank's extra step (3-D Secure), imitated: confirm or give up."""
    payment = get_object_or_404(
        Payment.objects.select_related("mentor", "booking", "package"), pk=pk, payer=request.user
    )
    if payment.status == Payment.Status.SUCCEEDED:
        return _after_payment(request, payment)
    back = (
        redirect("payments:checkout", payment.booking_id)
        if payment.booking_id
        else redirect("payments:package_buy", payment.package_id)
    )
    if payment.status != Payment.Status.REQUIRES_ACTION:
        return back
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("confirm", "cancel"):
            return render(request, "payments/confirm.html", {"payment": payment}, status=400)
        if action == "cancel":
            services.payment_abandon(payment=payment, payer=request.user)
            messages.error(request, _("The payment was not confirmed. Nothing was charged."))
            return back
        try:
            payment = services.payment_confirm(payment=payment, payer=request.user)
        except PaymentError as error:
            messages.error(request, error.message)
            return back
        return _after_payment(request, payment)
    return render(request, "payments/confirm.html", {"payment": payment})


@login_required
def payment_list(request):
    page = Paginator(selectors.payer_payments(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/payment_list.html",
        {"page": page, "purchases": selectors.payer_packages(user=request.user)[:50], "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def purchase_refund(request, pk):
    """Give back a package's unused sessions: the amount is shown first, then refunded on confirming."""
    purchase = get_object_or_404(
        PackagePurchase.objects.select_related("package", "payment", "mentor"), pk=pk, mentee=request.user
    )
    if request.method == "GET":
        try:
            amount = services.package_refund_quote(purchase=purchase)
        except PaymentError as error:
            messages.error(request, error.message)
            return redirect("payments:list")
        return render(request, "payments/purchase_refund.html", {"purchase": purchase, "amount": amount})
    try:
        refund = services.package_refund_unused(purchase=purchase, by=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The unused sessions are refunded: %(amount)s.")
            % {"amount": money(refund.amount, refund.payment.currency) if refund else money(0, zero_is_free=False)},
        )
    return redirect("payments:list")


@login_required
@require_http_methods(["GET", "POST"])
def package_buy(request, pk):
    package = get_object_or_404(  # not one's own: a mentor does not buy their own package
        selectors.packages_on_offer().select_related("mentor__mentor_profile").exclude(mentor=request.user), pk=pk
    )
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.package_buy(
                package=package, payer=request.user, card=form.card(), idempotency_key=form.cleaned_data["key"]
            )
        except PaymentError as error:
            messages.error(request, error.message)
            return redirect("payments:package_buy", package.pk)
        return _after_payment(request, payment)
    return render(
        request,
        "payments/package_buy.html",
        {
            "package": package,
            "mentor": package.mentor,
            "form": form,
            "test_cards": _test_cards(),
            "valid_days": settings.PACKAGE_VALID_DAYS,
        },
        status=400 if form.is_bound else 200,
    )


@mentor_required
def earnings(request):
    page = Paginator(selectors.mentor_payments(mentor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/earnings.html",
        {
            "totals": selectors.mentor_earnings(mentor=request.user),
            "months": selectors.mentor_months(mentor=request.user),
            "page": page,
        },
    )


@mentor_required
@require_http_methods(["GET", "POST"])
def package_manage(request):
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.package_save(mentor=request.user, **form.cleaned_data)
        except PaymentError as error:
            form.add_error("price" if error.code == "too_dear" else None, error.message)
        else:
            messages.success(request, _("The package is on offer on your public page."))
            return redirect("payments:package_manage")
    return render(
        request,
        "payments/package_manage.html",
        {
            "form": form,
            # "On offer" only where a client can buy it: switched on and priced within today's sessions.
            "packages": Package.objects.filter(mentor=request.user).annotate(
                on_offer=Exists(selectors.packages_on_offer().filter(pk=OuterRef("pk")))
            ),
        },
        status=400 if form.is_bound else 200,
    )


@mentor_required
@require_POST
def package_toggle(request, pk):
    package = get_object_or_404(Package, pk=pk, mentor=request.user)
    try:
        services.package_set_active(package=package, mentor=request.user, active=not package.is_active)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:package_manage")
    if package.is_active:
        messages.success(request, _("The package is on offer again."))
    else:
        messages.success(request, _("The package is no longer offered. Clients who bought it keep their sessions."))
    return redirect("payments:package_manage")


@permission_required("view_dashboard", "view_payments")  # Support too: questions about charges and refunds
@require_safe
def staff_payment_list(request):
    form = StaffPaymentFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    rows = selectors.staff_payments(status=values.get("status", ""), query=values.get("query", ""))
    return render(
        request,
        "dashboard/payment_list.html",
        {"form": form, "page": page_of(request, rows, PAGE_SIZE), "querystring": filters_querystring(request)},
    )
