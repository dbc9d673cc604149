"""The one exception of the articles app: a refused operation, with a translated message for the user."""


class ArticleError(Exception):
    """A refused article, comment, reaction or follow; ``message`` is translated and shown to the user."""

    def __init__(self, message, *, code="invalid", field=None, retry_after=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field  # the form field the message belongs to, if any
        self.retry_after = retry_after  # seconds until a limit reached ("rate") lets the person try again
