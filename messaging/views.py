"""
Conversation pages. Every lookup goes through ``selectors.conversation_of``: a conversation the
signed-in person does not take part in is a 404, whatever its id. Sending works without JavaScript
(POST, then redirect); ``static/js/messages.js`` posts the same form with fetch and asks for JSON.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import permission_required
from accounts.models import User
from core.dates import when
from messaging import selectors, services
from messaging.forms import MessageForm, ReportFilterForm, ReportForm, ReportHandleForm
from messaging.models import Conversation, Message

LIST_PAGE_SIZE = 20
ID_PATTERN = re.compile(r"[0-9]{1,18}")


def _conversation_or_404(request, pk) -> Conversation:
    conversation = selectors.conversation_of(request.user, pk)
    if conversation is None:
        raise Http404
    return conversation


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def message_payload(message: Message, *, viewer) -> dict:
    """One message as the page's script shows it (in the viewer's active language and zone)."""
    return {
        "id": message.pk,
        "body": message.body,
        "sender": message.sender.display_name,
        "mine": message.sender_id == viewer.pk,
        "when": when(message.created_at, "short"),
    }


@login_required
def conversation_list(request):
    """My conversations, the one with the latest message first, each with its unread count."""
    page = Paginator(selectors.conversations_for(request.user), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    for conversation in page.object_list:
        conversation.other_person = conversation.other(request.user)
    return render(request, "messaging/conversation_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request, pk):
    """
    The history (the latest page at the bottom, "Earlier messages" above), the pair's next session
    and the form. Opening it marks it read; a refused message is shown with the text kept, unstored.
    """
    conversation = _conversation_or_404(request, pk)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message = services.message_send(
                    conversation=conversation, sender=request.user, body=form.cleaned_data["body"]
                )
            except services.MessagingError as error:
                if _wants_json(request):
                    return JsonResponse({"error": error.message}, status=400)
                messages.error(request, error.message)
                status = 400
            else:
                if _wants_json(request):
                    return JsonResponse({"message": message_payload(message, viewer=request.user)})
                return redirect(f"{conversation.get_absolute_url()}#message-form")
        else:
            if _wants_json(request):
                return JsonResponse({"error": " ".join(form.errors.get("body", []))}, status=400)
            status = 400
    else:
        services.conversation_mark_read(conversation=conversation, user=request.user)
    page = Paginator(selectors.history(conversation), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(reversed(page.object_list))
    context = {
        "conversation": conversation,
        "other": conversation.other(request.user),
        "page": page,
        "shown": shown,
        "last_id": shown[-1].pk if shown else 0,
        "next_session": selectors.next_session(conversation),
        "i_block": conversation.blocks(request.user),
        "form": form,
        "report_form": ReportForm(),
    }
    return render(request, "messaging/conversation_detail.html", context, status=status)


@login_required
@require_GET
def conversation_messages(request, pk):
    """``?after=<id>``: what a page missed while its socket was down (JSON, oldest first)."""
    conversation = _conversation_or_404(request, pk)
    after = request.GET.get("after", "0")
    if not ID_PATTERN.fullmatch(after):
        return JsonResponse({"error": _("Not a message id.")}, status=400)
    items = selectors.messages_after(conversation, int(after))
    return JsonResponse({"messages": [message_payload(m, viewer=request.user) for m in items]})


@login_required
@require_POST
def conversation_read(request, pk):
    """The open page saw new messages arrive live: they are read."""
    conversation = _conversation_or_404(request, pk)
    services.conversation_mark_read(conversation=conversation, user=request.user)
    return JsonResponse({"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def conversation_start(request, mentor_pk):
    """ "Ask a question" on a mentor's page: open (or reopen) my conversation with this mentor."""
    mentor = get_object_or_404(
        User.objects.select_related("mentor_profile"), pk=mentor_pk, is_mentor=True, is_active=True
    )
    try:
        conversation = services.conversation_open(mentor=mentor, mentee=request.user)
    except services.MessagingError as error:
        messages.error(request, error.message)
        return redirect(mentor.mentor_profile)
    return redirect(conversation)


@login_required
@require_POST
def conversation_from_booking(request, booking_pk):
    """ "Message <name>" on a booking page: the conversation of the booking's mentor and mentee."""
    from schedule.selectors import bookings_for_user  # a read of the app below

    booking = get_object_or_404(bookings_for_user(user=request.user).select_related("mentor", "mentee"), pk=booking_pk)
    try:
        conversation = services.conversation_for_booking(booking=booking, user=request.user)
    except services.MessagingError as error:
        messages.error(request, error.message)
        return redirect(booking)
    return redirect(conversation)


def _set_block(request, pk, *, blocked: bool):
    conversation = _conversation_or_404(request, pk)
    services.conversation_block(conversation=conversation, user=request.user, blocked=blocked)
    other = conversation.other(request.user).display_name
    if blocked:
        messages.success(
            request, _("You blocked %(name)s. Neither of you can write here until you unblock.") % {"name": other}
        )
    else:
        messages.success(request, _("You unblocked %(name)s.") % {"name": other})
    return redirect(conversation)


@login_required
@require_POST
def conversation_block(request, pk):
    return _set_block(request, pk, blocked=True)


@login_required
@require_POST
def conversation_unblock(request, pk):
    return _set_block(request, pk, blocked=False)


@login_required
@require_POST
def conversation_report(request, pk):
    conversation = _conversation_or_404(request, pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(conversation)
    try:
        services.conversation_report(
            conversation=conversation, reporter=request.user, reason=form.cleaned_data["reason"]
        )
    except services.MessagingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Staff will look at this conversation."))
    return redirect(conversation)


# --- Staff (routed under /dashboard/) ---


@permission_required("view_dashboard", "moderate_content")  # managers see every page; moderators act
@require_GET
def report_list(request):
    """Reported conversations only (staff cannot browse the others): by default, those with a report waiting."""
    form = ReportFilterForm(request.GET)
    status = form.status_value()
    conversations = selectors.reported_conversations(status=status)
    page = Paginator(conversations, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/report_list.html",
        {"page": page, "form": form, "status": status, "querystring": f"status={status}"},
    )


def _report_page(request, conversation: Conversation, form: ReportHandleForm, *, status: int = 200):
    page = Paginator(selectors.history(conversation), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    reports = list(conversation.reports.all())
    return render(
        request,
        "dashboard/report_detail.html",
        {
            "conversation": conversation,
            "page": page,
            "shown": list(reversed(page.object_list)),
            "reports": reports,
            "waiting": [report for report in reports if report.handled_at is None],
            "form": form,
        },
        status=status,
    )


def _reported_or_404(pk) -> Conversation:
    conversation = selectors.reported_conversation(pk)
    if conversation is None:
        raise Http404
    return conversation


@permission_required("view_dashboard", "moderate_content")
@require_GET
def report_detail(request, pk):
    """A reported conversation, read-only, with its reports and the form to mark them handled; else a 404."""
    conversation = _reported_or_404(pk)
    newest = max((report.pk for report in conversation.reports.all()), default=None)
    return _report_page(request, conversation, ReportHandleForm(initial={"up_to": newest}))


@permission_required("moderate_content")
@require_POST
def report_handle(request, pk):
    """Mark the conversation's open reports handled; a refused form comes back with what was typed (400)."""
    conversation = _reported_or_404(pk)
    form = ReportHandleForm(request.POST)
    if form.is_valid():
        try:
            count = services.conversation_reports_handle(
                conversation=conversation,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                up_to=form.cleaned_data["up_to"],
            )
        except services.MessagingError as error:
            if error.code != "handled":
                form.add_error(None, error.message)
            else:  # another tab or another staff member was first: nothing is left to do here
                messages.info(request, error.message)
                return redirect("dashboard:report_detail", pk=conversation.pk)
        else:
            messages.success(
                request,
                ngettext("%(count)d report is marked handled.", "%(count)d reports are marked handled.", count)
                % {"count": count},
            )
            if conversation.reports.filter(handled_at__isnull=True).exists():
                messages.warning(request, _("A new report came in while you read: it is still waiting."))
            return redirect("dashboard:report_detail", pk=conversation.pk)
    return _report_page(request, conversation, form, status=400)  # nothing changed: the page as it was
