from urllib.parse import urlsplit

from django.conf import settings

SITE_HOST = urlsplit(settings.SITE_URL).netloc


def site(request):
    return {
        "CURRENCY": settings.BOOKING_CURRENCY,
        "LANGUAGE_NATIVE_NAMES": settings.LANGUAGE_NATIVE_NAMES,
        "SITE_URL": settings.SITE_URL,
        "SITE_HOST": SITE_HOST,
        "SOCIAL_PROVIDERS_CONFIGURED": bool(settings.SOCIALACCOUNT_PROVIDERS),
    }
