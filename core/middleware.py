from django.conf import settings
from django.shortcuts import render

from core import maintenance

# Answered during maintenance too: load balancers' probes and monitoring, and the bypass link itself.
MAINTENANCE_EXEMPT = ("/healthz", "/readyz", "/metrics", "/maintenance/bypass/")


class MaintenanceMiddleware:
    """While the site is in maintenance, a 503 with Retry-After for all but the holders of a bypass link."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        window = maintenance.current()
        if (
            window is None
            or request.path.startswith(MAINTENANCE_EXEMPT)
            or request.path.startswith(settings.STATIC_URL)
            or maintenance.bypass_valid(request.COOKIES.get(maintenance.COOKIE, ""), window)
        ):
            return self.get_response(request)
        response = render(request, "503.html", {"window": window}, status=503)
        response["Retry-After"] = str(window.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
