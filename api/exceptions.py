"""Every API error is JSON: ``{"code": "...", "message": "...", "fields": {...}}``, the message translated."""

import contextlib

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from articles.errors import ArticleError
from schedule.services import BookingError


class Refused(exceptions.APIException):
    """A service said no (the slot was taken, the session has started): its code and message, as on the site."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, error):
        super().__init__(detail=error.message, code=getattr(error, "code", "refused"))


class Invalid(exceptions.APIException):
    """A service found a value wrong (a title too long, a time in the past): 400, with the field when known."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, error):
        super().__init__(detail=error.message, code=getattr(error, "code", "invalid"))
        self.field = getattr(error, "field", None)


class Forbidden(Refused):
    """A service said this person may not (not the author, not a mentor, address not confirmed)."""

    status_code = status.HTTP_403_FORBIDDEN


class Limited(Refused):
    """
    A service's own limit (so many comments an hour) was reached: try again later, after the error's
    ``retry_after`` seconds when it knows them (DRF's handler sends them as Retry-After, as for its throttles).
    """

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, error):
        super().__init__(error)
        self.wait = getattr(error, "retry_after", None)


# Codes of ArticleError that are about a value sent, not about the state of things.
ARTICLE_VALUE_CODES = frozenset(
    {"nul", "empty", "too_long", "topics", "cover", "past", "too_far", "value", "control_characters"}
)
# Codes of either that say who may not, whatever the state of things.
FORBIDDEN_CODES = frozenset({"forbidden", "not_author", "not_mentor", "unverified", "blocked"})


@contextlib.contextmanager
def refusals():
    """
    A service's refusal (BookingError, ArticleError) as the API's answer: 400 for a bad value, 403 for
    someone who may not, 429 for a limit reached, else 409 (the state of things says no).
    """
    try:
        yield
    except (BookingError, ArticleError) as error:
        raise api_error(error) from None


def api_error(error: BookingError | ArticleError) -> exceptions.APIException:
    """The API's answer to a service's refusal (``refusals``)."""
    if isinstance(error, ArticleError) and error.code in ARTICLE_VALUE_CODES:
        return Invalid(error)
    if error.code in FORBIDDEN_CODES:
        return Forbidden(error)
    return Limited(error) if error.code == "rate" else Refused(error)


def handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):  # Django's limits on a request
        exc = exceptions.ParseError(_("The request is too large."), code="too_large")
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        codes = exc.get_codes()
        code = codes[0] if isinstance(codes, list) and codes and isinstance(codes[0], str) else "invalid"
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"code": code, "message": _("Some values are not valid."), "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {"code": code if isinstance(code, str) else "error", "message": str(detail)}
        if isinstance(exc, Invalid) and exc.field:
            response.data["fields"] = {exc.field: [str(detail)]}
    return response
