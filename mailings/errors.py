"""The one exception of the mailings app: a refused operation, with a translated message for the user."""


class MailingError(Exception):
    """A refused mailing operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code
