"""
A message's two versions: the plain text as the mentor wrote it, and a formatted one rendered from the
same text as a little Markdown (paragraphs, emphasis, lists, links, headings, quotes) with raw HTML
switched off, then cleaned with nh3 to a short list of tags, so nothing a mentor writes can script,
track or restyle a recipient's mail client.

Variables in braces (``{first_name}``) are filled in per recipient: in the text as they are, in the
formatted version HTML-escaped. A message with an unknown one (``{firstname}``) is not saved
(``unknown_variables``), so a typo never reaches clients as written; other braces stay as they are.
A name in double braces is text: ``{{first_name}}`` reaches clients as ``{first_name}``.
"""

import functools
import re

import nh3
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}

# name -> what it stands for, as the message form lists them.
VARIABLES = {
    "first_name": _("the client's first name"),
    "full_name": _("the client's full name"),
    "mentor_name": _("your name"),
}
VARIABLE = re.compile(r"(?<!\{)\{(" + "|".join(VARIABLES) + r")\}(?!\})")
_NAME_IN_BRACES = re.compile(r"(?<!\{)\{([a-z][a-z_]*)\}(?!\})", re.IGNORECASE)  # {firstname}, {First_Name}
_NAME_IN_DOUBLE_BRACES = re.compile(r"\{(\{[a-z][a-z_]*\})\}", re.IGNORECASE)  # {{word}}: "{word}", as text


def unknown_variables(text: str) -> list[str]:
    """Names in braces that look like variables but are none of ``VARIABLES``, in order, each once."""
    return list(dict.fromkeys(name for name in _NAME_IN_BRACES.findall(text) if name not in VARIABLES))


@functools.cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")


def to_html(text: str) -> str:
    """The formatted version of ``text`` (variables still in braces): safe to put in a page or an email."""
    rendered = _markdown().render(text or "")
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def fill(text: str, values: dict[str, str], *, html: bool = False) -> str:
    """``text`` with its variables replaced (escaped for HTML when ``html``)."""

    def value(match):
        found = values.get(match.group(1), "")
        return escape(found) if html else found

    return _NAME_IN_DOUBLE_BRACES.sub(r"\1", VARIABLE.sub(value, text))


def one_line(text: str) -> str:
    """A subject: variables filled, no line breaks (a header cannot hold one)."""
    return " ".join(text.split())
