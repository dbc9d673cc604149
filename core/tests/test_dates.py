import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.dates import day_range, when
from core.money import money

KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
TUESDAY_NOON_UTC = dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)  # 13:00 in Kyiv


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "full", "Tuesday, 24 November 2026, 13:00"),
        ("uk", "full", "вівторок, 24 листопада 2026, 13:00"),
        ("uk", "day", "вівторок, 24 листопада"),
        ("uk", "short", "вт, 24 листопада, 13:00"),
        ("en", "short", "Tue 24 Nov, 13:00"),
        ("uk", "compact", "24.11.2026, 13:00"),
        ("en", "time", "13:00"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(language, style, expected):
    with translation.override(language), timezone.override(KYIV):
        assert when(TUESDAY_NOON_UTC, style) == expected


def test_a_time_in_the_repeated_autumn_hour_carries_its_utc_offset():
    """Kyiv's clocks go back at 04:00 on 25 October 2026: 03:30 happens twice."""
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 03:30 EEST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 03:30 EET
    with translation.override("en"), timezone.override(KYIV):
        assert when(first, "time") == "03:30 (UTC+3)"
        assert when(second, "time") == "03:30 (UTC+2)"
        assert when(first + dt.timedelta(hours=3), "time") == "05:30"  # an ordinary time has no offset


def test_the_template_filters_follow_the_active_language():
    template = Template('{% load local %}{{ start|when:"day" }} · {{ price|money }} · {{ zero|money }}')
    context = Context({"start": TUESDAY_NOON_UTC, "price": Decimal("49.50"), "zero": Decimal("0")})
    with translation.override("uk"), timezone.override(KYIV):
        assert template.render(context) == "вівторок, 24 листопада · 49,50\xa0$ · Безкоштовно"
    with translation.override("en"), timezone.override(KYIV):
        assert template.render(context) == "Tuesday, 24 November · $49.50 · Free"


def test_money_in_a_currency_without_a_symbol_puts_the_code_after_the_number():
    with translation.override("en"):
        assert money(Decimal("1200"), "PLN") == "1200\xa0PLN"
    with translation.override("uk"):
        assert money(Decimal("1200"), "UAH") == "1200\xa0грн"


def test_empty_values_render_as_nothing():
    assert when(None) == "" and money(None) == ""


def test_a_day_range_names_the_month_once_when_it_can():
    with translation.override("uk"):
        assert day_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == "23–29 листопада"
        assert day_range(dt.date(2026, 11, 30), dt.date(2026, 12, 6)) == "30 листопада – 6 грудня"
    with translation.override("en"):
        assert day_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == "23–29 November"
        assert day_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "28 December – 3 January"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "“O&#x27;Brien &lt;b&gt;”"), ("uk", "«O&#x27;Brien &lt;b&gt;»")]
)
def test_someones_words_are_quoted_the_readers_way_and_escaped(language, expected):
    with translation.override(language):
        assert Template("{% load local %}{{ note|quoted }}").render(Context({"note": "O'Brien <b>"})) == expected
