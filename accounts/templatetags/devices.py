"""``{% load devices %}``: ``{{ session.user_agent|device }}``, "Chrome on Windows"."""

from django import template

from accounts.devices import describe

register = template.Library()


@register.filter
def device(user_agent) -> str:
    return describe(user_agent)
