"""The one exception of the schedule app: a refused operation, with a translated message for the user."""

from django.utils.translation import gettext as _


class BookingError(Exception):
    """A refused schedule operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


class SlotTakenError(BookingError):
    def __init__(self):
        super().__init__(_("Sorry, this slot was just booked by someone else."), code="taken")
