"""
Mailing pages. A mentor's pages show only their own clients, messages, mailings and runs (anyone
else's id is a 404); every change is a service call, Post/Redirect/Get. The unsubscribe link works
without signing in, and its POST without a CSRF token (RFC 8058 one-click: the signed token is the
proof). Staff pages are routed under /dashboard/: staff see every mailing and can disable one, never
change it.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import mentor_required, permission_required
from accounts.models import User
from core.converters import IdConverter
from core.dates import when
from core.paging import filters_querystring, page_of
from mailings import emails, selectors, services
from mailings.forms import ClientForm, DisableForm, MailingForm, MessageForm, StaffMailingFilterForm
from mailings.models import Client, Mailing, MailingRun, Message, Recipient

PREVIEW_NAME, PREVIEW_ADDRESS = "Olena Kovalenko", "olena@example.com"


# --- Mailings ---


@mentor_required
@require_GET
def mailing_list(request):
    """The mentor's mailings with their figures, and the figures of all of them."""
    page = selectors.with_figures(page_of(request, selectors.mailings_of(request.user), selectors.PAGE_SIZE))
    context = {
        "page": page,
        "totals": selectors.statistics(Recipient.objects.filter(run__mailing__mentor=request.user)),
        "can_send": selectors.can_send(request.user),
    }
    return render(request, "mailings/mailing_list.html", context)


@mentor_required
@require_http_methods(["GET", "POST"])
def mailing_create(request):
    # "Send it to clients" on a message's page comes with ?message=: chosen here, as the mentor asked.
    chosen = request.GET.get("message", "")
    initial = {"message": int(chosen)} if re.fullmatch(IdConverter.regex, chosen) else None
    form = MailingForm(request.POST or None, mentor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mailing = services.mailing_create(
                mentor=request.user,
                message=form.cleaned_data["message"],
                start_at=form.cleaned_data["start_at"],
                end_at=form.cleaned_data["end_at"],
                period=form.cleaned_data["period"],
                clients=form.chosen_clients(),
            )
        except services.MailingError as error:
            messages.error(request, error.message)
        else:
            # A start that has passed starts now: its emails go to the outbox (the delivery sends them).
            services.mailings_send_due(mailing_id=mailing.pk)
            if mailing.start_at <= timezone.now():
                messages.success(request, _("The mailing has started: its emails are on their way."))
            else:
                messages.success(
                    request, _("The mailing is scheduled for %(when)s.") % {"when": when(mailing.start_at, "full")}
                )
            return redirect(mailing)
    context = {
        "form": form,
        "can_send": selectors.can_send(request.user),
        "has_messages": form.fields["message"].queryset.exists(),
    }
    return render(request, "mailings/mailing_form.html", context, status=400 if form.is_bound else 200)


def _own_mailing(request, pk) -> Mailing:
    return get_object_or_404(Mailing.objects.select_related("message", "mentor"), pk=pk, mentor=request.user)


@mentor_required
@require_GET
def mailing_detail(request, pk):
    mailing = _own_mailing(request, pk)
    figures = selectors.statistics(Recipient.objects.filter(run__mailing=mailing))
    mailing.waiting = figures["waiting"]  # a mailing with no runs to come still "sends" while any wait
    context = {
        "mailing": mailing,
        "figures": figures,
        "runs": Paginator(selectors.runs_with_figures(mailing), selectors.PAGE_SIZE).get_page(request.GET.get("page")),
        "chosen": mailing.clients.order_by("full_name", "email")[:50] if not mailing.all_clients else None,
        "chosen_count": 0 if mailing.all_clients else mailing.clients.count(),
    }
    return render(request, "mailings/mailing_detail.html", context)


def _change(request, pk, service, success):
    mailing = _own_mailing(request, pk)
    try:
        service(mailing=mailing, by=request.user)
    except services.MailingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(mailing)


@mentor_required
@require_POST
def mailing_pause(request, pk):
    return _change(request, pk, services.mailing_pause, _("The mailing is paused."))


@mentor_required
@require_POST
def mailing_resume(request, pk):
    return _change(request, pk, services.mailing_resume, _("The mailing is back on schedule."))


@mentor_required
@require_POST
def mailing_end(request, pk):
    return _change(request, pk, services.mailing_end, _("The mailing has ended."))


@mentor_required
@require_GET
def run_detail(request, pk):
    """One run: every recipient and every attempt, with the time, the status and the server's reply."""
    run = get_object_or_404(MailingRun.objects.select_related("mailing__message"), pk=pk, mailing__mentor=request.user)
    page = page_of(request, selectors.run_recipients(run), selectors.PAGE_SIZE)
    context = {"run": run, "page": page, "figures": selectors.statistics(run.recipients.all())}
    return render(request, "mailings/run_detail.html", context)


# --- Clients ---


@mentor_required
@require_http_methods(["GET", "POST"])
def client_list(request):
    """The mentor's clients (people who booked arrive by themselves) and the form to add a contact."""
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_add(mentor=request.user, **form.cleaned_data)
        except services.MailingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(email)s is one of your clients now.") % {"email": client.email})
            return redirect("mailings:clients")
    page = page_of(request, selectors.clients_of(request.user), selectors.PAGE_SIZE)
    context = {"form": form, "page": page}
    return render(request, "mailings/client_list.html", context, status=400 if form.is_bound else 200)


@mentor_required
@require_http_methods(["GET", "POST"])
def client_edit(request, pk):
    client = get_object_or_404(Client, pk=pk, mentor=request.user)
    initial = {"email": client.email, "full_name": client.full_name, "comment": client.comment}
    form = ClientForm(request.POST or None, initial=initial, booked=not client.is_manual)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(client=client, by=request.user, **form.cleaned_data)
        except services.MailingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The client is saved."))
            return redirect("mailings:clients")
    return render(
        request, "mailings/client_form.html", {"form": form, "client": client}, status=400 if form.is_bound else 200
    )


@mentor_required
@require_POST
def client_remove(request, pk):
    client = get_object_or_404(Client, pk=pk, mentor=request.user)
    try:
        services.client_remove(client=client, by=request.user)
    except services.MailingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(email)s is no longer on your list.") % {"email": client.email})
    return redirect("mailings:clients")


# --- Messages ---


@mentor_required
@require_GET
def message_list(request):
    page = page_of(
        request, Message.objects.filter(mentor=request.user).order_by("-updated_at", "-pk"), selectors.PAGE_SIZE
    )
    return render(request, "mailings/message_list.html", {"page": page})


def _preview(request, message):
    client = Client.objects.filter(mentor=request.user).order_by("pk").first()
    name, address = (client.full_name, client.email) if client else (PREVIEW_NAME, PREVIEW_ADDRESS)
    return emails.preview(message=message, mentor=request.user, client_name=name, address=address)


def _message_form(request, message=None):
    initial = {"subject": message.subject, "body": message.body} if message else None
    form = MessageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_save(mentor=request.user, message=message, **form.cleaned_data)
        except services.MailingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The message is saved. Below is how your clients will see it."))
            return redirect("mailings:message_edit", pk=message.pk)
    context = {"form": form, "message": message, "preview": _preview(request, message) if message else None}
    return render(request, "mailings/message_form.html", context, status=400 if form.is_bound else 200)


@mentor_required
@require_http_methods(["GET", "POST"])
def message_create(request):
    return _message_form(request)


@mentor_required
@require_http_methods(["GET", "POST"])
def message_edit(request, pk):
    """The message, its form, and a preview as its first client (or a sample one) will see it."""
    return _message_form(request, get_object_or_404(Message, pk=pk, mentor=request.user))


@mentor_required
@require_POST
def message_delete(request, pk):
    message = get_object_or_404(Message, pk=pk, mentor=request.user)
    try:
        services.message_delete(message=message, by=request.user)
    except services.MailingError as error:
        messages.error(request, error.message)
        return redirect("mailings:message_edit", pk=message.pk)
    messages.success(request, _("The message is deleted."))
    return redirect("mailings:messages")


# --- Unsubscribing (no sign-in) ---


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = emails.read_token(token)
    if found is None:
        raise Http404
    mentor_id, address = found
    mentor = User.objects.filter(pk=mentor_id, is_mentor=True).first()
    if mentor is None:
        raise Http404
    done = request.method == "POST"
    if done:
        services.unsubscribe(mentor_id=mentor_id, email=address)
    return render(request, "mailings/unsubscribe.html", {"mentor": mentor, "address": address, "done": done})


# --- Staff (routed under /dashboard/) ---


@permission_required("view_dashboard", "disable_mailings")
@require_GET
def staff_mailing_list(request):
    """Every mailing with its figures, and the platform's totals."""
    form = StaffMailingFilterForm(request.GET)
    rows = selectors.mailings_for_staff(status=form.values()["status"])
    context = {
        "page": selectors.with_figures(page_of(request, rows, selectors.PAGE_SIZE)),
        "form": form,
        "querystring": filters_querystring(request),
        "totals": selectors.platform_totals(),
    }
    return render(request, "dashboard/mailing_list.html", context)


@permission_required("view_dashboard", "disable_mailings")
@require_GET
def staff_mailing_detail(request, pk):
    """One mailing as its mentor set it up (read only), its figures and replies, and the disable form."""
    return _staff_mailing_page(request, pk, DisableForm())


def _staff_mailing_page(request, pk, form: DisableForm, *, status: int = 200):
    mailing = get_object_or_404(Mailing.objects.select_related("message", "mentor", "disabled_by"), pk=pk)
    figures = selectors.statistics(Recipient.objects.filter(run__mailing=mailing))
    mailing.waiting = figures["waiting"]
    context = {
        "mailing": mailing,
        "figures": figures,
        "runs": selectors.runs_with_figures(mailing)[:20],
        "replies": selectors.latest_replies(mailing),
        "body_html": emails.formatting.to_html(mailing.message.body),
        "form": form,
    }
    return render(request, "dashboard/mailing_detail.html", context, status=status)


@permission_required("disable_mailings")
@require_POST
def staff_mailing_disable(request, pk):
    """Disable with a reason; a refused reason comes back in its form, as typed (400), not lost in a redirect."""
    mailing = get_object_or_404(Mailing, pk=pk)
    form = DisableForm(request.POST)
    if not form.is_valid():
        return _staff_mailing_page(request, pk, form, status=400)
    try:
        services.mailing_disable(mailing=mailing, by=request.user, reason=form.cleaned_data["reason"])
    except services.MailingError as error:  # the mailing changed meanwhile (disabled already, say)
        messages.error(request, error.message)
    else:
        messages.success(request, _("The mailing is disabled; its mentor sees your reason."))
    return redirect("dashboard:mailing_detail", pk=mailing.pk)


@permission_required("disable_mailings")
@require_POST
def staff_mailing_enable(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk)
    try:
        services.mailing_enable(mailing=mailing, by=request.user)
    except services.MailingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The mailing is enabled again."))
    return redirect("dashboard:mailing_detail", pk=mailing.pk)
