"""
Three middlewares; the first two first in ``MIDDLEWARE`` (after django-prometheus's "before" one):

- ``RequestIdMiddleware`` gives every request an id (the ``X-Request-ID`` it came with when that is
  short and safe, else a fresh one), sends it back in the same header and puts it on every log line
  of the request (``ops.logs``).
- ``OpsEndpointsMiddleware`` answers ``/healthz``, ``/readyz`` and ``/metrics`` itself, before the rest
  of the stack: no session, CSRF, language or user, no ALLOWED_HOSTS check (probes and Prometheus
  call a worker by its address), no HTTPS redirect (the token, if any, is already sent by then), and
  nothing that a maintenance page or a login requirement added later would have to exempt:
  ``OPS_PATHS`` names them for such a middleware all the same.
- ``SuspiciousActivityMiddleware`` counts refusals for the admins' digest (after the session, so it
  sees what the maintenance page and CSRF refuse).
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponseNotAllowed

from ops import logs

logger = logging.getLogger(__name__)

OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = logs.request_id_from(request.META.get(logs.META_KEY))
        logs.remember_request_id(request.request_id)  # forgotten when the response is closed
        response = self.get_response(request)
        response[logs.HEADER] = request.request_id
        return response


class OpsEndpointsMiddleware:
    def __init__(self, get_response):
        from ops import views

        self.get_response = get_response
        self.views = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.metrics}
        self.metrics_exposed = views.metrics_exposed

    def __call__(self, request):
        path = request.path_info
        if path not in OPS_PATHS or (path == "/metrics" and not self.metrics_exposed()):
            return self.get_response(request)  # an unprotected /metrics in production: the site's own 404
        if request.method in ("GET", "HEAD"):
            response = self.views[path](request)
        else:
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SuspiciousActivityMiddleware:
    """
    Counts the refusals worth a look (400, 403, 404, 429) by client address and path for the admins'
    digest (``ops.services.suspicious_digest_send``). A 400 counts only when Django refused the request
    itself (``mentorship_platform.views.bad_request``: a forged host, a body too big): a form given back
    with its errors is a 400 too, but it is a person's typing, not a probe. Counting never costs the
    visitor their answer: a database that does not take the count is logged and the response goes out
    as it was.
    """

    KINDS = {400: "400", 403: "403", 404: "404", 429: "429"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = self.KINDS.get(response.status_code)
        if kind == "400" and not getattr(response, "malformed_request", False):
            kind = None
        if kind is not None and request.path_info not in OPS_PATHS:
            from core.http import client_ip
            from ops.services import suspicious_hit_record

            try:
                suspicious_hit_record(kind=kind, ip=client_ip(request), path=request.path_info)
            except DatabaseError:
                logger.warning(
                    "Suspicious activity: a %s on %s was not counted", kind, request.path_info, exc_info=True
                )
        return response
