from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Token


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("What the token is for, e.g. “My calendar script”.")
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=Token.Scope.choices, initial=Token.Scope.READ, widget=forms.RadioSelect
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "\x00" in name:
            raise forms.ValidationError(_("Use letters, digits and punctuation only."))
        return name
