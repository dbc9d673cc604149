import urllib.parse
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

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
