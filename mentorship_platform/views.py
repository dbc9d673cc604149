"""Error pages in the site's style. They render without the database so they work when it is down."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _error(request, template, status, context=None):
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    """The refusal's own words when it has them ("It needs the role: Manager / Admin."): they are ours, translated."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return _error(request, "403.html", 403, {"reason": reason})


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def server_error(request):
    # No request context: the database (sessions, user) may be what failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))
