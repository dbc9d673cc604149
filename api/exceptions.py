"""Every API error is JSON: ``{"code": "...", "message": "...", "fields": {...}}``, the message translated."""

import contextlib

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


# Codes of ArticleError that are about a value sent, not about the state of things.
VALUE_CODES = frozenset({"nul", "empty", "too_long", "topics", "cover", "past", "too_far", "value"})


@contextlib.contextmanager
def refusals():
    """A service's refusal (BookingError, ArticleError) as the API's answer: 400 for a bad value, else 409."""
    try:
        yield
    except (BookingError, ArticleError) as error:
        raise (Invalid(error) if error.code in VALUE_CODES else Refused(error)) from None


def handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
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
