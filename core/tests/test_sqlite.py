"""SQLite's LIKE folds case by Unicode's rules here, as PostgreSQL's ILIKE-style lookups do."""

import pytest

from core.sqlite import like


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
