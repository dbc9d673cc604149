from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds, selectors


class NotificationSettingsForm(forms.Form):
    """
    One "Also by email" box per kind that has an email and can reach the person (a mentee has no
    mentor's kinds), named after the kind. The fields are made when the form is, not when this module
    loads: other apps register their kinds in ``AppConfig.ready``.
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.email_choices(user)
        self.kinds = kinds.for_person(user)
        for name in (name for name, kind in self.kinds.items() if kind.email):
            self.fields[name] = forms.BooleanField(
                label=_("Also by email"), required=False, initial=choices.get(name, True)
            )

    def rows(self) -> list[tuple[str, kinds.Kind, forms.BoundField | None]]:
        """Every kind for the page, in-app only ones too (they have no box): (name, kind, its field)."""
        return [(name, kind, self[name] if name in self.fields else None) for name, kind in self.kinds.items()]

    def email(self) -> dict[str, bool]:
        """The choices, as ``services.notification_preferences_set`` takes them."""
        return {name: self.cleaned_data[name] for name in self.fields}
