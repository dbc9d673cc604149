from django import template

from notifications import kinds

register = template.Library()


@register.simple_tag
def notification_icon(notification) -> str:
    return kinds.icon(notification)
