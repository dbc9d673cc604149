"""SQLite's LIKE folds case by Unicode's rules here, as PostgreSQL's ILIKE-style lookups do."""

import pytest

from core.sqlite import _pieces, like


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "expected"),
    [
        ("%програм%", "Програмування", None, True),
        ("%ÄRGER%", "kein ärger", None, True),
        ("a_c", "ABC", None, True),
        ("a_c", "abbc", None, False),
        ("100\\%", "100%", "\\", True),  # an escaped % is itself
        ("100\\%", "1000", "\\", False),
        ("a\\_c", "abc", "\\", False),
        ("line%", "LINE\nbreak", None, True),
        ("%x%", None, None, None),
        ("stra_e", "Straße", None, True),  # ß is one letter, as in PostgreSQL
        ("%STRASSE%", "straße", None, False),
        ("abc\\", "abc", "\\", False),  # ends in the escape character: SQLite refuses it
        ("%a%b%c%", "xxAyyBzzC", None, True),
        ("%a%b%c%", "xxCyyBzzA", None, False),
        ("a%a", "a", None, False),  # the first and last pieces may not overlap
        ("a%a", "aa", None, True),
        ("%", "", None, True),
        ("_%_", "ab", None, True),
        ("_%_", "a", None, False),
    ],
)
def test_like_folds_case_beyond_ascii_and_keeps_wildcards_and_escapes(pattern, value, escape, expected):
    assert like(pattern, value, escape) is expected


@pytest.mark.django_db
def test_the_database_compares_without_case_beyond_ascii():
    from accounts.models import User
    from accounts.tests.factories import UserFactory

    UserFactory(first_name="Ґрета")
    assert User.objects.filter(first_name__icontains="ґре").count() == 1
    assert User.objects.filter(first_name__iexact="ҐРЕТА").count() == 1


def test_a_pattern_with_many_wildcards_is_matched_piece_by_piece():
    """No piece repeats (a regex of ".*a" twelve times would backtrack for minutes on 40 letters)."""
    pieces = _pieces("%a" * 12 + "%b", None)
    assert len(pieces) == 14 and all(length <= 1 for _regex, length in pieces)
    assert like("%a" * 12 + "%b", "a" * 40, None) is False


@pytest.mark.django_db
def test_django_s_lookups_keep_wildcards_typed_by_people_literal():
    from accounts.models import User
    from accounts.tests.factories import UserFactory

    UserFactory(first_name="a_c 100%")
    UserFactory(first_name="abc 1000")
    assert list(User.objects.filter(first_name__contains="a_c").values_list("first_name", flat=True)) == ["a_c 100%"]
    assert list(User.objects.filter(first_name__icontains="100%").values_list("first_name", flat=True)) == ["a_c 100%"]
    assert User.objects.filter(first_name__istartswith="A_C").count() == 1
