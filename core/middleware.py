from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from core import maintenance

# Answered during maintenance too: load balancers' probes and monitoring, and the bypass link itself.
MAINTENANCE_EXEMPT = ("/healthz", "/readyz", "/metrics", "/maintenance/bypass/")
API_PREFIX = "/api/v1/"


class MaintenanceMiddleware:
    """
    While the site is in maintenance, a 503 with Retry-After for all but the holders of a bypass link,
    whose pages say the site is closed to everyone else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        window = maintenance.current()
        exempt = request.path.startswith(MAINTENANCE_EXEMPT) or request.path.startswith(settings.STATIC_URL)
        if window is None or exempt:
            return self.get_response(request)
        if maintenance.bypass_valid(request.COOKIES.get(maintenance.COOKIE, ""), window):
            request.maintenance_bypass = True  # base.html reminds them the site is closed to everyone else
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):  # the API answers every error as JSON (api.exceptions)
            message = ngettext(
                "The site is closed for a short maintenance. Please try again in about %(minutes)d minute.",
                "The site is closed for a short maintenance. Please try again in about %(minutes)d minutes.",
                window.retry_after_minutes,
            ) % {"minutes": window.retry_after_minutes}
            response = JsonResponse({"code": "maintenance", "message": message}, status=503)
        else:
            response = render(request, "503.html", {"window": window}, status=503)
        response["Retry-After"] = str(window.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
