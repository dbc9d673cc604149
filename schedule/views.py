import datetime as dt
import re
import zoneinfo

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import directory
from accounts.decorators import mentor_required
from accounts.models import User
from core.dates import when
from messaging import selectors as messaging_selectors
from schedule import calendar, picker, selectors, services
from schedule.forms import (
    BookingForm,
    CancelForm,
    DateOverrideForm,
    WaitlistForm,
    WeeklyHoursForm,
    availability_forms,
    profile_session_minutes,
)
from schedule.models import Booking, CalendarFeed, DateOverride, Slot, WeeklySchedule
from schedule.services import BookingError

PAGE_SIZE = 20
BOOKINGS_PER_PAGE = 10  # per list on My consultations (upcoming, history)


def _visible_booking(request, pk) -> Booking:
    """A booking the current user takes part in; anyone else's is a 404."""
    return get_object_or_404(
        selectors.bookings_for_user(user=request.user).select_related("slot__mentor__mentor_profile"), pk=pk
    )


# --- Mentor: availability ---


@mentor_required
def mentor_schedule(request):
    slots = selectors.mentor_upcoming_slots(mentor=request.user)
    page = Paginator(slots, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "schedule/schedule_manage.html",
        {
            "page": page,
            "days": selectors.group_by_local_day(page.object_list),
            **availability_forms(request.user),
        },
    )


@mentor_required
@require_POST
def slot_create(request):
    forms = availability_forms(request.user, request.POST, bound="slot_form")
    form = forms["slot_form"]
    if form.is_valid():
        try:
            slot = services.slot_create(
                mentor=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The slot has been published."))
            _warn_days_off(request, [slot.start.astimezone(zoneinfo.ZoneInfo(request.user.timezone)).date()])
        return redirect("schedule:mentor_schedule")
    return render(
        request,
        "schedule/schedule_manage.html",
        {"page": None, "days": [], **forms, "form_errors": True},
        status=400,
    )


def _warn_days_off(request, dates) -> None:
    """New one-off times on a day marked off in the weekly hours are offered all the same: said."""
    days = selectors.days_off_among(mentor=request.user, dates=dates)
    if days:
        names = ", ".join(when(day, "day_month") for day in days)
        messages.warning(
            request,
            ngettext(
                "%(days)s is a day off in your weekly hours; the new times on it are offered all the same.",
                "%(days)s are days off in your weekly hours; the new times on them are offered all the same.",
                len(days),
            )
            % {"days": names},
        )


@mentor_required
@require_POST
def slot_bulk_create(request):
    forms = availability_forms(request.user, request.POST, bound="bulk_form")
    form = forms["bulk_form"]
    if form.is_valid():
        try:
            result = services.slot_bulk_create(mentor=request.user, **form.cleaned_data)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            level = messages.success if result.created else messages.warning
            level(request, result.summary())
            _warn_days_off(request, result.dates)
        return redirect("schedule:mentor_schedule")
    return render(
        request,
        "schedule/schedule_manage.html",
        {"page": None, "days": [], **forms, "form_errors": True},
        status=400,
    )


@mentor_required
@require_http_methods(["GET", "POST"])
def weekly_hours(request):
    """Standing weekly hours: set once, published for the whole horizon and rolled forward daily."""
    schedule = WeeklySchedule.objects.filter(mentor=request.user).prefetch_related("hours").first()
    form = _weekly_form(request, schedule, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.weekly_schedule_save(mentor=request.user, **form.service_arguments())
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Your weekly hours are saved: %(created)d new times published, %(removed)d removed.")
                % {"created": result.created, "removed": result.removed},
            )
            return redirect("schedule:weekly_hours")
    return _weekly_page(request, schedule, form, DateOverrideForm(), status=400 if request.method == "POST" else 200)


def _weekly_form(request, schedule, data=None) -> WeeklyHoursForm:
    default_minutes = schedule.session_minutes if schedule else profile_session_minutes(request.user)
    initial = WeeklyHoursForm.initial_for(schedule) | ({} if schedule else {"session_minutes": default_minutes})
    return WeeklyHoursForm(data, initial=initial, default_minutes=default_minutes)


def _weekly_page(request, schedule, form, override_form, *, status: int):
    overrides = schedule.overrides.filter(date__gte=timezone.localdate()) if schedule else []
    return render(
        request,
        "schedule/weekly_hours.html",
        {"form": form, "schedule": schedule, "overrides": overrides, "override_form": override_form},
        status=status,
    )


@mentor_required
@require_POST
def date_override_add(request):
    form = DateOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.date_override_add(mentor=request.user, **form.cleaned_data)
        except BookingError as error:
            form.add_error(None, error.message)
        else:
            if form.cleaned_data["kind"] == DateOverride.Kind.DAY_OFF:
                text = _("%(day)s is now a day off: its free times are taken down; booked sessions stay.")
            else:
                text = _("The extra hours on %(day)s are added and open for booking.")
            messages.success(request, text % {"day": when(form.cleaned_data["date"], "day_month")})
            return redirect("schedule:weekly_hours")
    # Refused: the page again, the date form keeping what was typed, its errors beside their fields.
    schedule = WeeklySchedule.objects.filter(mentor=request.user).prefetch_related("hours").first()
    return _weekly_page(request, schedule, _weekly_form(request, schedule), form, status=400)


@mentor_required
@require_POST
def date_override_delete(request, pk):
    override = get_object_or_404(DateOverride, pk=pk, schedule__mentor=request.user)
    services.date_override_delete(override=override)
    messages.success(request, _("Removed. That day follows your weekly hours again."))
    return redirect("schedule:weekly_hours")


def _slot_action(request, pk, action, success_message):
    """``success_message``: a text, or a function of what ``action`` returned that gives one."""
    slot = get_object_or_404(Slot, pk=pk, mentor=request.user)
    try:
        result = action(slot)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success_message(result) if callable(success_message) else success_message)
    return redirect("schedule:mentor_schedule")


@mentor_required
@require_POST
def slot_hide(request, pk):
    return _slot_action(request, pk, lambda s: services.slot_set_hidden(slot=s, hidden=True), _("The slot is hidden."))


@mentor_required
@require_POST
def slot_unhide(request, pk):
    return _slot_action(
        request, pk, lambda s: services.slot_set_hidden(slot=s, hidden=False), _("The slot is visible again.")
    )


@mentor_required
@require_http_methods(["GET", "POST"])
def slot_delete(request, pk):
    """GET asks for confirmation (deleting cannot be undone); POST deletes."""
    if request.method == "GET":
        slot = get_object_or_404(Slot, pk=pk, mentor=request.user)
        return render(request, "schedule/slot_delete.html", {"slot": slot})
    return _slot_action(
        request,
        pk,
        lambda s: services.slot_delete(slot=s),
        lambda deleted: (
            _("The slot has been deleted.")
            if deleted
            else _("This time comes from your weekly hours, so it is hidden instead: deleted, it would come back.")
        ),
    )


# --- Mentee: waitlist ---


def _mentor_or_404(pk) -> User:
    return get_object_or_404(User.objects.select_related("mentor_profile"), pk=pk, is_mentor=True, is_active=True)


@verified_email_required
@require_POST
def waitlist_join(request, mentor_pk):
    mentor = _mentor_or_404(mentor_pk)
    form = WaitlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose valid dates, or leave them empty."))
    else:
        try:
            services.waitlist_join(mentor=mentor, mentee=request.user, **form.cleaned_data)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You are on %(name)s's waitlist. We will email you when a time opens.")
                % {"name": mentor.display_name},
            )
    return redirect(mentor.mentor_profile.get_absolute_url() + "#waitlist")


@login_required
@require_POST
def waitlist_leave(request, mentor_pk):
    mentor = _mentor_or_404(mentor_pk)
    if services.waitlist_leave(mentor=mentor, mentee=request.user):
        messages.success(request, _("You have left the waitlist."))
    return redirect(mentor.mentor_profile.get_absolute_url() + "#waitlist")


# --- Mentee: booking ---


@verified_email_required
@require_http_methods(["GET", "POST"])
def booking_confirm(request, slot_pk):
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A paid mentor's time waits for payment.
        book = services.booking_hold if selectors.needs_payment(slot_id=slot_pk) else services.booking_create
        try:
            booking = book(
                slot_id=slot_pk,
                mentee=request.user,
                note=form.cleaned_data["note"],
                expected_start=form.expected_start(),
            )
        except BookingError as error:
            mine = selectors.own_active_booking(slot_id=slot_pk, mentee=request.user)
            if mine is not None:  # a double submit or a refresh: the first request already booked or held it
                if mine.is_pending:
                    return redirect("payments:checkout", mine.pk)
                messages.info(request, _("You have already booked this session."))
                return redirect(mine)
            messages.error(request, error.message)
            if error.code == "moved":  # show the new time on the same page
                return redirect("schedule:booking_confirm", slot_pk)
            slot = Slot.objects.select_related("mentor__mentor_profile").filter(pk=slot_pk).first()
            return redirect(slot.mentor.mentor_profile if slot else "home")
        if booking.is_pending:
            return redirect("payments:checkout", booking.pk)
        messages.success(request, _("Your session is booked. A confirmation email is on its way."))
        return redirect(booking)
    slot = get_object_or_404(
        Slot.objects.select_related("mentor", "mentor__mentor_profile"), pk=slot_pk, mentor__is_active=True
    )
    profile_url = slot.mentor.mentor_profile.get_absolute_url()
    if slot.status != Slot.Status.AVAILABLE or slot.start < selectors.bookable_after():
        mine = selectors.own_active_booking(slot_id=slot.pk, mentee=request.user)
        if mine is not None:
            return redirect("payments:checkout", mine.pk) if mine.is_pending else redirect(mine)
        messages.error(request, _("This slot is no longer available. Please choose another time."))
        return redirect(profile_url)
    if slot.mentor_id == request.user.pk:
        messages.error(request, _("You cannot book your own slot."))
        return redirect(profile_url)
    if messaging_selectors.is_blocked(mentor=slot.mentor, mentee=request.user):
        messages.error(request, _("You cannot book this mentor: one of you has blocked the other."))
        return redirect(profile_url)
    if not form.is_bound:
        form = BookingForm(initial={"shown_start": int(slot.start.timestamp())})
    return render(request, "schedule/booking_confirm.html", {"slot": slot, "mentor": slot.mentor, "form": form})


@login_required
def booking_list(request):
    """My consultations: upcoming sessions first, then history, for mentees and mentors alike."""
    page, past_page = request.GET.get("page", "1")[:6], request.GET.get("past_page", "1")[:6]
    cache_key = directory.key(
        get_language(),
        timezone.get_current_timezone_name(),
        page,
        past_page,
        namespace=directory.user_namespace(request.user.pk),
    )
    lists_html = cache.get(cache_key)
    if lists_html is None:
        now = timezone.now()
        upcoming = selectors.id_page(
            selectors.upcoming_bookings(user=request.user, now=now), number=page, per_page=BOOKINGS_PER_PAGE
        )
        past = selectors.id_page(
            selectors.past_bookings(user=request.user, now=now), number=past_page, per_page=BOOKINGS_PER_PAGE
        )
        lists_html = render_to_string(
            "schedule/_booking_lists.html",
            {
                "upcoming": upcoming,
                "past": past,
                # each list's page links keep the other list where it is
                "upcoming_extra": f"past_page={past.number}",
                "past_extra": f"page={upcoming.number}",
            },
            request=request,
        )
        cache.set(cache_key, lists_html, directory.TTL_SECONDS)
    return render(
        request,
        "schedule/booking_list.html",
        {
            "lists_html": mark_safe(lists_html),  # rendered from our own template above
            # not cached with the lists: a hold lasts minutes
            "holds": list(selectors.holds_awaiting_payment(user=request.user)),
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
        },
    )


@login_required
@require_POST
def calendar_feed_reset(request):
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_reset(user=request.user)
    if had_one:
        messages.success(request, _("Your calendar link is new; the old one no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready. Add it to your calendar app to subscribe."))
    return redirect(reverse("schedule:booking_list") + "#calendar-feed")


def calendar_feed(request, token):
    """The subscribed calendar of the feed's owner; the token in the URL is the only key."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token[:64], user__is_active=True)
    # Calendar apps poll; the body changes only with the owner's bookings (their namespace's version).
    cache_key = directory.key("calendar-feed", feed.token, namespace=directory.user_namespace(feed.user_id))
    body = cache.get(cache_key)
    if body is None:
        with translation.override(feed.user.language):
            name = _("Mentorship: %(name)s") % {"name": feed.user.display_name}
            body = calendar.feed(selectors.calendar_feed_bookings(user=feed.user), name=name)
        cache.set(cache_key, body, directory.TTL_SECONDS)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def booking_detail(request, pk):
    try:
        booking = _visible_booking(request, pk)
    except Http404:
        if selectors.holds_awaiting_payment(user=request.user).filter(pk=pk).exists():
            return redirect("payments:checkout", pk)  # the payer's own hold: its page is the checkout
        raise
    return render(
        request,
        "schedule/booking_detail.html",
        {
            "booking": booking,
            "slot": booking.slot,
            "is_mentor_side": booking.slot.mentor_id == request.user.pk,
            "can_move": services.move_refusal(booking) is None,
            "can_report_no_show": selectors.can_report_no_show(booking),
            "google_calendar_url": calendar.google_calendar_url(booking),
            "outlook_calendar_url": calendar.outlook_calendar_url(booking),
        },
    )


ID_PATTERN = re.compile(r"[0-9]{1,18}")
TIMESTAMP_PATTERN = re.compile(r"[0-9]{1,11}")  # up to year 5138: datetime can hold it


def _parse_choice(value: str) -> tuple[int, dt.datetime] | None:
    """A week-picker choice "slot id:start (Unix seconds)", or None when it is not one."""
    slot_id, _sep, shown = (value or "").partition(":")
    if not (ID_PATTERN.fullmatch(slot_id) and TIMESTAMP_PATTERN.fullmatch(shown)):
        return None
    return int(slot_id), dt.datetime.fromtimestamp(int(shown), tz=dt.UTC)


@login_required
@require_http_methods(["GET", "POST"])
def booking_reschedule(request, pk):
    """
    Move a booking to another free time of the same mentor: a time chosen on the week picker (a GET,
    ``?slot=``) is shown for confirmation, and the confirming POST moves it.
    """
    booking = _visible_booking(request, pk)
    if request.method == "POST":
        choice = _parse_choice(request.POST.get("slot", ""))
        if choice is None:
            messages.error(request, _("Choose one of the free times below."))
        else:
            try:
                services.booking_reschedule(
                    booking=booking, new_slot_id=choice[0], by=request.user, expected_start=choice[1]
                )
            except BookingError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("The session has moved to %(when)s. You both have an email with the new time.")
                    % {"when": when(booking.slot.start, "full")},
                )
                return redirect(booking)
        return redirect(request.path)
    refusal = services.move_refusal(booking, by=request.user)
    context = {"booking": booking, "slot": booking.slot, "refusal": refusal}
    if refusal is not None:
        return render(request, "schedule/booking_reschedule.html", context)
    if "slot" in request.GET:
        choice = _parse_choice(request.GET["slot"])
        chosen = selectors.move_target(booking=booking, slot_id=choice[0], start=choice[1]) if choice else None
        if chosen is None:
            messages.error(request, _("That time is no longer free. Choose another one."))
        elif chosen.client_busy:  # refused before the confirmation, in the words the move would use
            mentee = request.user.pk == booking.mentee_id
            messages.error(
                request,
                _("You already have a session booked at this time.") if mentee else services.client_busy_message(),
            )
        else:
            context.update(chosen=chosen, choice=request.GET["slot"])
            return render(request, "schedule/booking_reschedule.html", context)
    context["picker_html"] = mark_safe(  # our own template
        picker.render(
            request,
            mentor=booking.slot.mentor,  # already loaded with the booking
            week=picker.parse_week(request.GET.get("week")),
            viewer=booking.mentee,
            mode="move",
            exclude=booking.slot,
            clash_label=_("Your session") if request.user.pk == booking.mentee_id else _("Client busy"),
        )
    )
    return render(request, "schedule/booking_reschedule.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    booking = _visible_booking(request, pk)
    is_mentor_side = booking.slot.mentor_id == request.user.pk
    form = CancelForm(request.POST or None, can_hide=is_mentor_side)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking=booking,
                by=request.user,
                reason=form.cleaned_data["reason"],
                hide_slot=form.cleaned_data.get("hide_slot", False),
            )
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The booking has been cancelled. We have let the other side know."))
        return redirect(booking)
    if not booking.is_upcoming:
        messages.error(request, _("Only upcoming sessions can be cancelled."))
        return redirect(booking)
    return render(request, "schedule/booking_cancel.html", {"booking": booking, "slot": booking.slot, "form": form})


@login_required
@require_POST
def booking_hold_release(request, pk):
    """ "Choose another time" on a hold awaiting payment: the time goes back, and so does the client."""
    holds = selectors.holds_awaiting_payment(user=request.user).select_related("slot__mentor__mentor_profile")
    booking = get_object_or_404(holds, pk=pk)
    try:
        services.booking_hold_release(booking=booking, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
        return redirect("schedule:booking_list")
    messages.success(request, _("The time is given back and nothing was charged. Choose another one when you like."))
    return redirect(booking.slot.mentor.mentor_profile)


@login_required
@require_POST
def booking_no_show(request, pk):
    """After the start: the mentor marks the client absent, or the client reports the mentor absent."""
    booking = _visible_booking(request, pk)
    try:
        services.booking_no_show(booking=booking, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the session is marked as missed, and the other side has been told."))
    return redirect(booking)


@login_required
def booking_invite(request, pk):
    booking = _visible_booking(request, pk)
    method = calendar.METHOD_REQUEST if booking.is_confirmed else calendar.METHOD_CANCEL
    response = HttpResponse(
        calendar.booking_invite(booking, method=method), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{booking.pk}.ics"'
    return response


@mentor_required
def client_list(request):
    page = Paginator(selectors.mentor_clients(mentor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schedule/client_list.html", {"page": page})
