"""Hostile Markdown comes out as safe HTML: no scripts, no handlers, no dangerous links, raw HTML as text."""

import re

import pytest

from articles.markdown import plain_summary, render

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](&#106;avascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "![x](javascript:alert(1))",
    '![x](https://evil.example/x.png "title" onerror=alert(1))',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    '[x](https://example.com "a" onmouseover="alert(1)")',
    "<form action=https://evil.example><input name=password></form>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_to_safe_html(text):
    html = render(text)
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert "<img" not in lowered and "<style" not in lowered and "<form" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html  # no event handler attribute on any tag
    assert not re.search(r'href="\s*(javascript|vbscript|data):', lowered), html
    assert not re.search(r"<[^>]+\sstyle\s*=", lowered), html  # shown as text at most


def test_links_get_nofollow_noopener_and_keep_safe_schemes():
    html = render("[a](https://example.com) and [b](mailto:a@example.com)")
    assert '<a href="https://example.com" rel="nofollow noopener">a</a>' in html
    assert '<a href="mailto:a@example.com" rel="nofollow noopener">b</a>' in html


def test_raw_html_is_shown_as_text():
    assert render("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>"


def test_markdown_formatting_survives():
    html = render("# Title\n\n## Part\n\n- *a*\n- `b`\n\n> quote\n\n| x | y |\n|---|---|\n| 1 | 2 |")
    for tag in ("<h2>Title</h2>", "<h2>Part</h2>", "<em>a</em>", "<code>b</code>", "<blockquote>", "<td>1</td>"):
        assert tag in html


def test_the_summary_is_plain_text_cut_at_a_word():
    summary = plain_summary(render("Hello **world** & <friends> " + "word " * 100), limit=40)
    assert summary.startswith("Hello world & <friends> word")
    assert summary.endswith("…") and len(summary) <= 41


def test_a_summary_keeps_list_items_and_headings_apart():
    html = render("Three rounds:\n\n- Squats 60 s\n- Push-ups 45 s\n- Rest!\n\n## Why\nBecause.")
    assert plain_summary(html) == "Three rounds: Squats 60 s. Push-ups 45 s. Rest! Why. Because."
