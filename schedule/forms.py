import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import MentorProfile
from core.dates import when
from core.widgets import DateInput, TimeInput
from schedule.services.slots import ends_after_start

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second datetime can hold


def _minutes_label(minutes: int) -> str:
    return gettext("%(m)d min") % {"m": minutes}


# Labels are translated when a form is shown, in the viewer's language (not once at import).
DURATION_CHOICES = [(m, lazy(_minutes_label, str)(m)) for m in (15, 30, 45, 60, 90, 120)]


def duration_choices(default_minutes: int | None) -> list:
    """The usual lengths, plus the mentor's own default when it is not one of them (e.g. 50)."""
    if default_minutes is None or default_minutes in dict(DURATION_CHOICES):
        return DURATION_CHOICES
    return sorted([*DURATION_CHOICES, (default_minutes, lazy(_minutes_label, str)(default_minutes))])


def check_schedule_date(value: dt.date, *, today: dt.date) -> dt.date:
    """A date a slot can be on: not before yesterday (zones differ), not past the booking horizon."""
    last = today + dt.timedelta(days=settings.BOOKING_HORIZON_DAYS)
    if not today - dt.timedelta(days=1) <= value <= last:
        raise forms.ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            params={"first": when(today, "date"), "last": when(last, "date")},
            code="out_of_range",
        )
    return value


class SlotForm(forms.Form):
    """One slot, in the mentor's own wall-clock time."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    duration = forms.TypedChoiceField(label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60)

    def __init__(self, *args, tzname: str, default_minutes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = zoneinfo.ZoneInfo(tzname)
        self.fields["duration"].choices = duration_choices(default_minutes)
        if default_minutes:
            self.fields["duration"].initial = default_minutes

    def clean_date(self):
        return check_schedule_date(self.cleaned_data["date"], today=dt.datetime.now(self.tz).date())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("start_time") and cleaned.get("duration"):
            local = dt.datetime.combine(cleaned["date"], cleaned["start_time"]).replace(tzinfo=self.tz)
            start = local.astimezone(dt.UTC)
            if start.astimezone(self.tz).replace(tzinfo=None) != local.replace(tzinfo=None):
                self.add_error(
                    "start_time",
                    _("%(time)s does not exist on that day in %(zone)s: the clocks go forward. Choose another time.")
                    % {"time": cleaned["start_time"].strftime("%H:%M"), "zone": self.tz.key},
                )
                return cleaned
            # In the repeated autumn hour the first of the two times is meant; the length is exact.
            cleaned["start"] = start
            cleaned["end"] = start + dt.timedelta(minutes=cleaned["duration"])
        return cleaned


class BulkSlotForm(forms.Form):
    """A recurring block: weekdays × daily time range × number of weeks, cut into sessions."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[0, 1, 2, 3, 4],
    )
    first_day = forms.DateField(label=_("Starting from"), widget=DateInput)
    weeks = forms.IntegerField(label=_("Weeks ahead"), min_value=1, max_value=12, initial=1)
    day_start = forms.TimeField(label=_("From"), widget=TimeInput, initial=dt.time(10, 0))
    day_end = forms.TimeField(label=_("Until"), widget=TimeInput, initial=dt.time(13, 0))
    session_minutes = forms.TypedChoiceField(
        label=_("Session length"), choices=DURATION_CHOICES, coerce=int, initial=60
    )
    buffer_minutes = forms.IntegerField(
        label=_("Break between sessions (minutes)"), min_value=0, max_value=120, initial=0
    )

    def __init__(self, *args, default_minutes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_day"].initial = timezone.localdate()
        self.fields["session_minutes"].choices = duration_choices(default_minutes)
        if default_minutes:
            self.fields["session_minutes"].initial = default_minutes

    def clean_first_day(self):
        return check_schedule_date(self.cleaned_data["first_day"], today=timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("day_start"), cleaned.get("day_end")
        if start and end and not ends_after_start(start, end):
            self.add_error("day_end", _("The end of the day must be after its start."))
        return cleaned


def profile_session_minutes(mentor) -> int | None:
    """The default session length on the mentor's public profile."""
    return MentorProfile.objects.filter(user=mentor).values_list("session_minutes", flat=True).first()


def availability_forms(mentor, data=None, *, bound: str = "") -> dict:
    """
    The single-slot and recurring forms of a mentor's schedule, with the mentor's own default session
    length selected; ``data`` binds the one named by ``bound`` ("slot_form" or "bulk_form").
    """
    default_minutes = profile_session_minutes(mentor)
    return {
        "slot_form": SlotForm(
            data if bound == "slot_form" else None, tzname=mentor.timezone, default_minutes=default_minutes
        ),
        "bulk_form": BulkSlotForm(data if bound == "bulk_form" else None, default_minutes=default_minutes),
    }


class BookingForm(forms.Form):
    note = forms.CharField(
        label=_("What would you like to discuss?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Your mentor sees this before the session."),
    )
    # The start the mentee was shown (Unix seconds): if the mentor moves the slot meanwhile, the
    # booking is refused rather than made for a time the mentee never saw.
    shown_start = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_TIMESTAMP, widget=forms.HiddenInput
    )  # seconds since 1970, up to the end of year 9999

    def expected_start(self) -> dt.datetime | None:
        value = self.cleaned_data.get("shown_start")
        return None if value is None else dt.datetime.fromtimestamp(value, tz=dt.UTC)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    hide_slot = forms.BooleanField(label=_("Hide this time from other mentees instead of freeing it"), required=False)

    def __init__(self, *args, can_hide: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_hide:
            del self.fields["hide_slot"]


RANGES_PER_DAY = 3
WEEKDAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def notice_floor_hours() -> int:
    """The platform's minimum notice (BOOKING_MIN_NOTICE_MINUTES) in whole hours, rounded up."""
    return -(-settings.BOOKING_MIN_NOTICE_MINUTES // 60)


class WeeklyHoursForm(forms.Form):
    """
    Standing weekly hours: up to three ranges on each weekday (fields ``d<weekday>_<n>_start``/``_end``)
    and the rules that apply to all of them. Plain inputs, so it works without JavaScript.
    """

    is_active = forms.BooleanField(label=_("Publish my weekly hours"), required=False, initial=True)
    session_minutes = forms.TypedChoiceField(label=_("Session length"), choices=DURATION_CHOICES, coerce=int)
    buffer_minutes = forms.IntegerField(label=_("Break between sessions (minutes)"), min_value=0, max_value=240)
    min_notice_hours = forms.IntegerField()  # made in __init__, from the platform's own notice
    max_per_day = forms.IntegerField(
        label=_("Most sessions a day"),
        min_value=1,
        max_value=48,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    horizon_weeks = forms.IntegerField(
        label=_("How far ahead mentees may book (weeks)"), min_value=1, max_value=settings.BOOKING_HORIZON_DAYS // 7
    )

    def __init__(self, *args, default_minutes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_minutes"].choices = duration_choices(default_minutes)
        # The platform's own notice is the floor (BOOKING_MIN_NOTICE_MINUTES): less would be saved and ignored.
        floor = notice_floor_hours()
        self.fields["min_notice_hours"] = forms.IntegerField(
            label=_("Minimum notice (hours)"),
            min_value=floor,
            max_value=30 * 24,
            help_text=ngettext(
                "Mentees cannot book a time that starts sooner than this (at least %(hours)d hour).",
                "Mentees cannot book a time that starts sooner than this (at least %(hours)d hours).",
                floor,
            )
            % {"hours": floor},
        )
        self.days = []
        for weekday, name in enumerate(WEEKDAY_NAMES):
            ranges = []
            for n in range(RANGES_PER_DAY):
                start, end = f"d{weekday}_{n}_start", f"d{weekday}_{n}_end"
                # Each range named apart ("Monday, hours 2: from"): a screen reader hears three a day.
                named = {"day": name, "number": n + 1}
                self.fields[start] = forms.TimeField(
                    label=_("%(day)s, hours %(number)s: from") % named, required=False, widget=TimeInput
                )
                self.fields[end] = forms.TimeField(
                    label=_("%(day)s, hours %(number)s: until") % named, required=False, widget=TimeInput
                )
                ranges.append((self[start], self[end]))
            self.days.append((name, ranges))

    @classmethod
    def initial_for(cls, schedule) -> dict:
        """The form's initial values from a saved schedule (or sensible defaults without one)."""
        if schedule is None:
            initial = {
                "is_active": True,
                "buffer_minutes": 0,
                "min_notice_hours": notice_floor_hours(),
                "horizon_weeks": 8,
            }
            for weekday in range(5):
                initial |= {f"d{weekday}_0_start": dt.time(9), f"d{weekday}_0_end": dt.time(17)}
            return initial
        initial = {
            "is_active": schedule.is_active,
            "session_minutes": schedule.session_minutes,
            "buffer_minutes": schedule.buffer_minutes,
            "min_notice_hours": max(schedule.min_notice_minutes // 60, notice_floor_hours()),
            "max_per_day": schedule.max_per_day,
            "horizon_weeks": max(1, schedule.horizon_days // 7),
        }
        counts = [0] * 7
        for hours in schedule.hours.all():
            n = counts[hours.weekday]
            if n < RANGES_PER_DAY:
                initial |= {f"d{hours.weekday}_{n}_start": hours.start, f"d{hours.weekday}_{n}_end": hours.end}
                counts[hours.weekday] += 1
        return initial

    def clean(self):
        cleaned = super().clean()
        hours = []
        for weekday in range(7):
            for n in range(RANGES_PER_DAY):
                start, end = cleaned.get(f"d{weekday}_{n}_start"), cleaned.get(f"d{weekday}_{n}_end")
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(f"d{weekday}_{n}_start", _("Give both the start and the end of the range."))
                elif not ends_after_start(start, end):
                    self.add_error(f"d{weekday}_{n}_end", _("The end must be after the start."))
                else:
                    hours.append((weekday, start, end))
        cleaned["hours"] = hours
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "hours": data["hours"],
            "session_minutes": data["session_minutes"],
            "buffer_minutes": data["buffer_minutes"],
            "min_notice_minutes": data["min_notice_hours"] * 60,
            "max_per_day": data["max_per_day"],
            "horizon_days": data["horizon_weeks"] * 7,
            "is_active": data["is_active"],
        }


class DateOverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(
        label=_("Kind of day"), choices=[("off", _("A day off")), ("extra", _("Extra hours"))], initial="off"
    )
    start = forms.TimeField(label=_("From"), required=False, widget=TimeInput)
    end = forms.TimeField(label=_("Until"), required=False, widget=TimeInput)

    def clean_date(self):
        return check_schedule_date(self.cleaned_data["date"], today=timezone.localdate())


class WaitlistForm(forms.Form):
    date_from = forms.DateField(label=_("From (optional)"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput)
