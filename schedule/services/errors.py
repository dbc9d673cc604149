"""The one exception of the schedule app: a refused operation, with a translated message for the user."""

from django.utils.translation import gettext as _

from accounts.selectors import has_verified_email


class BookingError(Exception):
    """A refused schedule operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class SlotTakenError(BookingError):
    def __init__(self):
        super().__init__(_("Sorry, this slot was just booked by someone else."), code="taken")


class UnverifiedEmailError(BookingError):
    """Booking and waitlists make the platform mail the other side: only a confirmed address may."""

    def __init__(self):
        super().__init__(
            _("Please confirm your email address first: follow the link we emailed you."), code="unverified"
        )


def require_verified_email(user) -> None:
    if not has_verified_email(user):
        raise UnverifiedEmailError()
