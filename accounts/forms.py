from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.images import normalize_photo
from accounts.models import MentorProfile, Topic, User
from accounts.timezones import timezone_choices


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=timezone_choices, **kwargs)


class PhotoField(forms.FileField):
    """An image upload validated and re-encoded by ``accounts.images.normalize_photo``."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "size"):
            return normalize_photo(upload)
        return upload


class RegistrationForm(forms.Form):
    ROLE_MENTEE = "mentee"
    ROLE_MENTOR = "mentor"
    ROLE_CHOICES = [
        (ROLE_MENTEE, _("I want to learn (mentee)")),
        (ROLE_MENTOR, _("I want to teach (mentor)")),
    ]

    role = forms.ChoiceField(label=_("I am joining as"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    timezone = TimezoneField()
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        if not self.is_bound:  # let static/js/site.js pre-select the browser's zone
            self.fields["timezone"].widget.attrs["data-detect-timezone"] = "true"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("Please enter a correct email and password."),
        "inactive": _("This account is inactive."),
    }


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    timezone = TimezoneField()
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User._meta.get_field("language").choices,
        help_text=_("The site, your emails and reminders use this language."),
    )
    photo = PhotoField(
        label=_("Photo"), required=False, help_text=_("JPEG, PNG or WEBP, up to 5 MB. It is cropped to a square.")
    )


def _https_by_default(field, **kwargs):
    """A link typed without a scheme ("zoom.us/j/1") is https, as it will be from Django 6 on."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MentorProfileForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
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
            "session_minutes",
            "languages",
            "meeting_url",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        formfield_callback = _https_by_default
