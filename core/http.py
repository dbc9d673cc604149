"""Facts about the request every app asks the same way."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def client_ip(request) -> str | None:
    """
    The client's address, as allauth's sign-in limits see it: ``TRUSTED_PROXY_COUNT`` entries from the
    end of X-Forwarded-For behind proxies, else the connection's. None when it cannot be told (a header
    shorter than the proxies that should have written it), so nobody can choose an address to blame.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


class Refusal(PermissionDenied):
    """
    A 403 in our own words, translated, which the 403 page shows ("It needs the role: Manager / Admin.").
    Anyone else's PermissionDenied (allauth's, Django's) keeps the page's plain words: theirs may be
    English or technical.
    """
