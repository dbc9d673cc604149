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


class ReportFilterForm(forms.Form):
    """The staff list's GET filter: waiting (the default) or handled; an unknown value means waiting."""

    WAITING, HANDLED, ANY = "waiting", "handled", "any"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(WAITING, _("Waiting")), (HANDLED, _("Handled")), (ANY, _("Any"))],
    )

    def status_value(self) -> str:
        return (self.cleaned_data.get("status") if self.is_valid() else "") or self.WAITING


class ReportHandleForm(forms.Form):
    # The newest report on the page: one that comes in while staff read stays waiting, not handled unread.
    up_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)
    outcome = forms.CharField(
        label=_("What did you do?"),
        max_length=services.REPORT_OUTCOME_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For staff and the audit log. Whoever reported is told the report was looked into, not this note."),
    )
