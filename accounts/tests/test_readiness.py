"""
A mentor is listed in the directory only when the profile is ready (``accounts.selectors``); until
then the profile editor shows what is missing, each item with a link to where it is fixed.
"""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from accounts import selectors
from accounts.models import MentorProfile
from accounts.tests.factories import ListedMentorFactory, MentorFactory, TopicFactory
from schedule.models import Slot
from schedule.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
EDITOR = reverse("accounts:mentor_profile_edit")
SCHEDULE = reverse("schedule:mentor_schedule")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ready():
    return ListedMentorFactory(first_name="Rita", last_name="Ready", listed__start=NOW + dt.timedelta(days=2))


def _unset_headline(mentor):
    MentorProfile.objects.filter(user=mentor).update(headline="")


def _unset_topics(mentor):
    mentor.mentor_profile.topics.clear()


def _unset_price(mentor):
    MentorProfile.objects.filter(user=mentor).update(price=0, is_free=False)


def _hide_slots(mentor):
    Slot.objects.filter(mentor=mentor).update(status=Slot.Status.HIDDEN)


def _book_slots(mentor):
    Slot.objects.filter(mentor=mentor).update(status=Slot.Status.BOOKED)


def _only_past_slots(mentor):
    Slot.objects.filter(mentor=mentor).delete()
    SlotFactory(mentor=mentor, start=NOW - dt.timedelta(days=1))


def _only_a_slot_inside_the_notice(mentor):
    Slot.objects.filter(mentor=mentor).delete()
    SlotFactory(mentor=mentor, start=NOW + dt.timedelta(minutes=30))  # the minimum notice is 2 hours


# (what is missing, how it is taken away, the checklist's link to where it is fixed)
MISSING = {
    "headline": (_unset_headline, "#div_id_headline"),
    "topic": (_unset_topics, "#div_id_topics"),
    "price": (_unset_price, "#div_id_price"),
    "free time (hidden)": (_hide_slots, SCHEDULE),
    "free time (booked)": (_book_slots, SCHEDULE),
    "free time (past)": (_only_past_slots, SCHEDULE),
    "free time (too soon to book)": (_only_a_slot_inside_the_notice, SCHEDULE),
}


def test_a_ready_mentor_is_listed_and_told_the_profile_is_live(client, ready):
    assert list(selectors.listed_mentors()) == [ready.mentor_profile]
    assert "Rita Ready" in client.get(reverse("home")).content.decode()

    client.force_login(ready)
    page = client.get(EDITOR).content.decode()

    assert "Your profile is live" in page and ready.mentor_profile.get_absolute_url() in page
    assert "not visible in the directory" not in page
    assert selectors.mentor_readiness(profile=ready.mentor_profile).is_ready


@pytest.mark.parametrize("missing", list(MISSING))
def test_each_missing_item_keeps_the_mentor_out_and_shows_in_the_checklist(client, ready, missing):
    take_away, link = MISSING[missing]
    take_away(ready)

    assert not selectors.listed_mentors().exists()
    assert "Rita Ready" not in client.get(reverse("home")).content.decode()

    client.force_login(ready)
    page = client.get(EDITOR).content.decode()
    assert "Your profile is not visible in the directory yet" in page
    assert "Your profile is live" not in page
    assert f'href="{link}"' in page
    assert "4 of 5 done" in page
    # The three other items are done: no link to them.
    other_links = {target for name, (_f, target) in MISSING.items() if target != link}
    assert not any(f'href="{target}"' in page.split('class="checklist')[1].split("</ul>")[0] for target in other_links)


def test_a_new_mentor_sees_the_four_profile_steps_to_do(client, mentee):
    client.force_login(mentee)
    page = client.post(reverse("accounts:become_mentor"), follow=True).content.decode()

    assert "1 of 5 done" in page  # the address is confirmed already
    for target in ("#div_id_headline", "#div_id_topics", "#div_id_price", SCHEDULE):
        assert f'href="{target}"' in page
    readiness = selectors.mentor_readiness(profile=mentee.mentor_profile)
    assert (readiness.done, readiness.total, readiness.is_ready) == (1, 5, False)


def test_a_price_of_zero_counts_only_when_the_mentor_chose_free_sessions(ready):
    _unset_price(ready)
    assert not selectors.listed_mentors().exists()

    MentorProfile.objects.filter(user=ready).update(is_free=True)

    assert list(selectors.listed_mentors()) == [ready.mentor_profile]


def test_free_sessions_with_a_price_are_refused_by_the_form_and_the_database(client, ready):
    client.force_login(ready)
    data = {
        "headline": "Careers",
        "topics": [t.pk for t in ready.mentor_profile.topics.all()],
        "years_experience": 3,
        "price": "40",
        "is_free": "on",
        "session_minutes": 60,
    }

    response = client.post(EDITOR, data)

    assert response.status_code == 200
    assert "Free sessions have no price" in str(response.context["form"].errors["price"])
    with pytest.raises(IntegrityError):
        MentorProfile.objects.filter(user=ready).update(is_free=True, price=40)


def test_a_mentor_chooses_free_sessions_in_the_editor_and_is_listed_as_free(client, ready):
    _unset_price(ready)
    client.force_login(ready)
    data = {
        "headline": "Careers for everyone",
        "topics": [t.pk for t in ready.mentor_profile.topics.all()],
        "years_experience": 3,
        "price": "0",
        "is_free": "on",
        "session_minutes": 60,
    }

    assert client.post(EDITOR, data).status_code == 302

    assert "Your profile is live" in client.get(EDITOR).content.decode()
    client.logout()
    home = client.get(reverse("home")).content.decode()
    assert "Rita Ready" in home and '<div class="price">Free</div>' in home


def test_staff_editing_a_profile_keep_the_free_choice(client, staff):
    """The dashboard's editor shares the form: a free mentor stays free after a staff edit."""
    mentor = ListedMentorFactory(profile__price=0, profile__is_free=True)
    client.force_login(staff)
    profile = mentor.mentor_profile
    data = {
        "headline": "Edited by staff",
        "topics": [t.pk for t in profile.topics.all()],
        "years_experience": 1,
        "price": "0",
        "is_free": "on",
        "session_minutes": 60,
    }
    assert client.post(reverse("dashboard:mentor_edit", args=[mentor.pk]), data).status_code == 302
    profile.refresh_from_db()
    assert profile.is_free and profile.headline == "Edited by staff"


def test_an_unlisted_mentor_page_still_opens_by_its_link(client, ready):
    _hide_slots(ready)
    assert client.get(ready.mentor_profile.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("change", ["is_mentor", "is_active"])
def test_a_former_or_deactivated_mentor_is_not_listed_even_with_a_ready_profile(ready, change):
    setattr(ready, change, False)
    ready.save()
    assert not selectors.listed_mentors().exists()


def test_topic_chips_and_languages_come_from_listed_mentors_only(ready):
    unlisted = MentorFactory(profile__languages="Klingon")  # no topic, no slot
    unlisted.mentor_profile.topics.add(TopicFactory(name="Knitting"))
    ListedMentorFactory(profile__languages="english, French", listed__start=NOW + dt.timedelta(days=3))

    assert [t.name for t in selectors.topics_in_use()] == ["Careers"]
    # Once each whatever the case, as most mentors spell it; alphabetical, by the name shown.
    assert selectors.languages_in_use() == [("English", "English"), ("French", "French"), ("Ukrainian", "Ukrainian")]
    with translation.override("uk"):
        assert selectors.languages_in_use() == [
            ("English", "Англійська"),
            ("Ukrainian", "Українська"),
            ("French", "Французька"),
        ]


def test_the_readiness_is_read_in_one_query(ready, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.mentor_readiness(profile=ready.mentor_profile)


def test_the_editor_page_query_count_is_pinned(client, ready, django_assert_num_queries):
    client.force_login(ready)
    # session, user, profile, readiness, topics of the form, selected topics of the profile,
    # the header's unread counts (one query)
    with django_assert_num_queries(7):
        assert client.get(EDITOR).status_code == 200
