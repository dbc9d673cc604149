"""``{% load local %}``: ``{{ slot.start|when:"full" }}``, ``{{ price|money }}`` in the viewer's language."""

from django import template
from django.utils.html import format_html
from django.utils.translation import pgettext

from core import dates
from core import money as money_module

register = template.Library()


@register.filter
def when(value, style="full"):
    return dates.when(value, style)


@register.filter
def day_range(first, last):
    return dates.day_range(first, last)


@register.filter
def money(value, currency=None):
    return money_module.money(value, currency)


@register.filter
def amount(value, currency=None):
    """A sum of money, "$0" included (``money`` says "Free" at zero: it is for prices)."""
    return money_module.money(value, currency, zero_is_free=False)


@register.filter
def duration(minutes):
    return dates.duration(minutes)


@register.filter
def quoted(value):
    """Someone's words in the reader's quotation marks: “…” in English, «…» in Ukrainian (escaped)."""
    return format_html(pgettext("quotation marks around someone's words", "“{}”"), value)


@register.filter
def zone(name) -> str:
    """A time zone's name as people read it: "America/New York", as the zone picker shows it."""
    return dates.zone_name(name)
