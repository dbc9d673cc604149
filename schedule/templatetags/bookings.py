from django import template

register = template.Library()


@register.filter
def status_for(booking, viewer) -> str:
    """``{{ booking|status_for:user }}``: the booking's status in the words its reader needs."""
    return booking.display_status_for(viewer)
