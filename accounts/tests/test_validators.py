"""Names with control or invisible formatting characters are refused where people edit them."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _save_names(client, first_name, last_name="Mentee"):
    return client.post(
        reverse("accounts:profile"),
        {"first_name": first_name, "last_name": last_name, "timezone": "Europe/Kyiv", "language": "en"},
    )


@pytest.mark.parametrize(
    "name",
    [
        "Mi\ta",  # Cc: a tab inside (leading and trailing ones are stripped)
        "Mi\x1b[31ma",  # Cc: a terminal escape
        "Mia\u202eeeS",  # Cf: a right-to-left override
        "Mi\u200ba",  # Cf: a zero-width space
        "\u2066Mia",  # Cf: a bidirectional isolate
        "Mi\u00ada",  # Cf: a soft hyphen
    ],
)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_name_with_a_control_or_formatting_character_is_refused_and_nothing_changes(client, mentee, field, name):
    client.force_login(mentee)

    response = _save_names(client, **{"first_name": "Mia", "last_name": "Mentee", field: name})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "A name cannot contain control characters or invisible formatting characters."
    ]
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.last_name) == ("Mia", "Mentee")


@pytest.mark.parametrize(
    "name",
    [
        "Seán O'Brien-Smith",
        "Анна-Марія",
        "علی\u200cرضا",  # a Persian name with the zero-width non-joiner it is spelled with
        "J. R. R.",
    ],
)
def test_ordinary_names_in_any_script_are_kept(client, mentee, name):
    client.force_login(mentee)

    response = _save_names(client, name)

    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.first_name == name


def test_the_refusal_is_in_ukrainian_for_a_ukrainian_user(client, mentee):
    mentee.language = "uk"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)

    response = _save_names(client, "Mi\u200ba")

    assert "Ім’я не може містити керівних або невидимих символів форматування." in response.content.decode()
