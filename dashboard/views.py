"""Staff pages. Every view is behind ``staff_required`` and changes state only through the services."""

import csv
import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from post_office.models import Email

from accounts import directory
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.decorators import permission_required
from accounts.forms import MentorProfileForm
from accounts.models import User
from accounts.selectors import ROLE_NAMES, staff_role_of
from audit.models import Event
from audit.services import event_record
from core import maintenance as maintenance_mode
from core.dates import when, zone_name
from core.http import Refusal
from core.paging import filters_querystring, page_of
from dashboard import selectors
from dashboard.forms import (
    BookingFilterForm,
    MailFilterForm,
    MaintenanceForm,
    PeopleFilterForm,
    SlotFilterForm,
    StaffBookingForm,
    StaffCancelForm,
    StaffRoleForm,
)
from dashboard.staff_home import staff_home
from mailings import selectors as mailing_selectors
from payments import selectors as payment_selectors
from reviews import selectors as review_selectors
from schedule import delivery
from schedule import emails as schedule_emails
from schedule import services as schedule_services
from schedule.forms import SlotForm, availability_forms
from schedule.models import Booking, Slot
from schedule.services import BookingError

PAGE_SIZE = 25


def _page(request, rows):
    return page_of(request, rows, PAGE_SIZE)


_querystring = filters_querystring


def _confirm(request, *, title, text, action_label, danger=True):
    return render(
        request,
        "dashboard/confirm.html",
        {"title": title, "text": text, "action_label": action_label, "danger": danger},
    )


# --- Statistics ---


STATS_TTL_SECONDS = 60


def _stats_context() -> dict:
    per_day = selectors.bookings_per_day()
    days, start, end = selectors.last_days()
    money_days = payment_selectors.money_per_day(days=days, start=start, end=end)
    slot_days = selectors.slots_per_day()
    top = selectors.top_mentors()
    chart_data = {
        "bookingsPerDay": {
            "labels": [when(d["day"], "chart_day") for d in per_day],
            "counts": [d["count"] for d in per_day],
        },
        "slotsPerDay": {
            "labels": [when(d["day"], "chart_weekday") for d in slot_days],
            "booked": [d["booked"] for d in slot_days],
            "free": [d["free"] for d in slot_days],
        },
        "topMentors": {
            "labels": [f"{m['first_name']} {m['last_name']}".strip() or m["email"] for m in top],
            "counts": [m["completed"] for m in top],
        },
        "moneyPerDay": {
            "labels": [when(d["day"], "chart_day") for d in money_days],
            "revenue": [float(d["revenue"]) for d in money_days],
            "refunds": [float(d["refunds"]) for d in money_days],
        },
        "labels": {
            "bookings": _("Bookings"),
            "booked": _("Booked"),
            "free": _("Free"),
            "completed": _("Completed"),
            "revenue": _("Revenue"),
            "refunds": _("Refunds"),
        },
    }
    return {
        "stats": selectors.platform_stats(),
        "per_day": per_day,
        "slot_days": slot_days,
        "top": top,
        "money": payment_selectors.platform_money(),
        "rating": review_selectors.platform_rating(),
        "mailings": mailing_selectors.platform_totals(),
        "money_days": money_days,
        "chart_data": chart_data,
        "computed_at": timezone.now(),
    }


@login_required
def stats(request):
    """
    The figures are full-table aggregates, so they are cached for a minute, and recomputed as soon as
    a slot, booking or mentor changes (the same version key as the public directory). Staff whose role
    does not see the figures (Support) are sent on to their own first page.
    """
    if not request.user.has_staff_perm("view_dashboard"):
        home = staff_home(request.user)
        if home is None:
            raise Refusal(_("Your staff role does not allow this."))
        return redirect(home)
    key = directory.key("dashboard-stats", get_language(), timezone.get_current_timezone_name())
    body_html = cache.get(key)
    if body_html is None:
        body_html = render_to_string("dashboard/_stats_body.html", _stats_context(), request=request)
        cache.set(key, body_html, STATS_TTL_SECONDS)
    return render(request, "dashboard/stats.html", {"body_html": mark_safe(body_html)})  # our own template


# --- People (mentors and mentees) ---


@permission_required("view_dashboard")
def people_list(request):
    form = PeopleFilterForm(request.GET or None)
    values = form.values() if form.is_bound else {}
    rows = selectors.people(query=values.get("query", ""), role=values.get("role", ""), topic=values.get("topic", ""))
    return render(
        request,
        "dashboard/people_list.html",
        {"form": form, "page": _page(request, rows), "querystring": _querystring(request)},
    )


def _person_context(person, **forms):
    context = {
        "person": person,
        "role_form": StaffRoleForm(initial={"role": staff_role_of(person)}, auto_id="staff_role_%s"),
        "overview": selectors.mentor_overview(user=person) if person.is_mentor else None,
        # By the person, not by a piece of their address; as a mentor and as a client both (a client who
        # became a mentor keeps the sessions they booked).
        "upcoming": list(
            selectors.bookings()
            .filter(mentor=person, status=Booking.Status.CONFIRMED, slot__start__gt=timezone.now())
            .order_by("slot__start")[:10]
        )
        if person.is_mentor
        else [],
        "as_client": list(selectors.bookings().filter(mentee=person).order_by("-slot__start")[:10]),
        **(availability_forms(person) if person.is_mentor else {}),
    }
    context.update(forms)
    return context


@permission_required("view_dashboard")
def person_detail(request, pk):
    person = get_object_or_404(selectors.with_leaving(User.objects.select_related("mentor_profile")), pk=pk)
    with timezone.override(zoneinfo.ZoneInfo(person.timezone)):
        return render(request, "dashboard/person_detail.html", _person_context(person))


@permission_required("change_people")
@require_http_methods(["GET", "POST"])
def mentor_edit(request, pk):
    person = get_object_or_404(User, pk=pk, is_mentor=True)
    profile = account_services.mentor_profile_ensure(user=person)
    form = MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        account_services.mentor_profile_update(profile=profile, **form.cleaned_data)
        messages.success(request, _("The mentor profile has been saved."))
        _warn_unlisted(request, person, profile)
        return redirect("dashboard:person_detail", pk=person.pk)
    return render(request, "dashboard/mentor_form.html", {"person": person, "form": form})


def _warn_unlisted(request, person, profile) -> None:
    """Staff editing a profile learn when it is (now) out of the directory, and what it lacks."""
    readiness = account_selectors.mentor_readiness(profile=profile)
    if readiness.is_ready:
        return
    lacks = [
        text
        for done, text in (
            (readiness.has_headline, _("a headline")),
            (readiness.has_topic, _("a topic")),
            (readiness.has_price, _("a price, or free sessions")),
            (readiness.has_free_time, _("free time ahead")),
            (readiness.has_verified_email, _("a confirmed email address")),
        )
        if not done
    ]
    messages.warning(
        request,
        _("%(name)s is not listed in the directory; the profile lacks: %(lacks)s.")
        % {"name": person.display_name, "lacks": ", ".join(lacks)},
    )


@permission_required("change_people")
@require_http_methods(["GET", "POST"])
def person_role(request, pk):
    person = get_object_or_404(User, pk=pk)
    make_mentor = not person.is_mentor
    if request.method == "GET":
        return _confirm(
            request,
            title=_("Make %(name)s a mentor?") % {"name": person.display_name}
            if make_mentor
            else _("Remove the mentor role from %(name)s?") % {"name": person.display_name},
            text=_("They will get a public profile and can publish availability.")
            if make_mentor
            else _("Their public page and free slots disappear from the site. Booking history is kept."),
            action_label=_("Make mentor") if make_mentor else _("Remove mentor role"),
            danger=not make_mentor,
        )
    try:
        account_services.user_set_mentor(user=person, is_mentor=make_mentor, by=request.user)
    except account_services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is now a mentor.") % {"name": person.display_name}
            if make_mentor
            else _("%(name)s is no longer a mentor.") % {"name": person.display_name},
        )
    return redirect("dashboard:person_detail", pk=person.pk)


@permission_required("change_people")
@require_POST
def person_staff_role(request, pk):
    person = get_object_or_404(User, pk=pk)
    form = StaffRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the staff roles."))
        return redirect("dashboard:person_detail", pk=person.pk)
    role = form.cleaned_data["role"]
    try:
        account_services.user_set_staff_role(user=person, role=role, by=request.user)
    except account_services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s now has the staff role %(role)s.") % {"name": person.display_name, "role": ROLE_NAMES[role]}
            if role
            else _("%(name)s is no longer staff.") % {"name": person.display_name},
        )
    return redirect("dashboard:person_detail", pk=person.pk)


@permission_required("block_people")
@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    person = get_object_or_404(User, pk=pk, is_active=True)
    if person == request.user:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("dashboard:person_detail", pk=person.pk)
    if person.is_superuser and not request.user.is_superuser:
        messages.error(request, _("Only a superuser can deactivate a superuser."))
        return redirect("dashboard:person_detail", pk=person.pk)
    if request.method == "GET":
        return _confirm(
            request,
            title=_("Block %(name)s?") % {"name": person.display_name},
            text=_(
                "They are signed out on every device and can no longer sign in; a mentor leaves the directory. "
                "Their upcoming sessions are cancelled and their clients refunded in full; their history is "
                "kept, and you can unblock them later."
            ),
            action_label=_("Block"),
        )
    try:
        account_services.user_deactivate(user=person, by=request.user)
    except account_services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is blocked and signed out everywhere.") % {"name": person.display_name})
    return redirect("dashboard:person_detail", pk=person.pk)


@permission_required("block_people")
@require_POST
def person_reactivate(request, pk):
    person = get_object_or_404(User, pk=pk, is_active=False)
    try:
        account_services.user_reactivate(user=person, by=request.user)
    except account_services.AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": person.display_name})
    return redirect("dashboard:person_detail", pk=person.pk)


# --- Slots ---


@permission_required("change_schedule")
@require_POST
def slot_create(request, pk):
    mentor = get_object_or_404(User, pk=pk, is_mentor=True)
    forms = availability_forms(mentor, request.POST, bound="slot_form")
    form = forms["slot_form"]
    if not form.is_valid():
        with timezone.override(zoneinfo.ZoneInfo(mentor.timezone)):
            return render(request, "dashboard/person_detail.html", _person_context(mentor, **forms), status=400)
    try:
        slot = schedule_services.slot_create(
            mentor=mentor, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except BookingError as error:
        if error.code == "overlap":  # the service speaks to the mentor ("one of your slots")
            messages.error(request, _("This time overlaps one of %(name)s’s slots.") % {"name": mentor.display_name})
        else:
            messages.error(request, error.message)
    else:
        with timezone.override(zoneinfo.ZoneInfo(mentor.timezone)):  # said in the mentor's zone, as the form
            messages.success(
                request,
                _("The slot is published: %(when)s, %(zone)s.")
                % {"when": when(slot.start, "full"), "zone": zone_name(mentor.timezone)},
            )
    return redirect("dashboard:person_detail", pk=mentor.pk)


@permission_required("change_schedule")
@require_POST
def slot_bulk_create(request, pk):
    mentor = get_object_or_404(User, pk=pk, is_mentor=True)
    forms = availability_forms(mentor, request.POST, bound="bulk_form")
    form = forms["bulk_form"]
    if not form.is_valid():
        with timezone.override(zoneinfo.ZoneInfo(mentor.timezone)):
            return render(request, "dashboard/person_detail.html", _person_context(mentor, **forms), status=400)
    try:
        result = schedule_services.slot_bulk_create(mentor=mentor, **form.cleaned_data)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, result.summary())
    return redirect("dashboard:person_detail", pk=mentor.pk)


@permission_required("view_dashboard")
def slot_list(request):
    # The list starts at today: staff come here for what is ahead. An empty "From" shows everything; a
    # "To" alone before today (the past) is taken as it is, not refused for coming before "From".
    data = request.GET.copy()
    today = timezone.localdate()
    try:
        past_only = dt.date.fromisoformat(data.get("date_to", "")) < today
    except ValueError:
        past_only = False
    if not past_only:
        data.setdefault("date_from", today.isoformat())
    form = SlotFilterForm(data)
    values = form.values()
    rows = selectors.slots(
        mentor=values.get("mentor", ""),
        status=values.get("status", ""),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
    )
    return render(
        request,
        "dashboard/slot_list.html",
        {"form": form, "page": _page(request, rows), "querystring": _querystring(request)},
    )


@permission_required("change_schedule")
@require_http_methods(["GET", "POST"])
def slot_edit(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("mentor"), pk=pk)
    tz = zoneinfo.ZoneInfo(slot.mentor.timezone)
    local = slot.start.astimezone(tz)
    form = SlotForm(
        request.POST or None,
        tzname=slot.mentor.timezone,
        initial={"date": local.date(), "start_time": local.time(), "duration": slot.duration_minutes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.slot_update(slot=slot, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The slot has been moved."))
            return redirect("dashboard:slots")
    return render(request, "dashboard/slot_form.html", {"slot": slot, "form": form})


@permission_required("change_schedule")
@require_http_methods(["GET", "POST"])
def slot_delete(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("mentor"), pk=pk)
    if request.method == "GET":
        return _confirm(
            request,
            title=_("Delete this slot?"),
            text=_("%(mentor)s, %(when)s. This cannot be undone.")
            % {"mentor": slot.mentor.display_name, "when": when(slot.start, "compact")},
            action_label=_("Delete slot"),
        )
    try:
        deleted = schedule_services.slot_delete(slot=slot)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        hidden = _(
            "This time comes from the mentor's weekly hours, so it is hidden instead: deleted, it would come back."
        )
        messages.success(request, _("The slot has been deleted.") if deleted else hidden)
    return redirect("dashboard:slots")


# --- Bookings ---


def _filtered_bookings(request):
    form = BookingFilterForm(request.GET or None)
    values = form.values() if form.is_bound else {}
    rows = selectors.bookings(
        mentor=values.get("mentor", ""),
        mentee=values.get("mentee", ""),
        status=values.get("status", ""),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
    )
    return form, rows


@permission_required("view_bookings")
def booking_list(request):
    form, rows = _filtered_bookings(request)
    return render(
        request,
        "dashboard/booking_list.html",
        {"form": form, "page": _page(request, rows), "querystring": _querystring(request)},
    )


class _Echo:
    def write(self, value):
        return value


# What makes a spreadsheet read a cell as a formula (OWASP's list, "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(text: str) -> str:
    """
    A cell a spreadsheet will not run as a formula: anything people typed (names, notes, even an email
    address, whose local part may start with = or +) that starts with a formula character, also after
    leading whitespace (some spreadsheets trim it on import), gets a leading apostrophe: shown as text.
    """
    if text.startswith(_FORMULA_STARTS) or text.lstrip().startswith(_FORMULA_STARTS):
        return "'" + text
    return text


@permission_required("export_data")
def booking_export(request):
    """The filtered booking list as CSV, streamed so a large export does not sit in memory."""
    _form, rows = _filtered_bookings(request)
    writer = csv.writer(_Echo())
    header = ["id", "status", "start_utc", "end_utc", "mentor", "mentor_email", "mentee", "mentee_email", "note"]

    def status(b) -> str:
        if b.no_show:  # "mentee" or "mentor": who did not come
            return f"no_show_{b.no_show}"
        return "completed" if b.is_completed else b.status

    def lines():
        yield "\ufeff"  # a BOM: Excel reads the file as UTF-8 (Cyrillic names), other tools skip it
        yield writer.writerow(header)
        for b in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    b.pk,
                    status(b),
                    b.slot.start.isoformat(),
                    b.slot.end.isoformat(),
                    _spreadsheet_safe(b.slot.mentor.display_name),
                    _spreadsheet_safe(b.slot.mentor.email),
                    _spreadsheet_safe(b.mentee.display_name),
                    _spreadsheet_safe(b.mentee.email),
                    _spreadsheet_safe(b.note),
                ]
            )

    event_record(
        action=Event.Action.DATA_EXPORT,
        actor=request.user,
        changes={"what": "bookings.csv", "filters": {k: v[:200] for k, v in request.GET.items() if v}},
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bookings.csv"'
    return response


@permission_required("view_bookings")
def booking_detail(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("slot", "slot__mentor", "mentee", "cancelled_by"), pk=pk)
    return render(request, "dashboard/booking_detail.html", {"booking": booking, "slot": booking.slot})


@permission_required("change_schedule")
@require_http_methods(["GET", "POST"])
def booking_create(request, pk):
    slot = get_object_or_404(Slot.objects.select_related("mentor"), pk=pk)
    form = StaffBookingForm(request.POST or None, mentor=slot.mentor)
    if request.method == "POST" and form.is_valid():
        try:
            booking = schedule_services.booking_create(
                slot_id=slot.pk, mentee=form.cleaned_data["mentee"], note=form.cleaned_data["note"], by=request.user
            )
        except BookingError as error:
            if error.code == "blocked":  # the service's words are the client's: "You cannot book this mentor"
                messages.error(
                    request, _("One of this client and this mentor blocks the other: the session cannot be booked.")
                )
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, _("The booking has been made; both sides are emailed."))
            return redirect("dashboard:booking_detail", pk=booking.pk)
    return render(request, "dashboard/booking_form.html", {"slot": slot, "form": form})


@permission_required("change_schedule")
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("slot", "slot__mentor", "mentee"), pk=pk)
    form = StaffCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_services.booking_cancel(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The booking has been cancelled; both sides are emailed."))
        return redirect("dashboard:booking_detail", pk=booking.pk)
    return render(request, "dashboard/booking_cancel.html", {"booking": booking, "slot": booking.slot, "form": form})


# --- Mail ---


@permission_required("view_dashboard")
def mail_list(request):
    rows = selectors.delivery_log()
    status = request.GET.get("status", "")
    if status in {"0", "1", "2", "3"}:  # post_office's statuses; anything else shows every row
        rows = rows.filter(status=int(status))
    else:
        status = ""
    form = MailFilterForm(request.GET)
    recipient = form.values()["to"]
    if recipient:
        rows = rows.filter(to__icontains=recipient)
    page = _page(request, rows)
    page.object_list = list(page.object_list)
    for email in page.object_list:
        email.kind_label, email.shown_subject = schedule_emails.describe(email)
    return render(
        request,
        "dashboard/mail_list.html",
        {"page": page, "status": status, "form": form, "recipient": recipient, "querystring": _querystring(request)},
    )


@permission_required("run_site")
@require_POST
def mail_retry(request, pk):
    email = get_object_or_404(Email, pk=pk)
    if delivery.email_retry(email=email):
        messages.success(request, _("The email is queued for another attempt."))
    else:
        messages.info(request, _("Only a failed email can be retried; this one has not failed."))
    return redirect("dashboard:mail")


# --- Maintenance mode ---

MAINTENANCE_COMMANDS = [f"python manage.py maintenance {args}" for args in ("on --minutes 30", "off", "status")]


@permission_required("view_dashboard", "run_site")
@require_http_methods(["GET", "POST"])
def maintenance(request):
    """Close the site for everyone but the holders of the bypass link (the staff member who closes it is one)."""
    window = maintenance_mode.current()
    form = MaintenanceForm(request.POST or None)
    if request.method == "POST" and not request.user.has_perm("accounts.run_site"):
        raise Refusal(_("Your staff role does not allow this."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("on", "off"):
            return render(request, "dashboard/maintenance.html", {"window": window, "form": form}, status=400)
        if action == "off":
            if maintenance_mode.maintenance_off():
                event_record(
                    action=Event.Action.MAINTENANCE, actor=request.user, changes={"maintenance": [True, False]}
                )
            messages.success(request, _("The site is open again. Mail held back meanwhile is being sent."))
            return redirect("dashboard:maintenance")
        if form.is_valid():
            was_open = window is None
            window = maintenance_mode.maintenance_on(
                by=request.user.email, retry_after_minutes=form.cleaned_data["retry_after_minutes"]
            )
            if was_open:
                event_record(
                    action=Event.Action.MAINTENANCE, actor=request.user, changes={"maintenance": [False, True]}
                )
            messages.success(
                request, _("The site is in maintenance. Share the bypass link below with whoever needs in.")
            )
            response = redirect("dashboard:maintenance")
            maintenance_mode.set_bypass_cookie(response, window)  # or the one who closed it is locked out too
            return response
    # The bypass link opens the closed site: only for those who may switch maintenance mode.
    may_switch = request.user.has_staff_perm("run_site")
    bypass_url = request.build_absolute_uri(maintenance_mode.bypass_path(window)) if window and may_switch else ""
    return render(
        request,
        "dashboard/maintenance.html",
        {"window": window, "form": form, "bypass_url": bypass_url, "commands": MAINTENANCE_COMMANDS},
        status=400 if form.is_bound else 200,
    )
