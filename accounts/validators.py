"""Validators for what people type about themselves."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Category Cf also holds the joiners that Persian, Hindi and other scripts need to spell a name.
NAME_JOINERS = frozenset({"\u200c", "\u200d"})  # zero-width non-joiner, zero-width joiner


def validate_no_control_characters(value: str) -> None:
    """
    Refuse control characters (Unicode category Cc: NUL, tabs, line breaks, escapes) and invisible
    format characters (Cf: right-to-left overrides, zero-width spaces). A name travels into emails,
    calendar invites, CSV exports and other people's pages, where such characters break lines and
    layouts, or make one name look like another (a right-to-left override reverses what follows it).
    """
    if any(is_control_character(character) for character in value):
        raise ValidationError(
            _("A name cannot contain control characters or invisible formatting characters."),
            code="control_characters",
        )


def is_control_character(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Cf") and character not in NAME_JOINERS
