import datetime as dt
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import IdMultipleChoiceField
from core.widgets import DateInput, TimeInput
from mailings import formatting, services
from mailings.models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Client,
    Mailing,
    Message,
)

MAX_YEARS_AHEAD = 4  # dates further away are refused before any arithmetic (year 9999 overflows)


def _by_the_service(check, value, **kwargs):
    """The service's own rule, so the page and the service say the same thing."""
    try:
        return check(value, **kwargs)
    except services.MailingError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class ClientForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=EMAIL_MAX_LENGTH)
    full_name = forms.CharField(label=_("Full name"), max_length=NAME_MAX_LENGTH, required=False)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        help_text=_("Only you see it."),
        widget=forms.TextInput,
    )

    def __init__(self, *args, booked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if booked:  # the address of someone who booked follows their account
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("The address of their account.")

    def clean_email(self):
        return _by_the_service(services.check_email, self.cleaned_data["email"])


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the request's language: a lazy text formatted at import stays in English.
        self.fields["body"].help_text = gettext(
            "Plain text. Blank lines make paragraphs; **bold**, *italic*, lists with “- ” and links as "
            "[text](https://…) are shown formatted. Variables: %(variables)s. To show a word in braces as "
            "it is, double them: {{word}}."
        ) % {"variables": ", ".join(f"{{{name}}}" for name in formatting.VARIABLES)}


class MailingForm(forms.Form):
    AUDIENCE_ALL, AUDIENCE_CHOSEN = "all", "chosen"

    # Nothing chosen at first: one click on "Schedule" with everything filled in must not mail every client.
    message = forms.ModelChoiceField(
        label=_("Message"), queryset=Message.objects.none(), empty_label=_("Choose a message")
    )
    audience = forms.ChoiceField(
        label=_("To"),
        choices=[(AUDIENCE_ALL, _("All my clients")), (AUDIENCE_CHOSEN, _("The clients I choose below"))],
        widget=forms.RadioSelect,
        initial=AUDIENCE_ALL,
    )
    clients = IdMultipleChoiceField(
        label=_("Clients"), queryset=Client.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    period = forms.ChoiceField(label=_("Repeat"), choices=Mailing.Period.choices, initial=Mailing.Period.ONCE)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    end_date = forms.DateField(
        label=_("End date"),
        widget=DateInput,
        help_text=_("A repeating mailing is sent until then; one sent once is not sent after it (if it was late)."),
    )
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput, initial=dt.time(23, 59))

    def __init__(self, *args, mentor, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = zoneinfo.ZoneInfo(mentor.timezone)
        self.fields["message"].queryset = Message.objects.filter(mentor=mentor).order_by("-updated_at", "-pk")
        self.fields["clients"].queryset = Client.objects.filter(mentor=mentor).order_by("full_name", "email", "pk")
        self.fields["clients"].label_from_instance = lambda c: f"{c.full_name} <{c.email}>" if c.full_name else c.email
        now = timezone.now().astimezone(self.tz)
        # The next full hour: a start already past would send the moment the form is saved.
        start = (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        self.fields["start_date"].initial = start.date()
        self.fields["start_time"].initial = start.time()
        self.fields["end_date"].initial = start.date() + dt.timedelta(days=90)
        self.today = now.date()

    def _date(self, name):
        value = self.cleaned_data[name]
        if not (self.today - dt.timedelta(days=1) <= value <= self.today + dt.timedelta(days=366 * MAX_YEARS_AHEAD)):
            raise forms.ValidationError(_("Please choose a date within the next few years."), code="range")
        return value

    def clean_start_date(self):
        return self._date("start_date")

    def clean_end_date(self):
        return self._date("end_date")

    def _moment(self, date, time) -> dt.datetime:
        return dt.datetime.combine(date, time).replace(tzinfo=self.tz).astimezone(dt.UTC)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("audience") == self.AUDIENCE_CHOSEN and not cleaned.get("clients"):
            self.add_error("clients", _("Please choose at least one client, or send to all."))
        if all(cleaned.get(k) for k in ("start_date", "start_time", "end_date", "end_time")):
            cleaned["start_at"] = self._moment(cleaned["start_date"], cleaned["start_time"])
            cleaned["end_at"] = self._moment(cleaned["end_date"], cleaned["end_time"])
            if cleaned["end_at"] <= cleaned["start_at"]:
                self.add_error("end_date", _("The end must be after the start."))
        return cleaned

    def chosen_clients(self):
        """None for all clients, else the chosen ones."""
        if self.cleaned_data["audience"] == self.AUDIENCE_ALL:
            return None
        return list(self.cleaned_data["clients"])


class DisableForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the mentor sees it)"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("Please say briefly why.")},
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
    )


class StaffMailingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Mailing.Status.choices])

    def values(self) -> dict:
        if not self.is_valid():
            return {"status": ""}
        return self.cleaned_data
