"""Error pages in the site's style. They render without the database so they work when it is down."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error(request, "404.html", 404)


def server_error(request):
    # No request context: the database (sessions, user) may be what failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))
