from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from core.http import Refusal, client_ip
from core.paging import filters_querystring, page_of
from support import services
from support.forms import ContactForm, StaffReplyForm, StaffSupportFilterForm
from support.models import SupportRequest
from support.services import SupportError

PAGE_SIZE = 25


def _client_ip(request) -> str:
    """The client's address behind the trusted proxies (the per-IP limit is per client, not per proxy)."""
    return (client_ip(request) or "")[:45]


@require_http_methods(["GET", "POST"])
def contact(request):
    """Open to everyone: signed-in people find their address filled in."""
    user = request.user if request.user.is_authenticated else None
    initial = {"email": user.email, "name": user.display_name} if user else {}
    subject = request.GET.get("about", "")
    if subject in SupportRequest.Subject.values:
        initial["subject"] = subject
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.support_request_create(
                subject=data["subject"],
                email=data["email"],
                name=data["name"],
                message=data["message"],
                user=user,
                ip=_client_ip(request),
            )
        except SupportError as error:
            messages.error(request, error.message)
        else:
            request.session["support_sent"] = created.pk
            return redirect("support:sent")
    return render(request, "support/contact.html", {"form": form}, status=400 if form.is_bound else 200)


def sent(request):
    pk = request.session.get("support_sent")
    support_request = SupportRequest.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if support_request is None:
        return redirect("support:contact")
    return render(request, "support/sent.html", {"support_request": support_request})


# --- Staff (mounted under /dashboard/support/) ---


@permission_required("view_dashboard", "handle_support")
def staff_list(request):
    form = StaffSupportFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    rows = SupportRequest.objects.select_related("assigned_to", "user")
    if values.get("status"):
        rows = rows.filter(status=values["status"])
    if values.get("mine"):
        rows = rows.filter(assigned_to=request.user)
    return render(
        request,
        "dashboard/support_list.html",
        {"form": form, "page": page_of(request, rows, PAGE_SIZE), "querystring": filters_querystring(request)},
    )


def _staff_request(pk) -> SupportRequest:
    return get_object_or_404(SupportRequest.objects.select_related("assigned_to", "user"), pk=pk)


@permission_required("view_dashboard", "handle_support")
@require_http_methods(["GET", "POST"])
def staff_detail(request, pk):
    support_request = _staff_request(pk)
    if request.method == "POST" and not request.user.has_perm("accounts.handle_support"):
        raise Refusal(_("Your staff role does not allow this."))
    form = StaffReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_answer(
                request=support_request,
                by=request.user,
                body=form.cleaned_data["body"],
                close=form.cleaned_data["close"],
            )
        except SupportError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is on its way to %(email)s.") % {"email": support_request.email})
        return redirect("dashboard:support_detail", support_request.pk)
    return render(
        request,
        "dashboard/support_detail.html",
        {"support_request": support_request, "replies": support_request.replies.select_related("author"), "form": form},
        status=400 if form.is_bound else 200,
    )


@permission_required("handle_support")
@require_POST
def staff_action(request, pk):
    """Assign to me / unassign / close / reopen: one small POST each."""
    support_request = _staff_request(pk)
    action = request.POST.get("action")
    if action == "assign":
        services.support_request_assign(request=support_request, to=request.user, by=request.user)
        messages.success(request, _("The request is assigned to you."))
    elif action == "unassign":
        services.support_request_assign(request=support_request, to=None, by=request.user)
        messages.success(request, _("The request is no longer assigned."))
    elif action in ("close", "reopen"):
        services.support_request_close(request=support_request, by=request.user, reopen=action == "reopen")
        messages.success(request, _("The request is closed.") if action == "close" else _("The request is open again."))
    else:
        raise Http404
    return redirect("dashboard:support_detail", support_request.pk)
