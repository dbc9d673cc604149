"""Every string a user reads is marked for translation, so a Ukrainian version only needs a catalogue."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
TRANSLATED_BLOCK = re.compile(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", re.S)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
VISIBLE_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")


def untranslated_text(source: str) -> list[str]:
    """Literal words left in a template once translated blocks, template syntax and tags are removed."""
    text = TEMPLATE_SYNTAX.sub(" ", SCRIPT_OR_STYLE.sub(" ", COMMENT.sub(" ", TRANSLATED_BLOCK.sub(" ", source))))
    found = [value for value in VISIBLE_ATTRIBUTE.findall(text) if WORD.search(value)]
    found += [line.strip() for line in TAG.sub("\n", text).splitlines() if WORD.search(line)]
    return found


def test_the_scan_finds_literal_text_and_ignores_marked_text():
    source = (
        '<p>{% translate "Marked" %}</p><p>Plain words</p><input placeholder="Search">'
        '{% blocktranslate %}Also {{ x }} marked{% endblocktranslate %}<i title="{{ label }}"></i>'
    )
    assert untranslated_text(source) == ["Search", "Plain words"]


@pytest.mark.parametrize(
    "path",
    sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]),  # pages and emails, HTML and plain text
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_have_no_untranslated_text(path):
    assert untranslated_text(path.read_text()) == []
