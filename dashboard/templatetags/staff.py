from django import template

from dashboard.staff_home import staff_home

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_home_url(context) -> str:
    """``{% staff_home_url as url %}``: the signed-in staff member's first dashboard page ("" for none)."""
    request = context.get("request")
    return (staff_home(request.user) if request is not None else None) or ""
