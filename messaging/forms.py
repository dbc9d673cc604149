from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from messaging import services


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.MESSAGE_MAX_LENGTH

    def clean_body(self):
        """The service's own rule (empty, too long), so the page and the service say the same thing."""
        try:
            return services.check_body(self.cleaned_data["body"])
        except services.MessagingError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=services.REPORT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Staff will read this conversation to look into it."),
    )
