from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import Token


class TokenScope(permissions.BasePermission):
    """A read-only token reads; writing needs a read-and-write token (or the site's own session)."""

    message = _("This token may only read. Make a token with read and write access to change things.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, Token):
            return True
        return request.auth.can_write


# What every endpoint for a signed-in person checks (a view's own list replaces the default one).
SIGNED_IN = [permissions.IsAuthenticated, TokenScope]
