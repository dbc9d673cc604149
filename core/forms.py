"""Form fields several apps need."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ID_DIGITS = 18  # a bigint has 19; anything longer cannot be an id (and overflows SQLite's integers)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """
    A ModelMultipleChoiceField that refuses values which cannot be ids before querying: Django's own
    would run ``pk__in=[<40-digit number>]`` and the database would overflow (a 500, not a form error).
    """

    def _check_values(self, value):
        for item in value:
            text = str(item)
            if not (text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class FilterForm(forms.Form):
    """
    GET filter forms: every field optional. A value that is not valid is left out, its error shown
    beside its field, and the other filters still apply; so is a "To" date before the "From" date.
    """

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("This date is before the “From” date."))
        return cleaned_data

    def values(self) -> dict:
        self.is_valid()
        return {
            name: self.cleaned_data.get(name, None if isinstance(field, forms.DateField) else "")
            for name, field in self.fields.items()
        }
