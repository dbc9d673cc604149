import json

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from support.models import MESSAGE_MAX_LENGTH, SupportRequest

_SALT = "support.contact.started"
MIN_SECONDS_ON_FORM = 3  # people read and type; a bot posts at once
MAX_SECONDS_ON_FORM = 6 * 3600

TEMPLATES = {
    SupportRequest.Subject.BOOKING: _("Session (mentor, date and time):\n\nWhat happened:\n\nWhat you expected:\n"),
    SupportRequest.Subject.PAYMENT: _("Invoice number (from the receipt):\n\nWhat happened:\n\nWhat you expected:\n"),
    SupportRequest.Subject.PROBLEM: _("The page (its address):\n\nWhat you did:\n\nWhat happened instead:\n"),
}


class ContactForm(forms.Form):
    subject = forms.ChoiceField(label=_("What is it about?"), choices=SupportRequest.Subject.choices)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Your email"), help_text=_("We answer to this address."), max_length=254)
    message = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )
    # A field people never see: bots fill every field in.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    # When the form was shown, signed: a post too fast (a bot) or from a day-old page is refused.
    started = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.TimestampSigner(salt=_SALT).sign("contact")
            subject = self.initial.get("subject", SupportRequest.Subject.BOOKING)
            self.initial.setdefault("subject", subject)
            self.initial.setdefault("message", TEMPLATES.get(subject, ""))
        # Each subject's template, for site.js: choosing another subject swaps a still untouched
        # template for that subject's (without JavaScript the first one stays, which is only a hint).
        self.fields["subject"].widget.attrs.update(
            {
                "data-message-templates": json.dumps(
                    {subject: str(TEMPLATES.get(subject, "")) for subject in SupportRequest.Subject.values},
                    ensure_ascii=False,
                ),
                "data-message-field": "id_message",
            }
        )

    def clean_message(self):
        message = self.cleaned_data["message"].replace("\r\n", "\n").strip()
        if message in {str(text).strip() for text in TEMPLATES.values()}:
            raise forms.ValidationError(_("Please tell us what happened."), code="template_only")
        return message

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Your message could not be sent. Please try again."), code="honeypot")
        signer = signing.TimestampSigner(salt=_SALT)
        token = cleaned.get("started", "")
        try:
            signer.unsign(token, max_age=MAX_SECONDS_ON_FORM)  # forged, or a page left open for hours
        except signing.BadSignature:
            raise forms.ValidationError(
                _("This form has expired or was changed. Please reload the page and send it again."), code="stale"
            ) from None
        try:
            signer.unsign(token, max_age=MIN_SECONDS_ON_FORM)
        except signing.SignatureExpired:
            return cleaned  # shown a few seconds ago at least: a person read and typed
        raise forms.ValidationError(_("That was quick! Please check your message and send it again."), code="fast")


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        # The email template greets and signs (emails/support_answer.txt): a greeting typed here comes twice.
        help_text=_("The email greets them by name and is signed by the support team: write only the answer."),
    )
    close = forms.BooleanField(label=_("Close the request after sending"), required=False, initial=True)


class StaffSupportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *SupportRequest.Status.choices]
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
