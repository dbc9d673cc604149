"""
The machine-facing endpoints. ``ops.middleware.OpsEndpointsMiddleware`` answers them before sessions,
CSRF, the language, the ALLOWED_HOSTS check and the HTTPS redirect: a load balancer or Prometheus calls
a worker by its address, over plain HTTP, with no cookie.
"""

import functools
import hmac
import ipaddress
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse

from ops import metrics as ops_metrics
from ops import readiness

logger = logging.getLogger(__name__)


def healthz(request):
    """The process is alive and serving: no database, no cache, nothing else asked."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Every dependency answers: 200, or 503 naming the failing checks. Never a 500."""
    results = readiness.run_checks()
    failing = {name: result.detail for name, result in results.items() if result.state == readiness.FAILING}
    body = {
        "status": "not ready" if failing else "ready",
        "checks": {name: result.as_dict() for name, result in results.items()},
    }
    response = JsonResponse(body, status=503 if failing else 200)
    if failing:
        logger.warning("Not ready: %s", "; ".join(f"{name}: {detail}" for name, detail in failing.items()))
        # Not also Django's "Service Unavailable" ERROR line, which Sentry would report on every probe.
        response._has_been_logged = True
    return response


# --- /metrics and who may read it ---


def metrics_exposed() -> bool:
    """
    /metrics exists when it is protected (METRICS_TOKEN or METRICS_ALLOWED_IPS) or in development
    (DEBUG on); otherwise it is not there at all, like any unknown address.
    """
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOWED_IPS or settings.DEBUG)


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple:
    """The allow-list as networks; an entry that does not parse matches nothing (``ops.E001`` names it)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def address_allowed(remote_addr: str, entries) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:10.0.0.7 from a dual-stack socket
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(entries)))


def token_matches(request, token: str) -> bool:
    scheme, _space, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def metrics_allowed(request) -> bool:
    """Every protection that is set must pass: the bearer token, and the client's address (REMOTE_ADDR)."""
    if settings.METRICS_TOKEN and not token_matches(request, settings.METRICS_TOKEN):
        return False
    return not (
        settings.METRICS_ALLOWED_IPS
        and not address_allowed(request.META.get("REMOTE_ADDR", ""), settings.METRICS_ALLOWED_IPS)
    )


def metrics(request):
    """Prometheus's text format (see ``ops.metrics``); 403 to a caller without the token or address."""
    if not metrics_allowed(request):
        return HttpResponseForbidden(b"forbidden\n", content_type="text/plain")
    return HttpResponse(ops_metrics.exposition(), content_type=ops_metrics.CONTENT_TYPE)
