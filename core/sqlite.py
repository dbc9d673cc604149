"""
SQLite, the development and test database, compares ``LIKE`` without case for ASCII letters only: a
search for "програмування" would not find "Програмування", nor "ärger" "Ärger". PostgreSQL, in
production, compares every letter without case (Django's ``icontains`` is ``UPPER(..) LIKE UPPER(..)``
there). So that both agree, each SQLite connection gets a ``LIKE`` that ignores case letter by letter,
by Unicode's simple (one-to-one) case mapping: "ß" stays one letter, as in PostgreSQL's ``UPPER``.
"""

import functools
import re

from django.db.backends.signals import connection_created


@functools.lru_cache(maxsize=512)
def _pieces(pattern: str, escape: str | None) -> tuple[tuple[re.Pattern, int], ...] | None:
    """
    A LIKE pattern split at its ``%`` into pieces of fixed length, each a regex and its length (``_`` is
    any one character; the escape character makes the next one literal); None for a pattern SQLite
    refuses (one that ends in the escape character).
    """
    pieces, current, chars = [], [], iter(pattern)
    for char in chars:
        if escape and char == escape:
            literal = next(chars, None)
            if literal is None:
                return None
            current.append(re.escape(literal))
        elif char == "%":
            pieces.append(current)
            current = []
        elif char == "_":
            current.append(".")
        else:
            current.append(re.escape(char))
    pieces.append(current)
    return tuple((re.compile("".join(piece), re.IGNORECASE | re.DOTALL), len(piece)) for piece in pieces)


def like(pattern, value, escape=None):
    """
    SQLite's ``like(pattern, value[, escape])`` (what ``value LIKE pattern`` calls), ignoring case. The
    first piece starts the value, the last ends it, each one between is found leftmost after the one
    before: linear in the value, however many ``%`` the pattern has.
    """
    if pattern is None or value is None:
        return None
    pieces = _pieces(str(pattern), escape)
    if pieces is None:
        return False
    value = str(value)
    if len(pieces) == 1:
        return pieces[0][0].fullmatch(value) is not None
    (first, first_length), *middle, (last, last_length) = pieces
    if first.match(value) is None:
        return False
    position = first_length
    for piece, _length in middle:
        found = piece.search(value, position)
        if found is None:
            return False
        position = found.end()
    end = len(value) - last_length
    return end >= position and last.fullmatch(value, end) is not None


def _use_unicode_like(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, like, deterministic=True)
        connection.connection.create_function("like", 3, like, deterministic=True)


def install() -> None:
    connection_created.connect(_use_unicode_like, dispatch_uid="core.sqlite.unicode_like")
