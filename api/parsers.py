"""
The API's JSON parser: text that is not valid Unicode, nesting without end, or what is not JSON at all
is the request's fault, said in the reader's language.
"""

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= character <= "\udfff" for character in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(key) or _has_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class JSONParser(parsers.JSONParser):
    """
    DRF's, refusing a lone surrogate (``"\\ud800"``: valid JSON, but no character). Python keeps it in
    a string, then it can be neither stored (PostgreSQL) nor written back in an error message (UTF-8).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            surrogate = _has_lone_surrogate(data)
        except RecursionError:  # "[[[[…": nested deeper than any request of ours
            raise ParseError(_("The JSON is nested too deeply.")) from None
        except ParseError as error:  # DRF's says it in English, with Python's words for the cause
            cause = error.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise ParseError(
                    _("The body is not valid JSON (line %(line)s, column %(column)s).")
                    % {"line": cause.lineno, "column": cause.colno}
                ) from None
            raise ParseError(_("The body is not valid JSON.")) from None  # a number too long, say
        if surrogate:
            raise ParseError(_("The JSON holds text that is not valid Unicode."))
        return data
