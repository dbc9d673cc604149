from django import template

from accounts.selectors import ROLE_NAMES, staff_role_of
from accounts.services import users
from dashboard.staff_home import staff_home

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_home_url(context) -> str:
    """``{% staff_home_url as url %}``: the signed-in staff member's first dashboard page ("" for none)."""
    request = context.get("request")
    return (staff_home(request.user) if request is not None else None) or ""


@register.filter
def may_block(staff_member, person) -> bool:
    """``{% if user|may_block:person %}``: whether the Block (or Unblock) button is theirs to press."""
    return users.may_block(staff_member, person)


@register.filter
def staff_role(person) -> str:
    """The person's staff role as people read it ("" for none); ``staff_groups`` when the list prefetched it."""
    groups = getattr(person, "staff_groups", None)
    role = groups[0].name if groups else ("" if groups is not None else staff_role_of(person))
    return ROLE_NAMES.get(role, "")
