from django import template

from core import presence

register = template.Library()


@register.inclusion_tag("includes/presence.html", takes_context=True)
def presence_of(context, person):
    """Online / last seen for ``person``: from the page's prefetched ``presence`` map, or one cache read."""
    known = context.get("presence")
    status = known.get(person.pk) if known is not None else presence.status(person)
    return {"status": status}
