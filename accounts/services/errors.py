"""The one exception of the accounts app: a refused operation, with a translated message for the user."""


class AccountError(Exception):
    """A refused account operation; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
