"""``{% load directory %}``: ``{% directory_url search topic=t.slug %}``, the directory with one thing changed."""

from django import template

register = template.Library()


@register.simple_tag
def directory_url(search, **changes):
    """The directory as ``search`` shows it, with ``changes`` (field names of ``DirectorySearch``), on page 1."""
    return search.url(**changes)
