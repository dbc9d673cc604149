from django.conf import settings


def site(request):
    return {"CURRENCY": settings.BOOKING_CURRENCY, "LANGUAGE_NATIVE_NAMES": settings.LANGUAGE_NATIVE_NAMES}
