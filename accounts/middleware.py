import time
import urllib.parse
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.timezones import TIMEZONE_COOKIE, is_valid_timezone


def cookie_timezone(request) -> str | None:
    """
    The zone the browser reported (``static/js/site.js`` writes it URL-encoded, "America%2FNew_York"),
    or None when there is none or it is not a known zone.
    """
    raw = request.COOKIES.get(TIMEZONE_COOKIE)
    if not raw:
        return None
    name = urllib.parse.unquote(raw)
    return name if is_valid_timezone(name) else None


class UserLanguageMiddleware:
    """
    A signed-in user's language is the one on their profile (it also drives their emails); visitors
    get the language cookie set by the switcher, or their browser's Accept-Language, through
    Django's LocaleMiddleware, which runs before this one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language in self.languages and user.language != request.LANGUAGE_CODE:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TimezoneMiddleware:
    """
    Activate the viewer's time zone: the user's own for a signed-in user, otherwise the zone the
    browser reported in a cookie, otherwise the site default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        tzname = user.timezone if user.is_authenticated else cookie_timezone(request)
        if tzname and is_valid_timezone(tzname):
            timezone.activate(zoneinfo.ZoneInfo(tzname))
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffSecurityMiddleware:
    """
    Staff can cancel anyone's booking and export everyone's data, so for them:

    - ``/dashboard/`` and ``/admin/`` need a second factor; without one they are sent to set it up;
    - a session idle for ``STAFF_SESSION_IDLE_MINUTES`` ends (the last activity is written at most
      once a minute, so most requests do not touch the session store).
    """

    # Staff pages, and the API tokens page: a token acts with the person's powers without a session.
    STAFF_PREFIXES = ("/dashboard/", "/admin/", "/api/tokens/")
    SEEN_KEY = "staff_last_seen"
    SEEN_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            response = self._idle_logout(request) or self._second_factor(request)
            if response:
                return response
        return self.get_response(request)

    def _idle_logout(self, request):
        now = int(time.time())
        seen = request.session.get(self.SEEN_KEY)
        if isinstance(seen, int) and now - seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(request, _("You were signed out after a while without activity. Please sign in again."))
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        if not isinstance(seen, int) or now - seen >= self.SEEN_EVERY:
            request.session[self.SEEN_KEY] = now
        return None

    def _second_factor(self, request):
        # path_info: the path inside the site, whatever prefix (SCRIPT_NAME) it is deployed under.
        if not request.path_info.startswith(self.STAFF_PREFIXES) or request.user.has_sign_in_second_factor:
            return None
        messages.warning(
            request, _("Staff pages need two-factor authentication. Set up an authenticator app to continue.")
        )
        return redirect("mfa_index")
