from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.models import Event
from core.forms import FilterForm
from core.widgets import DateInput


class EventFilterForm(FilterForm):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any")), *Event.Action.choices])
    person = forms.CharField(label=_("Who or what"), required=False, max_length=100)
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)


class ChangeFilterForm(FilterForm):
    model = forms.ChoiceField(label=_("Kind"), required=False)
    person = forms.CharField(label=_("Changed by"), required=False, max_length=100)
    object_id = forms.IntegerField(label=_("Object id"), required=False, min_value=1, max_value=2**63 - 1)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)

    def __init__(self, *args, models=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            ("", _("Any")),
            *((m._meta.label_lower, m._meta.verbose_name.capitalize()) for m in models),
        ]
