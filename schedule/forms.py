import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput, TimeInput

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


def _minutes_label(minutes: int) -> str:
    return gettext("%(m)d min") % {"m": minutes}


# Labels are translated when a form is shown, in the viewer's language (not once at import).
DURATION_CHOICES = [(m, lazy(_minutes_label, str)(m)) for m in (15, 30, 45, 60, 90, 120)]


class SlotForm(forms.Form):
    """One slot, in the mentor's own wall-clock time."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    duration = forms.TypedChoiceField(label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60)

    def __init__(self, *args, tzname: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = zoneinfo.ZoneInfo(tzname)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("start_time") and cleaned.get("duration"):
            local = dt.datetime.combine(cleaned["date"], cleaned["start_time"]).replace(tzinfo=self.tz)
            cleaned["start"] = local.astimezone(dt.UTC)
            cleaned["end"] = cleaned["start"] + dt.timedelta(minutes=cleaned["duration"])
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_day"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day_start") and cleaned.get("day_end") and cleaned["day_end"] <= cleaned["day_start"]:
            self.add_error("day_end", _("The end of the day must be after its start."))
        return cleaned


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
    shown_start = forms.IntegerField(required=False, widget=forms.HiddenInput)

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
