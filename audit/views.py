"""The audit log on the dashboard: read and filtered by staff who may, written by nobody here."""

from django.shortcuts import render

from accounts.decorators import permission_required
from audit import selectors
from audit.forms import ChangeFilterForm, EventFilterForm
from core.paging import filters_querystring, page_of

PAGE_SIZE = 50


@permission_required("view_audit_log")
def staff_event_list(request):
    form = EventFilterForm(request.GET or None)
    values = form.values() if form.is_bound else {}
    rows = selectors.events(
        action=values.get("action", ""),
        person=values.get("person", ""),
        ip=values.get("ip") or None,
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
    )
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page_of(request, rows, PAGE_SIZE), "querystring": filters_querystring(request)},
    )


@permission_required("view_audit_log")
def staff_change_list(request):
    form = ChangeFilterForm(request.GET or None, models=selectors.tracked_models())
    values = form.values() if form.is_bound else {}
    rows = selectors.changes(
        model=values.get("model", ""),
        person=values.get("person", ""),
        object_id=values.get("object_id"),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
    )
    page = page_of(request, rows, PAGE_SIZE)
    selectors.name_related(page.object_list)
    return render(
        request, "audit/change_list.html", {"form": form, "page": page, "querystring": filters_querystring(request)}
    )
