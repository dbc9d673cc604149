"""
SQLite, the development and test database, compares ``LIKE`` without case for ASCII letters only: a
search for "програмування" would not find "Програмування", nor "ärger" "Ärger". PostgreSQL, in
production, folds every letter (Django's ``icontains`` is ``UPPER(..) LIKE UPPER(..)`` there). So that
both agree, each SQLite connection gets a ``LIKE`` that folds case by Unicode's rules.
"""

import functools
import re

from django.db.backends.signals import connection_created


@functools.lru_cache(maxsize=512)
def _pattern(pattern: str, escape: str | None) -> re.Pattern:
    """A LIKE pattern (``%`` any run, ``_`` any one character, ``escape`` before either: itself) as a regex."""
    parts, chars = [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            parts.append(re.escape(next(chars, "").casefold()))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char.casefold()))
    return re.compile("".join(parts), re.DOTALL)


def like(pattern, value, escape=None):
    """SQLite's ``like(pattern, value[, escape])`` (what ``value LIKE pattern`` calls), folding case."""
    if pattern is None or value is None:
        return None
    return _pattern(str(pattern), escape).fullmatch(str(value).casefold()) is not None


def _use_unicode_like(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)


def install() -> None:
    connection_created.connect(_use_unicode_like, dispatch_uid="core.sqlite.unicode_like")
