import dataclasses
from collections.abc import Collection, Sequence
from decimal import Decimal

from allauth.account import forms as allauth_forms
from django import forms
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts import images
from accounts.models import MentorProfile, Topic, User
from accounts.selectors import SORT_PRICE, SORT_RATING, SORT_SOONEST
from accounts.timezones import timezone_choices
from accounts.validators import validate_no_control_characters
from core.forms import IdMultipleChoiceField
from core.uploads import RefusedUpload


class TimezoneField(forms.ChoiceField):
    """
    The common zones first, then all of them, each with its current offset ("Europe/Kyiv (UTC+2)").
    static/js/timezone-picker.js adds a filter box above the select; without JavaScript it is a plain select.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault(
            "widget",
            forms.Select(
                attrs={
                    "data-timezone-picker": "true",
                    "data-filter-label": _("Filter time zones"),
                    "data-filter-placeholder": _("Type a city or an offset, e.g. Kyiv or +2"),
                    "data-no-match": _("No time zone matches; all zones are listed."),
                    "data-matches": _("Matching zones: %(count)s. Chosen: %(zone)s."),
                }
            ),
        )
        super().__init__(choices=timezone_choices, **kwargs)


class PhotoInput(forms.ClearableFileInput):
    """The photo's own words beside the current one (templates/bootstrap5/layout/field_file.html shows it)."""

    initial_text = _("Your current photo")
    clear_checkbox_label = _("Remove the photo")


class PhotoField(forms.FileField):
    """An image upload validated and re-encoded by ``accounts.images.normalize_photo``."""

    widget = PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    size = (images.AVATAR_SIZE, images.AVATAR_SIZE)  # what the photo is cropped to

    def clean(self, data, initial=None):
        if isinstance(data, RefusedUpload):  # refused while it streamed in: say why, not "empty"
            raise images.too_large(data.received)
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "size"):
            return images.normalize_photo(upload, size=self.size)
        return upload


class SignupForm(allauth_forms.SignupForm):
    """
    allauth's sign-up (email and password twice) with what the platform needs from day one: the
    role, the name, the zone and, if the person likes, a photo (otherwise an initials avatar).
    """

    ROLE_MENTEE = "mentee"
    ROLE_MENTOR = "mentor"
    ROLE_CHOICES = [
        (ROLE_MENTEE, _("I want to learn (mentee)")),
        (ROLE_MENTOR, _("I want to teach (mentor)")),
    ]

    role = forms.ChoiceField(label=_("I am joining as"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[validate_no_control_characters])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[validate_no_control_characters])
    timezone = TimezoneField()
    photo = PhotoField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional. JPEG, PNG or WEBP, up to 5 MB; without one you get an initials avatar."),
    )

    field_order = ["role", "first_name", "last_name", "email", "timezone", "password1", "password2", "photo"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email")
        if not self.is_bound:  # let static/js/site.js pre-select the browser's zone
            self.fields["timezone"].widget.attrs["data-detect-timezone"] = "true"
        self.order_fields(self.field_order)

    def validate_unique_email(self, value: str) -> str:
        """
        An address that already has an account is not an error here: the view then answers "check
        your email" exactly as for a new one, and the owner gets a note instead (allauth's "account
        already exists" mail), so the form never tells who is registered.
        """
        self.account_already_exists = User.objects.filter(email__iexact=value).exists()
        return value

    @property
    def is_mentor(self) -> bool:
        return self.cleaned_data.get("role") == self.ROLE_MENTOR

    def signup(self, request, user):
        """Required by allauth for extra fields; ``accounts.adapters.AccountAdapter.save_user`` stores them."""


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
        if "remember" in self.fields:  # allauth's own wording is in Title Case ("Remember Me")
            self.fields["remember"].label = _("Remember me")


class AccountDeleteForm(forms.Form):
    """
    "Delete my account". The password (or second factor) is asked again by allauth before the view
    runs; this box makes the choice deliberate for everyone, including people who sign in only with
    Google or GitHub, whom allauth has no way to ask again.
    """

    confirm = forms.BooleanField(
        label=_("I understand: my account closes now and is deleted for good after the waiting period."),
        required=True,
    )


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[validate_no_control_characters])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[validate_no_control_characters])
    timezone = TimezoneField()
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User._meta.get_field("language").choices,
        help_text=_("The site, your emails and reminders use this language."),
    )
    photo = PhotoField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WEBP, up to 5 MB. It is cropped to a square.")
    )
    show_presence = forms.BooleanField(
        label=_("Show when I am online"),
        required=False,
        help_text=_("Others see “Online now” or when you were last online."),
    )


def _https_by_default(field, **kwargs):
    """A link typed without a scheme ("zoom.us/j/1") is https, as it will be from Django 6 on."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MentorProfileForm(forms.ModelForm):
    topics = IdMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = MentorProfile
        fields = [
            "headline",
            "bio",
            "topics",
            "years_experience",
            "price",
            "is_free",
            "cancellation_policy",
            "session_minutes",
            "languages",
            "meeting_url",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        formfield_callback = _https_by_default

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancellation_policy"].required = False  # left out: it stays as it was

    def clean_cancellation_policy(self):
        return self.cleaned_data.get("cancellation_policy") or self.instance.cancellation_policy

    def clean_meeting_url(self):
        """Said plainly: an http:// link is a link, but the model takes https only ("Enter a valid URL" hid why)."""
        url = self.cleaned_data.get("meeting_url", "")
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("The link must start with https:// (a secure link)."), code="https")
        return url


# --- The mentor directory's filters ---


@dataclasses.dataclass(frozen=True)
class DirectorySearch:
    """One view of the directory: validated filters, sort and page. Its ``params`` make links and cache keys."""

    query: str = ""
    topic: str = ""
    language: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    this_week: bool = False
    sort: str = SORT_SOONEST
    page: int = 1

    def params(self) -> dict[str, str]:
        """The values that differ from the defaults, as GET parameters, in a fixed order."""
        values = {
            "q": self.query,
            "topic": self.topic,
            "language": self.language,
            "price_min": "" if self.price_min is None else str(self.price_min),
            "price_max": "" if self.price_max is None else str(self.price_max),
            "this_week": "on" if self.this_week else "",
            "sort": "" if self.sort == SORT_SOONEST else self.sort,
            "page": "" if self.page == 1 else str(self.page),
        }
        return {name: value for name, value in values.items() if value}

    @property
    def is_filtered(self) -> bool:
        """Anything but the plain first page of the directory."""
        return bool(self.params())

    def filters(self) -> dict:
        """The keyword arguments of ``accounts.selectors.mentor_directory``."""
        fields = ("query", "topic", "language", "price_min", "price_max", "this_week", "sort")
        return {name: getattr(self, name) for name in fields}

    def querystring(self, **changes) -> str:
        """This search with ``changes`` (field names), URL-encoded."""
        return urlencode(dataclasses.replace(self, **changes).params())

    def url(self, **changes) -> str:
        """A link to this search with ``changes`` (a topic chip, "sort by price"), back on the first page."""
        query = self.querystring(page=1, **changes)
        return f"{reverse('home')}{'?' if query else ''}{query}#mentors"

    def within(self, *, topics: Collection[str], languages: Sequence[str]) -> "DirectorySearch":
        """
        Ignore a topic or language that no listed mentor has, as any other bad value is ignored, and
        spell the language as the list does ("english" selects "English").
        """
        spelled = {name.casefold(): name for name in languages}
        return dataclasses.replace(
            self,
            topic=self.topic if self.topic in topics else "",
            language=spelled.get(self.language.casefold(), ""),
        )


class DirectoryFilterForm(forms.Form):
    """
    The directory's GET parameters. A value that does not validate (a megabyte of text, a NUL, a
    negative or absurd price, an unknown sort) is ignored on its own: the other filters still apply.
    Parsing needs no database query, so a cached directory page is served without one; the choices of
    the topic and language selects are given only for display.
    """

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"class": "form-control", "placeholder": _("Name, topic or keyword")}),
    )
    topic = forms.SlugField(
        label=_("Topic"), max_length=60, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    language = forms.CharField(
        label=_("Language"), max_length=50, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    price_min = forms.DecimalField(
        label=_("Min price"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": _("Min"), "inputmode": "decimal"}),
    )
    price_max = forms.DecimalField(
        label=_("Max price"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": _("Max"), "inputmode": "decimal"}),
    )
    this_week = forms.BooleanField(
        label=_("Available this week"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            (SORT_SOONEST, _("Soonest available")),
            (SORT_PRICE, _("Price: low to high")),
            (SORT_RATING, _("Rating: highest first")),
        ],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args, topics: Sequence[Topic] = (), languages: Sequence[tuple[str, str]] = (), **kwargs):
        kwargs.setdefault("auto_id", "search-%s")  # ids apart from any other form on the page
        super().__init__(*args, **kwargs)
        self.fields["topic"].widget.choices = [("", _("All topics")), *((t.slug, t.label) for t in topics)]
        self.fields["language"].widget.choices = [("", _("Any language")), *languages]

    def search(self) -> DirectorySearch:
        self.is_valid()
        data = self.cleaned_data  # only the fields that validated
        price_min, price_max = data.get("price_min"), data.get("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            price_min, price_max = price_max, price_min
        return DirectorySearch(
            query=data.get("q") or "",
            topic=data.get("topic") or "",
            language=data.get("language") or "",
            price_min=price_min,
            price_max=price_max,
            this_week=bool(data.get("this_week")),
            sort=data.get("sort") or SORT_SOONEST,
            page=data.get("page") or 1,
        )
