from django.http import Http404
from django.shortcuts import redirect

from core import maintenance


def maintenance_bypass(request, token):
    """The secret link of a maintenance window: its holder uses the site as usual until the link expires."""
    window = maintenance.current()
    if window is None:
        return redirect("home")
    if not maintenance.bypass_valid(token, window):
        raise Http404
    response = redirect("home")
    maintenance.set_bypass_cookie(response, window)
    return response
