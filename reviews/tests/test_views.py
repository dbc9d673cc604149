"""
Review pages through the client: the review form (anonymous, wrong user, not eligible, invalid,
success), the booking page's part, the mentor page's list with replies and reports, "My reviews", the
directory's stars and rating sort, and the staff pages. Every page's query count is pinned.
"""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.cache import cache
from django.urls import reverse

from accounts.models import MentorProfile
from accounts.tests.factories import ListedMentorFactory, MentorFactory, TopicFactory, UserFactory, enable_mfa
from core.tests.test_content_security_policy import inline_code
from reviews import services
from reviews.models import Review, ReviewModeration, ReviewReport
from reviews.tests.factories import NOW, past_booking
from schedule.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _create_url(booking):
    return reverse("reviews:create", args=[booking.pk])


def _state():
    return (
        list(Review.objects.values()),
        list(ReviewReport.objects.values()),
        list(ReviewModeration.objects.values()),
        list(MentorProfile.objects.values("pk", "rating_average", "review_count")),
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _review(mentor, rating=5, *, text="Useful", hours_ago=1, mentee=None):
    booking = past_booking(mentor=mentor, mentee=mentee, ended=NOW - dt.timedelta(hours=hours_ago))
    return services.review_create(booking=booking, by=booking.mentee, rating=rating, text=text, now=NOW)


# --- The review form ---


def test_an_anonymous_visitor_is_sent_to_sign_in(client, session):
    for method in (client.get, client.post):
        response = method(_create_url(session), {"rating": "5"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Review.objects.exists()


def test_someone_outside_the_session_gets_a_404_and_nothing_changes(client, session):
    client.force_login(UserFactory())
    before = _state()
    assert client.get(_create_url(session)).status_code == 404
    assert client.post(_create_url(session), {"rating": "5", "text": "x"}).status_code == 404
    assert _state() == before


def test_the_mentor_is_told_mentors_do_not_review_their_sessions(client, session, mentor):
    client.force_login(mentor)
    before = _state()
    for method in (client.get, client.post):
        response = method(_create_url(session), {"rating": "5"}, follow=True)
        assert response.redirect_chain[-1][0] == session.get_absolute_url()
        assert "Mentors cannot review their own sessions." in _messages(response)
    assert _state() == before


def test_an_upcoming_session_explains_when_it_can_be_reviewed(client, mentor, mentee):
    upcoming = BookingFactory(slot__mentor=mentor, mentee=mentee, slot__start=NOW + HOUR, slot__end=NOW + 2 * HOUR)
    client.force_login(mentee)
    response = client.post(_create_url(upcoming), {"rating": "5"}, follow=True)
    assert "You can review this session once it is over." in _messages(response)
    assert not Review.objects.exists()


def test_the_form_offers_five_stars_as_a_radio_group_and_optional_words(client, session, mentee):
    client.force_login(mentee)
    page = client.get(_create_url(session)).content.decode()
    assert "How was your session with Max Mentor?" in page
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Your rating</legend>", page)
    radios = re.findall(r'<input type="radio" name="rating" value="(\d)"[^>]*>', page)
    assert radios == ["1", "2", "3", "4", "5"]
    for n, label in [(1, "1 star: poor"), (5, "5 stars: excellent")]:
        assert f'<span class="visually-hidden">{label}</span>' in page
        assert f'for="id_rating_{n - 1}"' in page
    assert 'name="text"' in page and 'maxlength="2000"' in page
    assert inline_code(page) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "No stars"}, "Please choose from 1 to 5 stars."),
        ({"rating": "0"}, "Please choose from 1 to 5 stars."),
        ({"rating": "6"}, "Please choose from 1 to 5 stars."),
        ({"rating": "five"}, "Please choose from 1 to 5 stars."),
        ({"rating": "5", "text": "x" * 2001}, "under 2000 characters"),
    ],
)
def test_an_invalid_review_is_explained_with_the_text_kept_and_nothing_stored(client, session, mentee, data, message):
    client.force_login(mentee)
    response = client.post(_create_url(session), data)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    if data.get("text") == "No stars":
        assert "No stars</textarea>" in page
    assert not Review.objects.exists()


def test_a_review_is_published_then_shown_on_the_session_and_mentor_pages(client, session, mentee, mentor):
    client.force_login(mentee)
    response = client.post(_create_url(session), {"rating": "4", "text": "Clear <b>advice</b>"}, follow=True)
    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert "Thank you for your review!" in _messages(response)
    review = Review.objects.get()
    assert (review.rating, review.text, review.mentee, review.mentor) == (4, "Clear <b>advice</b>", mentee, mentor)
    booking_page = response.content.decode()
    assert "Clear &lt;b&gt;advice&lt;/b&gt;" in booking_page and "Leave a review" not in booking_page
    assert "Rated 4 out of 5." in booking_page
    stars = (
        '<span class="stars" aria-hidden="true">' + '<i class="bi bi-star-fill"></i>' * 4 + '<i class="bi bi-star"></i>'
    )
    assert stars + "</span>" in booking_page  # four filled, one empty

    again = client.post(_create_url(session), {"rating": "1"}, follow=True)
    assert "You have already reviewed this session." in _messages(again)
    assert Review.objects.get().rating == 4

    client.logout()
    mentor_page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "Clear &lt;b&gt;advice&lt;/b&gt;" in mentor_page and "Mia M." in mentor_page
    assert "Mia Mentee" not in mentor_page  # signed with the first name and an initial
    assert "Rated 4.0 out of 5 in 1 review" in mentor_page


def test_the_review_form_query_count_is_pinned(client, session, mentee, django_assert_num_queries):
    client.force_login(mentee)
    # session, user, the booking with its slot and people, "already reviewed?", the header's counts
    with django_assert_num_queries(5):
        assert client.get(_create_url(session)).status_code == 200


# --- The booking page ---


def test_the_booking_page_offers_a_review_to_its_client_only_while_it_may_be_written(client, session, mentee, mentor):
    client.force_login(mentee)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Leave a review" in page and f'href="{_create_url(session)}"' in page
    assert "You can review this session until 25 Dec 2026." in page
    client.force_login(mentor)
    assert "Leave a review" not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(mentee)
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        assert "Leave a review" not in client.get(session.get_absolute_url()).content.decode()


def test_an_upcoming_booking_page_asks_nothing_about_reviews(client, mentor, mentee):
    upcoming = BookingFactory(slot__mentor=mentor, mentee=mentee, slot__start=NOW + HOUR, slot__end=NOW + 2 * HOUR)
    client.force_login(mentee)
    page = client.get(upcoming.get_absolute_url()).content.decode()
    assert "Leave a review" not in page and "review-" not in page


def test_the_booking_page_with_a_review_lets_the_mentor_reply_and_report_and_the_client_report_a_reply(
    client, session, mentee, mentor, django_assert_num_queries
):
    review = services.review_create(booking=session, by=mentee, rating=5, text="Great", now=NOW)
    client.force_login(mentor)
    # session, user, the booking with its slot and people, whether it is reviewed (within the days a no-show
    # can be reported: it cannot be, once reviewed), the review with whether I reported it, the header's counts
    with django_assert_num_queries(6):
        page = client.get(session.get_absolute_url()).content.decode()
    assert "Great" in page and reverse("reviews:reply", args=[review.pk]) in page
    assert reverse("schedule:booking_no_show", args=[session.pk]) not in page
    assert reverse("reviews:report", args=[review.pk]) in page
    assert inline_code(page) == []
    client.force_login(mentee)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("reviews:reply", args=[review.pk]) not in page
    assert reverse("reviews:report", args=[review.pk]) not in page  # nothing to object to in one's own words
    services.review_reply(review=review, by=mentor, text="Thanks, but you were late.", now=NOW)
    page = client.get(session.get_absolute_url()).content.decode()
    assert reverse("reviews:report", args=[review.pk]) in page  # the client may object to the mentor's reply


# --- Replies and reports ---


@pytest.fixture
def review(session, mentee):
    return services.review_create(booking=session, by=mentee, rating=4, text="Good", now=NOW)


def test_the_mentor_replies_from_the_mentor_page_and_returns_there(client, review, mentor):
    client.force_login(mentor)
    url = mentor.mentor_profile.get_absolute_url()
    page = client.get(url).content.decode()
    assert 'name="reply"' in page and f'id="reply-{review.pk}"' in page
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"reply": "Thank you!", "next": url})
    assert response["Location"] == f"{url}#review-{review.pk}"
    review.refresh_from_db()
    assert review.reply == "Thank you!"
    client.logout()
    page = client.get(url).content.decode()
    assert "Reply from Max Mentor" in page and "Thank you!" in page and 'name="reply"' not in page


def test_a_second_or_empty_reply_is_refused_with_a_message(client, review, mentor):
    client.force_login(mentor)
    url = reverse("reviews:reply", args=[review.pk])
    empty = client.post(url, {"reply": "  "}, follow=True)
    assert "Please write a few words." in empty.content.decode()
    client.post(url, {"reply": "First"})
    second = client.post(url, {"reply": "Second"}, follow=True)
    assert "You have already replied to this review." in _messages(second)
    review.refresh_from_db()
    assert review.reply == "First"


@pytest.mark.parametrize(("name", "field"), [("reply", "reply"), ("report", "reason")])
def test_a_refused_reply_or_report_keeps_the_words_written_with_the_error_and_the_way_back(
    client, review, mentor, name, field
):
    client.force_login(mentor)
    back = mentor.mentor_profile.get_absolute_url()
    too_long = "Thank you & <b>all</b> " * 200
    before = _state()

    response = client.post(reverse(f"reviews:{name}", args=[review.pk]), {field: too_long, "next": back})

    page = response.content.decode()
    assert response.status_code == 400 and 'class="invalid-feedback' in page
    assert "Thank you &amp; &lt;b&gt;all&lt;/b&gt;" in page  # kept, escaped
    assert f'href="{back}#review-{review.pk}"' in page
    assert _state() == before


@pytest.mark.parametrize("name", ["reply", "report"])
def test_replies_and_reports_need_a_sign_in_and_a_part_in_the_session(client, review, mentee, name):
    url = reverse(f"reviews:{name}", args=[review.pk])
    stranger = MentorFactory()
    before = _state()
    response = client.post(url, {"reply": "x", "reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(stranger)
    assert client.post(url, {"reply": "x", "reason": "x"}).status_code == 404
    if name == "reply":
        client.force_login(mentee)  # the client cannot reply to their own review
        assert client.post(url, {"reply": "x"}).status_code == 404
    assert _state() == before


def test_a_reply_never_returns_off_the_site(client, review, mentor):
    client.force_login(mentor)
    response = client.post(reverse("reviews:reply", args=[review.pk]), {"reply": "Thanks", "next": "//evil.example/"})
    assert response["Location"] == f"{reverse('reviews:mine')}#review-{review.pk}"


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_either_side_reports_the_review_once(client, review, mentee, mentor, side):
    services.review_reply(review=review, by=mentor, text="Thanks", now=NOW)  # what the client may object to
    client.force_login(mentee if side == "mentee" else mentor)
    url = reverse("reviews:report", args=[review.pk])
    empty = client.post(url, {"reason": ""}, follow=True)
    assert "Please say briefly why." in empty.content.decode()
    response = client.post(url, {"reason": "Not true"}, follow=True)
    assert "Thank you. Staff will look at this review." in _messages(response)
    assert response.redirect_chain[0][0] == f"{review.booking.get_absolute_url()}#review-{review.pk}"
    assert "You reported this review" in response.content.decode()
    again = client.post(url, {"reason": "Again"}, follow=True)
    assert "You have already reported this review." in _messages(again)
    assert ReviewReport.objects.count() == 1


# --- The mentor page ---


def test_the_mentor_page_shows_the_average_and_a_page_of_visible_reviews(client, mentor, staff):
    for i in range(12):
        _review(mentor, rating=5 if i % 2 else 4, text=f"Review number {i:02d}", hours_ago=1 + 2 * i)
    hidden = _review(mentor, rating=1, text="Hidden insult", hours_ago=40)
    services.review_hide(review=hidden, by=staff, reason="Abusive", now=NOW)
    url = mentor.mentor_profile.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Rated 4.5 out of 5 in 12 reviews" in page
    # Newest first (written in this order): 11 down to 02 on the first page of ten.
    assert "Review number 11" in page and "Review number 02" in page and "Review number 01" not in page
    assert "Hidden insult" not in page
    assert "?reviews=2" in page
    second = client.get(url, {"reviews": "2"}).content.decode()  # cached whole for visitors: by page
    assert "Review number 01" in second and "Review number 00" in second and "Review number 02" not in second
    assert client.get(url, {"reviews": "x" * 100}).status_code == 200
    assert "Report to staff" not in page and 'name="reply"' not in page


def test_a_new_review_reaches_the_cached_mentor_page(client, mentor, django_capture_on_commit_callbacks):
    url = mentor.mentor_profile.get_absolute_url()
    assert "No reviews yet." in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _review(mentor, text="Fresh review")
    assert "Fresh review" in client.get(url).content.decode()


@pytest.mark.parametrize(("viewer", "queries"), [(None, 5), ("mentee", 10)])
@pytest.mark.parametrize("reviews", [3, 12])
def test_the_mentor_page_with_reviews_query_count_is_pinned(
    client, mentor, mentee, django_assert_num_queries, viewer, queries, reviews
):
    """
    The profile with its user, topics and earliest time (one query: 7 and 12 before, when the topics and
    the earliest time were queries of their own), the week's slots, one page of reviews (their count is
    the profile's), the packages on offer, the newest articles; signed in also the session, user, the
    waitlist entry, the header's counts and whether the viewer follows the mentor (and, when the week
    has times, the viewer's own sessions that week, to mark clashes).
    """
    for i in range(reviews):
        _review(mentor, hours_ago=1 + 2 * i)
    if viewer:
        client.force_login(mentee)
    cache.clear()
    with django_assert_num_queries(queries):
        assert client.get(mentor.mentor_profile.get_absolute_url()).status_code == 200


# --- My reviews ---


def test_my_reviews_lists_every_review_of_the_mentor_hidden_ones_marked(client, mentor, mentee, staff):
    visible = _review(mentor, text="Kind words", mentee=mentee)
    hidden = _review(mentor, rating=1, text="Rude words", hours_ago=5)
    services.review_hide(review=hidden, by=staff, reason="Insults", now=NOW)
    client.force_login(mentor)
    page = client.get(reverse("reviews:mine")).content.decode()
    assert "Kind words" in page and "Rude words" in page and "Hidden by staff" in page and "Insults" in page
    assert f'id="reply-{visible.pk}"' in page
    assert visible.booking.get_absolute_url() in page
    assert inline_code(page) == []


def test_my_reviews_is_for_mentors(client, mentee):
    assert "/accounts/login/" in client.get(reverse("reviews:mine"))["Location"]
    client.force_login(mentee)
    assert client.get(reverse("reviews:mine")).status_code == 403


@pytest.mark.parametrize("reviews", [2, 12])
def test_the_my_reviews_query_count_is_pinned(client, mentor, django_assert_num_queries, reviews):
    for i in range(reviews):
        _review(mentor, hours_ago=1 + 2 * i)
    client.force_login(mentor)
    # session, user, count, the page with sessions, people and my reports, the header's counts
    with django_assert_num_queries(5):
        assert client.get(reverse("reviews:mine")).status_code == 200


# --- The directory ---


def _listed(first, *, ratings=(), hours=0):
    mentor = ListedMentorFactory(
        first_name=first, last_name="Rated", listed__start=NOW + dt.timedelta(days=1, hours=hours)
    )
    for i, rating in enumerate(ratings):
        _review(mentor, rating=rating, hours_ago=1 + 2 * i)
    return mentor


CARD_NAME = re.compile(r'class="stretched-link[^"]*" href="[^"]*">([^<]+)</a>')


def test_the_directory_shows_stars_and_sorts_by_rating_with_unrated_mentors_last(client):
    _listed("Unrated", hours=0)
    _listed("Good", ratings=[4, 4], hours=1)
    _listed("Best", ratings=[5], hours=2)
    _listed("Better", ratings=[5, 5, 4, 5], hours=3)  # 4.75
    _listed("Equal", ratings=[4], hours=4)  # 4.00 like "Good", with fewer reviews
    page = client.get(reverse("home"), {"sort": "rating"}).content.decode()
    names = [html.unescape(name) for name in CARD_NAME.findall(page)]
    assert names == ["Best Rated", "Better Rated", "Good Rated", "Equal Rated", "Unrated Rated"]
    assert "Rated 4.8 out of 5 in 4 reviews" in page and "Rated 5.0 out of 5 in 1 review" in page
    assert '<option value="rating" selected>Rating: highest first</option>' in page
    soonest = [html.unescape(name) for name in CARD_NAME.findall(client.get(reverse("home")).content.decode())]
    assert soonest[0] == "Unrated Rated"


@pytest.mark.parametrize("mentors", [3, 30])
def test_the_directory_sorted_by_rating_query_count_is_pinned(client, django_assert_num_queries, mentors):
    """Count, page, the page's topics, topic chips, languages: ratings are on the profiles."""
    topic = TopicFactory(name="Careers")
    for i in range(mentors):
        mentor = ListedMentorFactory(profile__topics=[topic], listed__start=NOW + dt.timedelta(days=1, hours=i))
        MentorProfile.objects.filter(user=mentor).update(rating_average=Decimal(i % 5 + 1), review_count=i + 1)
    cache.clear()
    with django_assert_num_queries(5):
        assert client.get(reverse("home"), {"sort": "rating"}).status_code == 200


# --- Staff ---


@pytest.fixture
def reviews(mentor, mentee, staff):
    """A reported review, a hidden one and a plain one."""
    reported = _review(mentor, text="Reported one", mentee=mentee)
    services.review_report(review=reported, by=mentor, reason="Lies about me", now=NOW)
    hidden = _review(mentor, rating=1, text="Hidden one", hours_ago=5)
    services.review_hide(review=hidden, by=staff, reason="Insults", now=NOW)
    plain = _review(mentor, rating=3, text="Plain one", hours_ago=9)
    return {"reported": reported, "hidden": hidden, "plain": plain}


def test_staff_pages_are_for_staff_with_a_second_factor(client, reviews, mentee):
    urls = [reverse("dashboard:reviews"), reverse("dashboard:review_detail", args=[reviews["plain"].pk])]
    for url in urls:
        assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(mentee)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # no second factor yet
    for url in urls:
        assert client.get(url)["Location"] == reverse("mfa_index")


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({}, {"Reported one", "Hidden one", "Plain one"}),
        ({"hidden": "hidden"}, {"Hidden one"}),
        ({"hidden": "visible"}, {"Reported one", "Plain one"}),
        ({"reported": "yes"}, {"Reported one"}),
        ({"reported": "no"}, {"Hidden one", "Plain one"}),
        ({"reported": "yes", "hidden": "hidden"}, set()),
        ({"hidden": "<script>", "reported": "maybe"}, {"Reported one", "Hidden one", "Plain one"}),
    ],
)
def test_staff_filter_reviews_by_shown_and_reported(client, reviews, staff, filters, shown):
    client.force_login(staff)
    page = client.get(reverse("dashboard:reviews"), filters).content.decode()
    assert {text for text in ("Reported one", "Hidden one", "Plain one") if text in page} == shown


@pytest.mark.parametrize("extra", [3, 30])
def test_the_staff_review_list_query_count_is_pinned(client, reviews, mentor, staff, django_assert_num_queries, extra):
    for i in range(extra):
        _review(mentor, hours_ago=20 + 2 * i)
    client.force_login(staff)
    # session, user, the second factor, the role's permissions (2), count, the header's counts, the page
    # with people and report counts, and the staff session's idle clock (savepoint, update, release)
    with django_assert_num_queries(11):
        assert client.get(reverse("dashboard:reviews"), {"hidden": "visible"}).status_code == 200


def test_the_staff_review_page_shows_reports_and_history(client, reviews, staff, django_assert_num_queries):
    client.force_login(staff)
    reported = reviews["reported"]
    # session, user, the second factor, the role's permissions (2), the review with its session and people,
    # its reports, its history, the header's counts, and the staff session's idle clock (savepoint, update,
    # release)
    with django_assert_num_queries(12):
        page = client.get(reverse("dashboard:review_detail", args=[reported.pk])).content.decode()
    assert "Reported one" in page and "Lies about me" in page and "Never hidden." in page
    assert reverse("dashboard:review_hide", args=[reported.pk]) in page
    assert inline_code(page) == []
    page = client.get(reverse("dashboard:review_detail", args=[reviews["hidden"].pk])).content.decode()
    assert "Insults" in page and reverse("dashboard:review_unhide", args=[reviews["hidden"].pk]) in page


def test_staff_hide_and_show_again_with_a_reason(client, reviews, staff, mentor):
    client.force_login(staff)
    review = reviews["reported"]
    detail = reverse("dashboard:review_detail", args=[review.pk])
    before = _state()
    refused = client.post(reverse("dashboard:review_hide", args=[review.pk]), {"reason": " "})
    assert refused.status_code == 400 and "Please say briefly why." in refused.content.decode()
    too_long = client.post(
        reverse("dashboard:review_hide", args=[review.pk]), {"reason": "Names a third person. " * 30}
    )
    assert too_long.status_code == 400 and "Names a third person. Names" in too_long.content.decode()  # kept as typed
    assert _state() == before and client.get(detail).status_code == 200

    response = client.post(reverse("dashboard:review_hide", args=[review.pk]), {"reason": "Lies"}, follow=True)
    assert "The review is hidden" in _messages(response)
    review.refresh_from_db()
    assert review.is_hidden and review.hidden_reason == "Lies"
    assert MentorProfile.objects.get(user=mentor).review_count == 1
    logged = LogEntry.objects.get_for_object(review).get(action=LogEntry.Action.UPDATE)  # in the change log, by whom
    assert logged.changes_dict["is_hidden"] == [False, True] and logged.actor == staff

    again = client.post(reverse("dashboard:review_hide", args=[review.pk]), {"reason": "Twice"}, follow=True)
    assert "This review is already hidden." in _messages(again)

    response = client.post(reverse("dashboard:review_unhide", args=[review.pk]), {"reason": "Checked"}, follow=True)
    assert "The review is shown again" in _messages(response)
    assert "Lies" in response.content.decode() and "Checked" in response.content.decode()  # the history
    assert MentorProfile.objects.get(user=mentor).review_count == 2
    assert list(ReviewModeration.objects.filter(review=review).values_list("action", flat=True)) == [
        "unhide",
        "hide",
    ]


def test_moderation_urls_refuse_other_people_and_other_methods(client, reviews, mentor, staff):
    before = _state()
    url = reverse("dashboard:review_hide", args=[reviews["plain"].pk])
    client.force_login(mentor)
    assert client.post(url, {"reason": "Mine"}).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 405
    assert _state() == before


# --- In Ukrainian, and in the admin ---


def test_the_pages_speak_ukrainian_with_its_plural_forms(client, mentor, session, mentee):
    for i, rating in enumerate([5, 4]):
        _review(mentor, rating=rating, hours_ago=3 + 2 * i)
    headers = {"accept-language": "uk"}
    page = client.get(mentor.mentor_profile.get_absolute_url(), headers=headers).content.decode()
    assert "Середня оцінка 4,5 з 5, 2 відгуки" in page and "Відгуки" in page
    mentee.language = "uk"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)
    form = client.get(_create_url(session)).content.decode()
    assert "Ваша оцінка" in form and "5 зірок: чудово" in form and "Опублікувати відгук" in form


def test_staff_read_reviews_in_the_admin_but_change_them_on_the_dashboard(client, review):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    enable_mfa(superuser)  # staff pages need a second factor
    client.force_login(superuser)
    admin_client = client
    changelist = admin_client.get(reverse("admin:reviews_review_changelist"))
    assert changelist.status_code == 200 and "Max Mentor" in changelist.content.decode()
    page = admin_client.get(reverse("admin:reviews_review_change", args=[review.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:reviews_review_add")).status_code == 403


def test_my_consultations_offers_leave_a_review_on_a_session_waiting_for_one_until_it_has_one(
    client, session, mentee, mentor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = reverse("schedule:booking_list")
    client.force_login(mentee)
    client.get(reverse("home"))
    cache.clear()
    # session, user, holds, calendar feed, upcoming (ids), past (ids + rows), which of them are reviewed, the header
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert f'href="{_create_url(session)}"' in page and "Leave a review" in page
    client.force_login(mentor)
    assert _create_url(session) not in client.get(url).content.decode()  # the mentor does not review

    with django_capture_on_commit_callbacks(execute=True):
        services.review_create(booking=session, by=mentee, rating=5, text="", now=NOW)
    client.force_login(mentee)
    assert _create_url(session) not in client.get(url).content.decode()  # the cached list follows at once


def test_the_refused_reply_page_query_count_is_pinned(client, review, mentor, django_assert_num_queries):
    client.force_login(mentor)
    url = reverse("reviews:reply", args=[review.pk])
    client.post(url, {"reply": ""})
    # session, user, the review, the client it names (the header's counts are cached; a form given back
    # is not counted as suspicious)
    with django_assert_num_queries(4):
        assert client.post(url, {"reply": ""}).status_code == 400
