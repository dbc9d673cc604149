"""Error pages in the site's style. They render without the database so they work when it is down."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from core.http import Refusal


def _error(request, template, status, context=None):
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    """A request Django refused before any view (a forged host, a body too big, a tampered upload)."""
    response = _error(request, "400.html", 400)
    response.malformed_request = True  # what the suspicious-activity digest counts as a 400
    return response


def permission_denied(request, exception=None):
    """Our own refusal's words ("It needs the role: Manager / Admin."); anyone else's stay unsaid (``Refusal``)."""
    reason = str(exception) if isinstance(exception, Refusal) and exception.args else ""
    return _error(request, "403.html", 403, {"reason": reason})


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def server_error(request):
    # No request context: the database (sessions, user) may be what failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))
