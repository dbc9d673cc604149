import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import ListedMentorFactory, MentorFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_site_and_lists_mentors(client):
    ListedMentorFactory(first_name="Olena", last_name="Koval")

    page = client.get(reverse("home")).content.decode()

    assert "How it works" in page
    assert "Book a consultation" in page and "Register" in page and "Become a mentor" in page
    assert "Olena Koval" in page


def test_mentors_are_found_by_name_or_topic_and_filtered_by_topic(client):
    fitness = TopicFactory(name="Fitness")
    python = TopicFactory(name="Python")
    ListedMentorFactory(first_name="Runner", last_name="One", profile__topics=[fitness])
    ListedMentorFactory(first_name="Coder", last_name="Two", profile__topics=[python])

    by_topic_word = client.get(reverse("home"), {"q": "fitn"}).content.decode()
    by_name = client.get(reverse("home"), {"q": "coder"}).content.decode()
    by_filter = client.get(reverse("home"), {"topic": "python"}).content.decode()

    assert "Runner One" in by_topic_word and "Coder Two" not in by_topic_word
    assert "Coder Two" in by_name and "Runner One" not in by_name
    assert "Coder Two" in by_filter and "Runner One" not in by_filter


def test_mentees_and_inactive_mentors_are_not_listed(client):
    UserFactory(first_name="Just", last_name="Mentee")
    ListedMentorFactory(first_name="Gone", last_name="Away", is_active=False)
    page = client.get(reverse("home")).content.decode()
    assert "Just Mentee" not in page and "Gone Away" not in page


def test_the_mentor_list_is_paginated(client):
    for i in range(14):
        ListedMentorFactory(first_name=f"M{i:02d}")
    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})
    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 2


# Signed in: two more for the session and user, one for the header's unread counts.
@pytest.mark.parametrize(("user_fixture", "queries"), [(None, 6), ("mentee", 9)])
@pytest.mark.parametrize("mentors", [3, 30])
def test_the_home_page_query_count_does_not_grow_with_mentors(
    client, request, django_assert_num_queries, user_fixture, queries, mentors
):
    """
    Count, page, topics of the page, topic chips, languages, the ids of published articles (cached for a
    minute; none here, so nothing more to fetch); a signed-in user adds session and user.
    """
    if user_fixture:
        client.force_login(request.getfixturevalue(user_fixture))
    topic = TopicFactory(name="Careers")
    for _ in range(mentors):
        ListedMentorFactory(profile__topics=[topic])
    cache.clear()  # measure the uncached page
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200


def test_the_mentor_list_is_served_from_cache_until_a_service_changes_it(client, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from accounts import services
    from schedule import services as schedule_services

    ListedMentorFactory(first_name="Cached", last_name="Mentor")
    almost = MentorFactory(first_name="Almost", last_name="Ready")
    almost.mentor_profile.topics.add(TopicFactory(name="Careers"))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("home")).content.decode()
    assert "Cached Mentor" in page and "Almost Ready" not in page
    assert len(ctx.captured_queries) == 0

    # Free time is the last thing the profile lacked: the new slot lists it.
    start = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_services.slot_create(mentor=almost, start=start, end=start + dt.timedelta(hours=1))
    assert "Almost Ready" in client.get(reverse("home")).content.decode()

    # A profile change that makes it incomplete takes it out again.
    profile = almost.mentor_profile
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_profile_update(
            profile=profile,
            headline=profile.headline,
            bio=profile.bio,
            topics=[],
            years_experience=profile.years_experience,
            price=profile.price,
            session_minutes=profile.session_minutes,
            languages=profile.languages,
        )
    assert "Almost Ready" not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_get_the_whole_page_from_cache_but_still_see_their_messages(client, mentee):
    ListedMentorFactory(first_name="Whole", last_name="Page")
    first = client.get(reverse("home"))
    assert "Whole Page" in first.content.decode()
    assert client.get(reverse("home")).content == first.content

    # A pending message bypasses the page cache, so it is shown (once) even on a cached page.
    client.force_login(mentee)
    after_logout = client.post(reverse("account_logout"), follow=True)
    assert "You have signed out." in after_logout.content.decode()
    assert "You have signed out." not in client.get(reverse("home")).content.decode()
