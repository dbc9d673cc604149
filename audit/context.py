"""
Where the request that caused an audit entry came from, for services that never see the request.

``AuditContextMiddleware`` is django-auditlog's middleware (it tells auditlog the actor and address of
model changes) with the client's address taken as the rest of the site takes it (``core.http.client_ip``:
the trusted proxies' X-Forwarded-For entry, never the first one, which the client writes itself); it
keeps that address for ``audit.services.event_record`` too.
"""

import contextvars

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware

from core.http import client_ip

_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


def actor_set(user) -> None:
    """
    Name ``user`` as the actor of this request's model changes, for a request authenticated after the
    middleware ran: the API's personal tokens, read by the view. The token decides who acts, also when
    the request carries someone's session cookie as well.
    """
    try:
        context = auditlog_value.get()
    except LookupError:  # outside a request (a command, a job): nothing to name
        return
    context["actor"] = user


class AuditContextMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    def __call__(self, request):
        token = _ip.set(client_ip(request))
        try:
            return super().__call__(request)
        finally:
            _ip.reset(token)
