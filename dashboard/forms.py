from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Topic, User
from core.forms import FilterForm
from core.widgets import DateInput
from schedule.models import Booking, Slot


class PeopleFilterForm(FilterForm):
    query = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("mentor", _("Mentors")),
            ("mentee", _("Mentees")),
            ("staff", _("Staff")),
            ("blocked", _("Blocked")),
        ],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics")), *((t.slug, t.label) for t in Topic.objects.all())]


class SlotFilterForm(FilterForm):
    mentor = forms.CharField(label=_("Mentor"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Slot.Status.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)


class BookingFilterForm(FilterForm):
    mentor = forms.CharField(label=_("Mentor"), required=False, max_length=100)
    mentee = forms.CharField(label=_("Mentee"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            (Booking.Status.CONFIRMED, _("Upcoming")),
            ("completed", _("Completed")),
            (Booking.Status.CANCELLED, _("Cancelled")),
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)


class StaffBookingForm(forms.Form):
    """Book a free slot on behalf of a mentee, found by email."""

    mentee_email = forms.EmailField(label=_("Mentee's email"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, mentor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor = mentor

    def clean_mentee_email(self):
        email = self.cleaned_data["mentee_email"]
        mentee = User.objects.filter(email__iexact=email, is_active=True).first()
        if mentee is None:
            raise forms.ValidationError(_("There is no active user with this email."))
        if mentee.pk == self.mentor.pk:
            raise forms.ValidationError(_("That is this slot's mentor. Enter the address of the client to book."))
        self.cleaned_data["mentee"] = mentee
        return email


class StaffCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to both sides)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MailFilterForm(FilterForm):
    to = forms.CharField(label=_("Recipient"), required=False, max_length=254)


class MaintenanceForm(forms.Form):
    retry_after_minutes = forms.IntegerField(
        label=_("Expected length (minutes)"),
        min_value=1,
        max_value=24 * 60,
        initial=15,
        help_text=_("Sent to browsers and search engines as Retry-After."),
    )


# The staff roles' names as people read them (the groups keep their English names).


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Staff role"),
        required=False,
        choices=[
            ("", _("Not staff")),
            ("Support", _("Support: answers the support desk, sees bookings")),
            ("Manager", _("Manager: sees everything, blocks people, disables mailings")),
            ("Admin", _("Admin: everything")),
        ],
    )
