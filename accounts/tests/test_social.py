"""Google and GitHub sign-in, with the providers' HTTP stubbed (no network)."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

APPS = {
    "google": {
        "APPS": [{"client_id": "google-id", "secret": "google-secret", "key": ""}],
        "SCOPE": ["profile", "email"],
    },
    "github": {"APPS": [{"client_id": "github-id", "secret": "github-secret", "key": ""}], "SCOPE": ["user:email"]},
}


@pytest.fixture
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = APPS


def _response(payload, status=200):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(payload).encode()
    response.headers["Content-Type"] = "application/json"
    return response


@pytest.fixture
def github(monkeypatch, providers):
    """GitHub's token, user and emails endpoints; the test sets who signs in and what GitHub says of their emails."""
    person = {"id": 4242, "login": "olena", "name": "Olena Koval", "email": None, "emails": []}

    def request(self, method, url, *args, **kwargs):
        if url.endswith("/login/oauth/access_token"):
            return _response({"access_token": "token", "token_type": "bearer"})
        if url.endswith("/user/emails"):
            return _response(person["emails"])
        if url.endswith("/user"):
            return _response({k: person[k] for k in ("id", "login", "name", "email")})
        raise AssertionError(f"unexpected request to {url}")

    monkeypatch.setattr(requests.Session, "request", request)
    return person


@pytest.fixture
def google(monkeypatch, providers):
    """Google's token endpoint, which returns the ID token (signature unchecked: it came over TLS from Google)."""
    claims = {"sub": "1009", "given_name": "Taras", "family_name": "Shevchuk", "email": "", "email_verified": True}

    def request(self, method, url, *args, **kwargs):
        if "oauth2.googleapis.com/token" in url:
            now = int(time.time())
            token = jwt.encode(
                {**claims, "iss": "https://accounts.google.com", "aud": "google-id", "iat": now, "exp": now + 600},
                "not-checked-by-allauth-as-it-came-over-tls",
                algorithm="HS256",
            )
            return _response({"access_token": "token", "id_token": token, "expires_in": 600, "token_type": "Bearer"})
        raise AssertionError(f"unexpected request to {url}")

    monkeypatch.setattr(requests.Session, "request", request)
    return claims


def _sign_in_with(client, provider, next_url="/bookings/"):
    start = client.post(reverse(f"{provider}_login"), {"next": next_url})
    assert start.status_code == 302
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get(reverse(f"{provider}_callback"), {"code": "code", "state": state})


def _signed_in_user(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


def test_the_buttons_show_only_for_configured_providers(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get(reverse("account_login")).content.decode()
    assert "Continue with GitHub" not in page and "Continue with Google" not in page

    settings.SOCIALACCOUNT_PROVIDERS = {"github": APPS["github"]}
    page = client.get(reverse("account_login")).content.decode()
    assert "Continue with GitHub" in page and "Continue with Google" not in page


def test_a_new_person_signs_up_with_github_and_their_verified_email_counts(client, github):
    github["emails"] = [{"email": "olena@example.com", "primary": True, "verified": True}]

    response = _sign_in_with(client, "github")

    user = User.objects.get(email="olena@example.com")
    assert response.status_code == 302 and response["Location"] == "/bookings/"
    assert _signed_in_user(client) == user.pk and not user.has_usable_password()
    assert (user.first_name, user.last_name, user.is_mentor) == ("Olena", "Koval", False)
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == "github"


def test_names_from_a_provider_lose_control_characters(client, github):
    github.update(
        name="Ole\u202ena\u0000 Koval", emails=[{"email": "o@example.com", "primary": True, "verified": True}]
    )
    _sign_in_with(client, "github")
    assert User.objects.get(email="o@example.com").first_name == "Olena"


def test_a_new_person_signs_up_with_google(client, google):
    google["email"] = "taras@example.com"

    _sign_in_with(client, "google")

    user = User.objects.get(email="taras@example.com")
    assert _signed_in_user(client) == user.pk and EmailAddress.objects.get(user=user).verified
    assert (user.first_name, user.last_name) == ("Taras", "Shevchuk")


def test_a_provider_verified_email_connects_to_the_existing_verified_account(client, github):
    owner = UserFactory(email="olena@example.com")
    github["emails"] = [{"email": "olena@example.com", "primary": True, "verified": True}]

    _sign_in_with(client, "github")

    assert _signed_in_user(client) == owner.pk and User.objects.count() == 1
    assert SocialAccount.objects.get(provider="github").user == owner
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # a verified owner keeps their password


def test_an_email_the_provider_did_not_verify_never_reaches_an_existing_account(client, github):
    owner = UserFactory(email="olena@example.com")
    github["emails"] = [{"email": "olena@example.com", "primary": True, "verified": False}]

    _sign_in_with(client, "github")

    assert _signed_in_user(client) != owner.pk
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert User.objects.filter(email__iexact="olena@example.com").count() == 1


def test_a_google_address_google_did_not_verify_never_reaches_an_existing_account(client, google):
    owner = UserFactory(email="taras@example.com")
    google.update(email="taras@example.com", email_verified=False)

    _sign_in_with(client, "google")

    assert _signed_in_user(client) != owner.pk and not SocialAccount.objects.filter(user=owner).exists()


def test_a_signed_in_person_connects_github_from_the_connections_page(client, github, mentee):
    github["emails"] = [{"email": "other-address@example.com", "primary": True, "verified": True}]
    client.force_login(mentee)

    start = client.post(reverse("github_login"), {"process": "connect"})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    client.get(reverse("github_callback"), {"code": "code", "state": state})

    assert SocialAccount.objects.get(provider="github").user == mentee
    assert "GitHub" in client.get(reverse("socialaccount_connections")).content.decode()
