"""The API tokens page: make a token (its secret shown once), see them, revoke one."""

import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory
from api.models import Token
from api.services import token_create

pytestmark = pytest.mark.django_db


def signed_in_just_now(client, user):
    """Signed in, and the password given again a moment ago (making a token asks for it)."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def test_a_person_makes_a_token_sees_it_once_and_it_works(client, mentee):
    signed_in_just_now(client, mentee)
    response = client.post(reverse("api:tokens"), {"name": "Calendar script & <co>", "scope": "write"}, follow=True)
    assert response.redirect_chain == [(reverse("api:tokens"), 302)]  # a reload asks again, makes no second one
    page = response.content.decode()
    token = Token.objects.get(user=mentee)
    assert response.status_code == 200 and "Copy it now" in page
    secret = page.split('id="new-token" value="')[1].split('"')[0]
    assert secret.startswith(token.prefix) and "Calendar script &amp; &lt;co&gt;" in page
    assert secret not in client.get(reverse("api:tokens")).content.decode()  # never shown again

    client.logout()
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}").json()["email"] == mentee.email


def test_revoking_a_token_stops_it_at_once(client, mentee):
    token, secret = token_create(user=mentee, name="Old", scope="read")
    client.force_login(mentee)
    response = client.post(reverse("api:token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    client.logout()
    assert client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_someone_elses_token_cannot_be_revoked(client, mentee):
    token, _secret = token_create(user=UserFactory(), name="Theirs", scope="read")
    client.force_login(mentee)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_person_has_at_most_a_few_tokens(client, mentee, settings):
    settings.API_MAX_TOKENS = 2
    signed_in_just_now(client, mentee)
    for n in range(3):
        client.post(reverse("api:tokens"), {"name": f"T{n}", "scope": "read"})
    assert Token.objects.filter(user=mentee).count() == 2


def test_an_empty_name_or_unknown_scope_is_a_form_error(client, mentee):
    signed_in_just_now(client, mentee)
    assert client.post(reverse("api:tokens"), {"name": "", "scope": "admin"}).status_code == 400
    assert not Token.objects.exists()


def test_the_tokens_page_needs_a_sign_in(client):
    assert client.get(reverse("api:tokens")).status_code == 302


def test_the_tokens_page_takes_a_fixed_number_of_queries(client, mentee, django_assert_num_queries):
    for n in range(5):
        token_create(user=mentee, name=f"T{n}", scope="read")
    client.force_login(mentee)
    client.get(reverse("home"))
    with django_assert_num_queries(3):  # the session, the person, the tokens
        response = client.get(reverse("api:tokens"))
    assert len(response.context["tokens"]) == 5


def test_blocking_or_leaving_revokes_every_token_and_unblocking_does_not_bring_them_back(mentee, staff):
    from accounts import services as account_services

    token, _secret = token_create(user=mentee, name="Script", scope="read")
    account_services.user_deactivate(user=mentee, by=staff)
    account_services.user_reactivate(user=mentee, by=staff)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_staff_role_revokes_the_tokens_made_before_it_and_taking_it_away_does_not(mentee, staff):
    from accounts import services as account_services

    before, _secret = token_create(user=mentee, name="Made as a member", scope="write")
    account_services.user_set_staff_role(user=mentee, role="Support", by=staff)
    before.refresh_from_db()
    assert before.revoked_at is not None  # it would have carried the role's powers, made without a second factor

    after, _secret = token_create(user=mentee, name="Made as staff", scope="write")
    account_services.user_set_staff_role(user=mentee, role="", by=staff)
    after.refresh_from_db()
    assert after.revoked_at is None  # fewer powers: nothing to take back


def test_making_a_token_asks_who_it_is_again_and_the_page_is_never_cached(client, mentee):
    client.force_login(mentee)  # a session that did not just sign in
    response = client.post(reverse("api:tokens"), {"name": "Script", "scope": "read"})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    assert not Token.objects.exists()
    assert "no-store" in client.get(reverse("api:tokens"))["Cache-Control"]
