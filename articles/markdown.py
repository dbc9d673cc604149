"""
Markdown to safe HTML, done once when an article is saved (the HTML is stored with it).

markdown-it-py (CommonMark, plus tables and strikethrough) renders with raw HTML turned off, so any
HTML in the text shows as text; nh3 (the Rust ``ammonia`` sanitiser) then keeps only an allow-list
of tags and attributes, only http(s) and mailto links, no images (the pages' Content-Security-Policy
serves images from this site only), and gives every link ``rel="nofollow noopener"``. Either step
alone would do; both together mean a mistake in one is not a hole.
"""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> str:
    """The Markdown ``text`` as sanitised HTML (headings start at h2: the page's title is the h1)."""
    html = _MD.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()


def plain_summary(html: str, limit: int = 280) -> str:
    """The first words of the rendered text, without markup, for cards and meta descriptions."""
    # A list item or a heading ends like a sentence: "Squats 60 s. Push-ups 45 s", not "Squats 60 s Push-ups".
    html = re.sub(r"(?<=[^.!?:;>\s])\s*</(li|h[1-6])>", r".</\1>", html)
    text = " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
