import datetime as dt
import functools
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import zone_name

TIMEZONE_COOKIE = "tz"


@functools.cache
def all_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# Old names still in the tz database as links; valid, but not offered (static/js/site.js maps them).
LEGACY_NAMES = frozenset(
    {"Europe/Kiev", "Europe/Uzhgorod", "Europe/Zaporozhye", "Asia/Calcutta", "Asia/Saigon", "Asia/Katmandu"}
)

# Offered first: where the platform's mentors and mentees mostly are, then the big zones of each continent.
COMMON_TIMEZONES = (
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)


@functools.cache
def _offered_names() -> tuple[str, ...]:
    """Every zone a person may pick, in alphabetical order, UTC first."""
    names = sorted(
        tz
        for tz in all_timezones()
        if "/" in tz and not tz.startswith(("Etc/", "SystemV/", "US/")) and tz not in LEGACY_NAMES
    )
    return ("UTC", *names)


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    """ZoneInfo keeps only a few zones alive in its own cache; a list of all of them would reload them each time."""
    return zoneinfo.ZoneInfo(name)


def utc_offset(name: str, at: dt.datetime) -> str:
    """The zone's offset from UTC at ``at``: "UTC+2", "UTC-5", "UTC+5:30", "UTC+0"."""
    offset = at.astimezone(_zone(name)).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def timezone_label(name: str, at: dt.datetime) -> str:
    """ "America/New York (UTC-5)": the name as people read it, with today's offset (it moves with DST)."""
    if name == "UTC":
        return "UTC"
    return f"{zone_name(name)} ({utc_offset(name, at)})"


def timezone_choices(now: dt.datetime | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """
    The choices of a time-zone select, as two groups: the common zones, then all the others. A zone
    is in one group only, so the select never holds the same value twice. The group names follow the
    active language; the offsets are those of the current quarter of an hour (they move with DST).
    """
    now = now or timezone.now()
    at = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    common = [(name, _common_label(name, at)) for name in COMMON_TIMEZONES]  # in the reader's language
    return [(_("Common"), common), (_("All zones"), list(_others_labelled(at)))]


# The common zones' cities in the reader's language, beside the zone's own name, so that the filter
# finds "Київ" as well as "Kyiv".
COMMON_CITIES = {
    "Europe/Kyiv": _("Kyiv"),
    "Europe/Warsaw": _("Warsaw"),
    "Europe/Berlin": _("Berlin"),
    "Europe/London": _("London"),
    "America/New_York": _("New York"),
    "America/Chicago": _("Chicago"),
    "America/Denver": _("Denver"),
    "America/Los_Angeles": _("Los Angeles"),
    "America/Sao_Paulo": _("Sao Paulo"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Kolkata": _("Kolkata"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Tokyo": _("Tokyo"),
    "Australia/Sydney": _("Sydney"),
}


def _common_label(name: str, at: dt.datetime) -> str:
    """ "Europe/Kyiv · Київ (UTC+2)" where the city reads otherwise in the reader's language."""
    city = str(COMMON_CITIES.get(name, ""))
    if not city or city in zone_name(name):
        return timezone_label(name, at)
    return f"{zone_name(name)} · {city} ({utc_offset(name, at)})"


@functools.lru_cache(maxsize=4)
def _others_labelled(at: dt.datetime) -> tuple[tuple[str, str], ...]:
    return tuple((name, timezone_label(name, at)) for name in _offered_names() if name not in COMMON_TIMEZONES)


def is_valid_timezone(name: str) -> bool:
    return name in all_timezones()


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_offered_timezone(value: str) -> None:
    """A zone a person may pick (the profile's list): not a legacy alias such as "US/Eastern" or "Factory"."""
    if value not in _offered_set():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


@functools.cache
def _offered_set() -> frozenset[str]:
    return frozenset(_offered_names())
