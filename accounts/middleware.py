import zoneinfo

from django.utils import timezone

from accounts.timezones import TIMEZONE_COOKIE, is_valid_timezone


class TimezoneMiddleware:
    """
    Activate the viewer's time zone: the user's own for a signed-in user, otherwise the zone the
    browser reported in a cookie (``static/js/timezone.js``), otherwise the site default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        tzname = user.timezone if user.is_authenticated else request.COOKIES.get(TIMEZONE_COOKIE)
        if tzname and is_valid_timezone(tzname):
            timezone.activate(zoneinfo.ZoneInfo(tzname))
        else:
            timezone.deactivate()
        return self.get_response(request)
