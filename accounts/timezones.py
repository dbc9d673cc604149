import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TIMEZONE_COOKIE = "tz"


@functools.cache
def all_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# Old names still in the tz database as links; valid, but not offered (static/js/site.js maps them).
LEGACY_NAMES = frozenset(
    {"Europe/Kiev", "Europe/Uzhgorod", "Europe/Zaporozhye", "Asia/Calcutta", "Asia/Saigon", "Asia/Katmandu"}
)


@functools.cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        tz
        for tz in all_timezones()
        if "/" in tz and not tz.startswith(("Etc/", "SystemV/", "US/")) and tz not in LEGACY_NAMES
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def is_valid_timezone(name: str) -> bool:
    return name in all_timezones()


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})
