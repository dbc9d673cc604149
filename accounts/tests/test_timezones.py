"""The time-zone picker: common zones first, each zone with its current offset, every zone still offered."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.forms import ProfileForm, SignupForm
from accounts.timezones import COMMON_TIMEZONES, LEGACY_NAMES, timezone_choices, utc_offset

WINTER = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)


def _groups(now):
    return {str(name): dict(options) for name, options in timezone_choices(now)}


def test_the_common_zones_come_first_in_their_own_group_then_all_zones():
    choices = timezone_choices(WINTER)

    assert [str(name) for name, _options in choices] == ["Common", "All zones"]
    common = [value for value, _label in choices[0][1]]
    assert common == list(COMMON_TIMEZONES)
    assert common[:4] == ["Europe/Kyiv", "Europe/Warsaw", "Europe/Berlin", "Europe/London"]
    assert {"America/New_York", "America/Chicago", "America/Los_Angeles", "Asia/Tokyo"} <= set(common)


def test_labels_carry_the_offset_of_the_moment_daylight_saving_time_included():
    winter, summer = _groups(WINTER), _groups(SUMMER)

    assert winter["Common"]["Europe/Kyiv"] == "Europe/Kyiv (UTC+2)"
    assert summer["Common"]["Europe/Kyiv"] == "Europe/Kyiv (UTC+3)"
    assert winter["Common"]["America/New_York"] == "America/New York (UTC-5)"
    assert summer["Common"]["America/Los_Angeles"] == "America/Los Angeles (UTC-7)"
    assert winter["Common"]["Europe/London"] == "Europe/London (UTC+0)"
    assert winter["Common"]["Asia/Kolkata"] == "Asia/Kolkata (UTC+5:30)"
    assert winter["Common"]["UTC"] == "UTC"
    assert winter["All zones"]["America/St_Johns"] == "America/St Johns (UTC-3:30)"
    assert winter["All zones"]["Asia/Kathmandu"] == "Asia/Kathmandu (UTC+5:45)"


def test_in_ukrainian_the_common_zones_also_name_their_city_so_the_filter_finds_kyiv():
    from django.utils import translation

    with translation.override("uk"):
        common = dict(timezone_choices(WINTER)[0][1])
    assert common["Europe/Kyiv"] == "Europe/Kyiv · Київ (UTC+2)"
    assert common["America/New_York"] == "America/New York · Нью-Йорк (UTC-5)"
    assert common["UTC"] == "UTC"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Europe/Kyiv", "UTC+2"), ("America/Chicago", "UTC-6"), ("Asia/Tokyo", "UTC+9"), ("UTC", "UTC+0")],
)
def test_utc_offset(name, expected):
    assert utc_offset(name, WINTER) == expected


def test_every_zone_is_offered_once_and_legacy_names_are_not():
    values = [value for _group, options in timezone_choices(WINTER) for value, _label in options]

    assert len(values) == len(set(values)) > 300
    assert not set(values) & LEGACY_NAMES
    assert values[len(COMMON_TIMEZONES) :] == sorted(values[len(COMMON_TIMEZONES) :], key=lambda v: (v != "UTC", v))


@pytest.mark.parametrize(("zone", "valid"), [("Europe/Kyiv", True), ("Pacific/Auckland", True), ("Europe/Kiev", False),
                                             ("Mars/Olympus", False), ("", False)])  # fmt: skip
def test_the_forms_accept_a_zone_from_either_group_only(zone, valid):
    assert ("timezone" not in ProfileForm({"timezone": zone}).errors) is valid


def test_the_select_has_groups_and_the_hooks_of_the_filter_script():
    html = str(SignupForm()["timezone"])

    assert '<optgroup label="Common">' in html and '<optgroup label="All zones">' in html
    assert html.index("Europe/Kyiv (UTC+") < html.index('<optgroup label="All zones">')
    assert 'data-timezone-picker="true"' in html and 'data-filter-label="Filter time zones"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("account_signup"), reverse("accounts:profile")])
def test_the_registration_and_profile_pages_load_the_filter_script(client, mentee, url):
    if url == reverse("accounts:profile"):
        client.force_login(mentee)
    page = client.get(url).content.decode()
    assert "js/timezone-picker.js" in page and "data-timezone-picker" in page
