from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import header
from core.dates import when
from notifications import kinds, selectors, services
from notifications.forms import NotificationSettingsForm
from notifications.models import Notification

PAGE_SIZE = 20


@login_required
def notification_list(request):
    """
    The whole history, newest first; works without JavaScript. What the page shows counts as read
    once shown (as an inbox does), so the bell stops counting it; it is marked *New* this one time.
    """
    page = Paginator(selectors.history(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    shown_unread = [notification.pk for notification in page.object_list if notification.read_at is None]
    if shown_unread:
        services.notifications_mark_read(user=request.user, ids=shown_unread)
    return render(request, "notifications/notification_list.html", {"page": page})


@login_required
def notification_latest(request):
    """
    The bell's dropdown: the unread count and the latest few, rendered for the reader, with every
    header count (``counts``: a page back from a dropped socket catches up on unread messages too).
    """
    items = [
        {
            "id": n.pk,
            "text": kinds.render(n),
            "icon": kinds.icon(n),
            "when": when(n.created_at, "short"),
            "read": n.read_at is not None,
        }
        for n in selectors.latest(request.user)
    ]
    counts = header.counts(request.user)  # one cache read for all of them
    return JsonResponse({"unread": counts.get(selectors.HEADER_COUNT, 0), "counts": counts, "items": items})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one read and go where it points (a path on this site, as the services store it)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    link = notification.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.notifications_mark_read(user=request.user)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Per kind: in-app only, or also by email. In-app notifications always come, so there is no "off"."""
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(user=request.user, email=form.email())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/notification_settings.html", {"form": form})
