"""The one exception of the reviews app: a refused operation, with a translated message for the user."""


class ReviewError(Exception):
    """A refused review operation; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code
