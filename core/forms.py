"""Form fields several apps need."""

from django import forms

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
    """GET filter forms: every field optional, invalid values simply ignored."""

    def values(self) -> dict:
        if not self.is_valid():
            return {name: "" if not isinstance(f, forms.DateField) else None for name, f in self.fields.items()}
        return self.cleaned_data
