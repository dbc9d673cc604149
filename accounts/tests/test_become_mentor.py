"""A mentee becomes a mentor by themself: ``services.mentor_become`` and the "Become a mentor" view."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import MentorProfile, User
from accounts.tests.factories import MentorFactory, UserFactory

pytestmark = pytest.mark.django_db

BECOME = reverse("accounts:become_mentor")


def test_a_mentee_becomes_a_mentor_with_an_empty_profile_to_fill_in(mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        profile = services.mentor_become(user=mentee)

    mentee.refresh_from_db()
    assert mentee.is_mentor
    assert profile == MentorProfile.objects.get(user=mentee)
    assert profile.slug == "mia-mentee" and profile.headline == "" and not profile.is_free
    assert callbacks  # the directory cache is told


def test_a_mentor_s_address_is_their_name_in_latin_letters_and_never_their_email():
    from accounts.tests.factories import UserFactory

    ukrainian = UserFactory(first_name="Марія", last_name="Гнатюк", email="maria.private@example.com")
    assert services.mentor_become(user=ukrainian).slug == "mariia-hnatiuk"
    nameless = UserFactory(first_name="", last_name="", email="secret.handle@example.com")
    assert services.mentor_become(user=nameless).slug == "mentor"


def test_becoming_a_mentor_twice_changes_nothing(mentor):
    before = MentorProfile.objects.get(user=mentor)

    again = services.mentor_become(user=mentor)

    assert again == before
    assert MentorProfile.objects.filter(user=mentor).count() == 1


def test_a_mentor_role_that_lost_its_profile_gets_it_back():
    user = UserFactory(is_mentor=True)
    profile = services.mentor_become(user=user)
    assert profile.user == user and MentorProfile.objects.filter(user=user).count() == 1


def test_a_profile_made_by_a_simultaneous_request_is_returned_not_duplicated(mentee, monkeypatch):
    """A double click on PostgreSQL: the other request commits its profile between our check and our save."""
    validate = MentorProfile.full_clean

    def then_the_other_request_commits(profile, *args, **kwargs):
        validate(profile, *args, **kwargs)
        MentorProfile.objects.create(user=mentee, slug="made-by-the-other-request")

    monkeypatch.setattr(MentorProfile, "full_clean", then_the_other_request_commits)

    profile = services.mentor_become(user=mentee)

    assert profile.slug == "made-by-the-other-request"
    assert MentorProfile.objects.filter(user=mentee).count() == 1


def test_an_inactive_account_cannot_become_a_mentor():
    user = UserFactory(is_active=False)
    with pytest.raises(services.AccountError):
        services.mentor_become(user=user)
    user.refresh_from_db()
    assert not user.is_mentor and not MentorProfile.objects.filter(user=user).exists()


# --- The view ---


def test_a_mentee_switches_with_a_post_and_lands_on_the_checklist(client, mentee):
    client.force_login(mentee)

    response = client.post(BECOME, follow=True)

    assert response.redirect_chain == [(reverse("accounts:mentor_profile_edit"), 302)]
    page = response.content.decode()
    assert "You are now a mentor." in page
    assert "Your profile is not visible in the directory yet" in page
    mentee.refresh_from_db()
    assert mentee.is_mentor and MentorProfile.objects.filter(user=mentee).exists()


def test_a_second_post_is_harmless_and_says_nothing_new(client, mentee):
    client.force_login(mentee)
    client.post(BECOME, follow=True)  # shows (and so uses up) the first message

    response = client.post(BECOME, follow=True)

    assert response.redirect_chain == [(reverse("accounts:mentor_profile_edit"), 302)]
    assert "You are now a mentor." not in response.content.decode()
    assert MentorProfile.objects.filter(user=mentee).count() == 1


def test_a_get_only_explains_and_changes_nothing(client, mentee):
    client.force_login(mentee)

    response = client.get(BECOME)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Become a mentor" in page and 'method="post"' in page and "csrfmiddlewaretoken" in page
    mentee.refresh_from_db()
    assert not mentee.is_mentor and not MentorProfile.objects.exists()


def test_a_get_by_a_mentor_goes_to_the_profile_editor(client, mentor):
    client.force_login(mentor)
    response = client.get(BECOME)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mentor_profile_edit")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_visitor_goes_to_registration_with_the_mentor_role_chosen(client, method):
    response = getattr(client, method)(BECOME)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup") + "?role=mentor"
    form = client.get(response["Location"]).context["form"]
    assert form["role"].value() == "mentor"
    assert not User.objects.exists()


def test_the_switch_needs_a_csrf_token(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)

    response = client.post(BECOME)

    assert response.status_code == 403
    mentee.refresh_from_db()
    assert not mentee.is_mentor


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client, mentee, method):
    client.force_login(mentee)
    assert getattr(client, method)(BECOME).status_code == 405
    mentee.refresh_from_db()
    assert not mentee.is_mentor


def test_the_offer_shows_on_the_home_and_profile_pages_for_mentees_and_visitors_only(client, mentee):
    home = client.get(reverse("home")).content.decode()
    assert f'href="{BECOME}"' in home  # a visitor follows a link (the cached page has no CSRF token)

    client.force_login(mentee)
    home = client.get(reverse("home")).content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()
    for page in (home, profile):
        assert f'action="{BECOME}"' in page and "Become a mentor" in page

    client.force_login(MentorFactory())
    for name in ("home", "accounts:profile"):
        assert "Become a mentor" not in client.get(reverse(name)).content.decode()


def test_the_become_a_mentor_page_query_count_is_pinned(client, django_assert_num_queries):
    client.force_login(UserFactory())
    with django_assert_num_queries(3):  # session, user, the header's unread counts (one query)
        assert client.get(reverse("accounts:become_mentor")).status_code == 200


def test_an_address_made_from_the_email_earlier_is_made_from_the_name_and_others_stay():
    import importlib

    from django.apps import apps

    from accounts.tests.factories import UserFactory

    migration = importlib.import_module("accounts.migrations.0015_mentor_slugs_without_email")
    exposed = UserFactory(first_name="Марія", last_name="Гнатюк", email="maria.private@example.com")
    services.mentor_become(user=exposed)
    MentorProfile.objects.filter(user=exposed).update(slug="mariaprivate")  # as the old code made it
    latin = UserFactory(first_name="Max", last_name="Mentor", email="max@example.com")
    services.mentor_become(user=latin)
    nameless = UserFactory(first_name="", last_name="", email="quiet@example.com")
    services.mentor_become(user=nameless)
    MentorProfile.objects.filter(user=nameless).update(slug="quiet")

    migration.addresses_from_names(apps, None)

    slugs = dict(MentorProfile.objects.values_list("user__email", "slug"))
    assert slugs["maria.private@example.com"] == "mariia-hnatiuk"
    assert slugs["max@example.com"] == "max-mentor"  # a Latin name: its address was the name already
    assert slugs["quiet@example.com"] == "quiet"  # no name to make one from
