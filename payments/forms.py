import calendar
import datetime as dt
import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from payments.models import Package, Payment
from payments.providers import Card

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
EXPIRY_PATTERN = re.compile(r"(\d{1,2})\s*/\s*(\d{2}|\d{4})")


def luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class CardForm(forms.Form):
    """A card for the imitation processor. The number is passed on and never stored (only brand and last four)."""

    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    expiry = forms.CharField(
        label=_("Expiry date (MM/YY)"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "inputmode": "numeric", "placeholder": "12/30"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric", "placeholder": "123"}),
    )
    # One per form shown: submitting the same form twice charges once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["key"] = uuid.uuid4().hex

    def clean_number(self):
        digits = re.sub(r"[\s-]", "", self.cleaned_data["number"])
        if not (digits.isascii() and digits.isdecimal() and 12 <= len(digits) <= 19 and luhn(digits)):
            raise forms.ValidationError(_("Enter a valid card number."), code="invalid")
        return digits

    def clean_expiry(self):
        match = EXPIRY_PATTERN.fullmatch(self.cleaned_data["expiry"].strip())
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Enter the expiry date as MM/YY, for example 04/29."), code="invalid")
        month, year = int(match[1]), int(match[2])
        year = year + 2000 if year < 100 else year
        today = timezone.localdate()
        if not 2000 <= year <= today.year + 20:
            raise forms.ValidationError(_("Enter the expiry date as MM/YY, for example 04/29."), code="invalid")
        if dt.date(year, month, calendar.monthrange(year, month)[1]) < today:
            raise forms.ValidationError(_("This card has expired."), code="expired")
        return month, year

    def clean_cvc(self):
        cvc = self.cleaned_data["cvc"].strip()
        if not (cvc.isascii() and cvc.isdecimal() and len(cvc) in (3, 4)):
            raise forms.ValidationError(_("The security code is the 3 or 4 digits on the card."), code="invalid")
        return cvc

    def clean_key(self):
        key = self.cleaned_data["key"]
        if not KEY_PATTERN.fullmatch(key):
            raise forms.ValidationError(_("Please reload the page and try again."), code="invalid")
        return key

    def card(self) -> Card:
        month, year = self.cleaned_data["expiry"]
        return Card(number=self.cleaned_data["number"], exp_month=month, exp_year=year, cvc=self.cleaned_data["cvc"])


class PackageForm(forms.ModelForm):
    sessions = forms.IntegerField(
        label=pgettext_lazy("consultations", "Sessions"), validators=[MinValueValidator(2), MaxValueValidator(50)]
    )
    price = forms.DecimalField(
        label=_("Price of the package"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
    )

    class Meta:
        model = Package
        fields = ["title", "sessions", "price"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].help_text = _("In %(currency)s, for all its sessions together.") % {
            "currency": settings.BOOKING_CURRENCY
        }


class StaffPaymentFilterForm(forms.Form):
    # As the list's badges read to staff: a payment given back whole is "Refunded", not "Paid".
    STATUS_CHOICES = [
        ("", _("Any")),
        (Payment.Status.PROCESSING, Payment.Status.PROCESSING.label),
        (Payment.Status.REQUIRES_ACTION, _("Waiting for the client's bank")),
        (Payment.Status.SUCCEEDED, Payment.Status.SUCCEEDED.label),
        ("partly_refunded", _("Partly refunded")),
        ("refunded", _("Refunded")),
        (Payment.Status.FAILED, Payment.Status.FAILED.label),
    ]

    query = forms.CharField(label=_("Invoice, email or name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
