from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reviews import services
from reviews.models import REASON_MAX_LENGTH, TEXT_MAX_LENGTH


def _by_the_service(check, value, **kwargs):
    """The service's own rule, so the page and the service say the same thing."""
    try:
        return check(value, **kwargs)
    except services.ReviewError as error:
        raise forms.ValidationError(error.message, code=error.code) from None


class ReviewForm(forms.Form):
    """Stars as a radio group (keyboard and screen readers need nothing more), and optional words."""

    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[
            (1, _("1 star: poor")),
            (2, _("2 stars: fair")),
            (3, _("3 stars: good")),
            (4, _("4 stars: very good")),
            (5, _("5 stars: excellent")),
        ],
        widget=forms.RadioSelect(attrs={"class": "star-input"}),
        error_messages={
            "required": _("Please choose from 1 to 5 stars."),
            "invalid_choice": _("Please choose from 1 to 5 stars."),
        },
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH}),
        help_text=_("What went well, what could be better? It is shown on the mentor's page."),
    )

    def clean_text(self):
        return _by_the_service(services.check_text, self.cleaned_data["text"])


class _BackForm(forms.Form):
    """A form posted from more than one page: ``next`` says where to return (a path on this site)."""

    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def back(self, default: str) -> str:
        """``next`` if it is a path on this site, else ``default`` (call after ``is_valid``)."""
        target = getattr(self, "cleaned_data", {}).get("next", "")
        if target and target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return target
        return default


class ReplyForm(_BackForm):
    reply = forms.CharField(
        label=_("Your public reply"),
        error_messages={"required": _("Please write a few words.")},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX_LENGTH}),
        help_text=_("You can reply once; the reply is shown under the review."),
    )

    def clean_reply(self):
        return _by_the_service(services.check_text, self.cleaned_data["reply"], required=True)


class ReportForm(_BackForm):
    reason = forms.CharField(
        label=_("What is wrong?"),
        error_messages={"required": _("Please say briefly why.")},
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
        help_text=_("Staff will read the review and may hide it."),
    )

    def clean_reason(self):
        return _by_the_service(services.check_reason, self.cleaned_data["reason"])


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the review's history)"),
        error_messages={"required": _("Please say briefly why.")},
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_MAX_LENGTH}),
    )

    def clean_reason(self):
        return _by_the_service(services.check_reason, self.cleaned_data["reason"])


class StaffReviewFilterForm(forms.Form):
    """The staff list's GET filters: an unknown value means "any"."""

    hidden = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("visible", _("Visible")), ("hidden", _("Hidden"))],
    )
    reported = forms.ChoiceField(
        label=_("Reports"),
        required=False,
        choices=[("", pgettext_lazy("reports", "Any")), ("yes", _("With reports")), ("no", _("Without reports"))],
    )

    def values(self) -> dict:
        if not self.is_valid():
            return {"hidden": "", "reported": ""}
        return self.cleaned_data
