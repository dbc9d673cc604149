"""The interface language: Accept-Language first, then the switcher's cookie, and the profile for users."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_first_visit_follows_the_browsers_language(client):
    page = client.get(reverse("home"), headers={"accept-language": "uk-UA,uk;q=0.9,en;q=0.5"}).content.decode()
    assert '<html lang="uk">' in page and "Знайти ментора" in page


def test_a_visitor_switches_language_and_the_choice_is_remembered(client):
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/mentors/x/?q=1"})
    assert response.status_code == 302 and response["Location"] == "/mentors/x/?q=1"
    page = client.get(reverse("home"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="uk">' in page


def test_the_switcher_never_redirects_off_the_site(client):
    response = client.post(reverse("set_language"), {"language": "uk", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx\x00" * 1000, "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_a_signed_in_users_switch_is_stored_on_the_profile_and_follows_them(client):
    user = UserFactory(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "uk", "next": "/"})
    user.refresh_from_db()
    assert user.language == "uk"
    # Another browser, which asks for English, still gets the profile's language.
    other_browser = client.__class__()
    other_browser.force_login(user)
    page = other_browser.get(reverse("home"), headers={"accept-language": "en"}).content.decode()
    assert '<html lang="uk">' in page


def test_the_profile_change_needs_a_csrf_token(client):
    """The cookie is only a display preference; what is stored on the account is CSRF-protected."""
    from django.test import Client

    user = UserFactory(language="en")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.post(reverse("set_language"), {"language": "uk", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_every_page_offers_both_languages_in_their_own_names(client):
    page = client.get(reverse("home")).content.decode()
    assert 'value="en" lang="en"' in page and "Українська" in page


def test_the_switcher_returns_to_the_page_it_was_used_on(client):
    response = client.post(reverse("set_language"), {"language": "uk"}, headers={"referer": "http://testserver/?q=go"})
    assert response["Location"] == "http://testserver/?q=go"


def test_a_page_cached_for_visitors_keeps_nothing_of_one_visitors_url(client):
    from django.test import Client

    client.get(reverse("home"), {"email": "alice@example.com", "ref": "secret-token"})
    page = Client().get(reverse("home")).content.decode()
    assert "secret-token" not in page and "alice" not in page


def test_the_language_chosen_before_signing_in_is_kept_after_it(client):
    user = UserFactory(language="en")
    client.post(reverse("set_language"), {"language": "uk", "next": "/accounts/login/"})  # on the sign-in page
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "uk"  # and so are its emails
    assert '<html lang="uk">' in client.get(reverse("home")).content.decode()


def test_signing_in_without_a_choice_on_this_device_keeps_the_profiles_language(client):
    user = UserFactory(language="uk")
    client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, headers={"accept-language": "en"}
    )
    user.refresh_from_db()
    assert user.language == "uk"


def test_the_signed_in_message_is_in_the_language_of_the_page_that_shows_it(client):
    """A Ukrainian phone signs in to an English profile: the pages turn English, and so does the message."""
    user = UserFactory(language="en", first_name="Anna")
    ukrainian = {"accept-language": "uk-UA,uk;q=0.9"}
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, headers=ukrainian, follow=True
    )
    page = response.content.decode()
    assert '<html lang="en">' in page and "Successfully signed in as Anna" in page


def test_a_test_clients_sign_in_leaves_the_threads_language_alone(client):
    from django.utils import translation

    with translation.override("en"):
        client.force_login(UserFactory(language="uk"))
        assert translation.get_language() == "en"
