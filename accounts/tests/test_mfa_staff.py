"""Two-factor sign-in, and what staff need to reach staff pages."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.middleware import StaffSecurityMiddleware
from accounts.tests.factories import PASSWORD, UserFactory, enable_mfa, totp_code

pytestmark = pytest.mark.django_db


def _signed_in_user(client):
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


def test_with_an_authenticator_app_the_password_alone_does_not_sign_in(client):
    user = UserFactory()
    secret = enable_mfa(user)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate") and _signed_in_user(client) is None

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and _signed_in_user(client) is None

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert _signed_in_user(client) == user.pk


@pytest.mark.parametrize("path", ["/dashboard/", "/admin/", "/dashboard/bookings/", "/api/tokens/"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, path):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    page = client.get(response["Location"]).content.decode()
    assert "Staff pages need two-factor authentication" in page


def test_recovery_codes_alone_are_not_a_second_factor_for_staff(client):
    """Sign-in asks for a code only when an app or a key is set up: codes left over do not count."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = UserFactory(is_staff=True)
    RecoveryCodes.activate(user)
    client.force_login(user)
    assert client.get("/dashboard/")["Location"] == reverse("mfa_index")


def test_staff_with_a_second_factor_reach_the_dashboard_and_the_admin(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_is_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/schedule/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fschedule%2F"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"].endswith("?next=%2Fadmin%2F")
    # The admin's own form never authenticates anyone: a POST to it is the same redirect.
    staff = UserFactory(is_staff=True)
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert _signed_in_user(client) is None


def test_the_admins_password_change_is_the_sites(client, staff):
    """The site's asks for the current password and mails the owner; the admin's did neither."""
    client.force_login(staff)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("account_change_password")
    assert client.post("/admin/password_change/", {"new_password1": "x", "new_password2": "x"}).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_an_idle_staff_session_ends(client, staff, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
    session = client.session
    session[StaffSecurityMiddleware.SEEN_KEY] -= 31 * 60
    session.save()

    response = client.get("/dashboard/")

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert _signed_in_user(client) is None


def test_a_mentees_session_is_not_cut_by_the_staff_idle_rule(client, mentee):
    client.force_login(mentee)
    client.get("/")
    assert StaffSecurityMiddleware.SEEN_KEY not in client.session


def _sign_in_with_code(client, user, secret):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})


def test_removing_the_authenticator_ends_the_other_sessions(client):
    user = UserFactory()
    secret = enable_mfa(user)
    other = Client()
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2), tick=False):
        _sign_in_with_code(other, user, secret)  # each code is accepted once: an earlier one here
    _sign_in_with_code(client, user, secret)
    assert _signed_in_user(other) == _signed_in_user(client) == user.pk

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks again first
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302 and not Authenticator.objects.filter(user=user, type="totp").exists()
    assert other.get(reverse("accounts:profile")).status_code == 302
    assert _signed_in_user(client) == user.pk
