"""
The review services: who may review which session and when (the eligibility matrix), the mentor's
rating kept from the visible reviews, one reply, one report per side, staff moderation with reasons.
Every refusal leaves the data as it was.
"""

import datetime as dt
from decimal import Decimal

import pytest

from accounts import directory
from accounts.models import MentorProfile
from accounts.tests.factories import MentorFactory, UserFactory, staff_member
from notifications.models import Notification
from reviews import MODERATED_KIND, RECEIVED_KIND, REPLIED_KIND, services
from reviews.models import Review, ReviewModeration, ReviewReport
from reviews.tests.factories import NOW, ReviewFactory, past_booking
from schedule import selectors as schedule_selectors
from schedule import services as schedule_services
from schedule.models import Booking
from schedule.services import BookingError
from schedule.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def _profile(mentor) -> MentorProfile:
    return MentorProfile.objects.get(user=mentor)


def _state():
    """Everything a refused review operation must leave alone."""
    return (
        list(Review.objects.values()),
        list(ReviewReport.objects.values()),
        list(ReviewModeration.objects.values()),
        list(MentorProfile.objects.values("pk", "rating_average", "review_count")),
        Notification.objects.count(),
    )


# --- Who may review, and when ---


def _upcoming(mentor, mentee):
    return BookingFactory(slot__mentor=mentor, mentee=mentee, slot__start=NOW + HOUR, slot__end=NOW + 2 * HOUR)


def _under_way(mentor, mentee):
    return BookingFactory(slot__mentor=mentor, mentee=mentee, slot__start=NOW - HOUR, slot__end=NOW + HOUR)


def _cancelled(mentor, mentee):
    return past_booking(mentor=mentor, mentee=mentee, ended=NOW - HOUR, status=Booking.Status.CANCELLED)


def _pending(mentor, mentee):
    return past_booking(
        mentor=mentor, mentee=mentee, ended=NOW - HOUR, status=Booking.Status.PENDING, hold_expires_at=NOW
    )


def _expired(mentor, mentee):
    return past_booking(mentor=mentor, mentee=mentee, ended=NOW - HOUR, status=Booking.Status.EXPIRED)


def _no_show(absent):
    def make(mentor, mentee):
        return past_booking(mentor=mentor, mentee=mentee, ended=NOW - HOUR, no_show=absent, no_show_at=NOW - HOUR)

    return make


def _ended(days, extra=dt.timedelta(0)):
    def make(mentor, mentee):
        return past_booking(mentor=mentor, mentee=mentee, ended=NOW - dt.timedelta(days=days) - extra)

    return make


def _reviewed(mentor, mentee):
    booking = past_booking(mentor=mentor, mentee=mentee, ended=NOW - HOUR)
    ReviewFactory(booking=booking, created_at=NOW - dt.timedelta(minutes=30))
    return booking


# (name, the session, who writes, the refusal's code or None)
MATRIX = [
    ("completed, by its client", _ended(0, HOUR), "mentee", None),
    ("just ended, by its client", _ended(0), "mentee", None),
    ("on the last day of the window", _ended(30), "mentee", None),
    ("a second past the window", _ended(30, dt.timedelta(seconds=1)), "mentee", "too_late"),
    ("completed, by its mentor", _ended(0, HOUR), "mentor", "not_mentee"),
    ("completed, by a stranger", _ended(0, HOUR), "stranger", "not_mentee"),
    ("upcoming", _upcoming, "mentee", "not_over"),
    ("under way", _under_way, "mentee", "not_over"),
    ("cancelled", _cancelled, "mentee", "not_confirmed"),
    ("awaiting payment", _pending, "mentee", "not_confirmed"),
    ("not paid in time", _expired, "mentee", "not_confirmed"),
    ("the client did not come", _no_show(Booking.NoShow.MENTEE), "mentee", "no_show"),
    ("the mentor did not come", _no_show(Booking.NoShow.MENTOR), "mentee", "no_show"),
    ("already reviewed", _reviewed, "mentee", "already"),
]


@pytest.mark.parametrize(("name", "make", "who", "refused"), MATRIX, ids=[row[0] for row in MATRIX])
def test_only_the_client_of_a_session_that_took_place_reviews_it_once_within_the_window(
    mentor, mentee, name, make, who, refused
):
    booking = make(mentor, mentee)
    by = {"mentee": mentee, "mentor": mentor, "stranger": UserFactory()}[who]
    before = _state()
    if refused is None:
        review = services.review_create(booking=booking, by=by, rating=4, text="Helpful", now=NOW)
        assert (review.booking, review.mentee, review.mentor, review.rating) == (booking, mentee, mentor, 4)
    else:
        with pytest.raises(services.ReviewError) as error:
            services.review_create(booking=booking, by=by, rating=4, text="Helpful", now=NOW)
        assert error.value.code == refused and error.value.message
        assert _state() == before


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, True, None])
def test_a_rating_outside_one_to_five_stars_is_refused(session, mentee, rating):
    with pytest.raises(services.ReviewError, match="from 1 to 5 stars"):
        services.review_create(booking=session, by=mentee, rating=rating, now=NOW)
    assert not Review.objects.exists()


def test_words_are_optional_trimmed_and_at_most_2000_characters(session, mentee):
    with pytest.raises(services.ReviewError, match="under 2000 characters"):
        services.review_create(booking=session, by=mentee, rating=5, text="x" * 2001, now=NOW)
    review = services.review_create(booking=session, by=mentee, rating=5, text="  Great  ", now=NOW)
    assert review.text == "Great"


def test_a_review_tells_the_mentor_and_forgets_the_cached_directory(
    session, mentee, mentor, django_capture_on_commit_callbacks
):
    version = directory.version()
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_create(booking=session, by=mentee, rating=3, now=NOW)
    notification = Notification.objects.get(recipient=mentor)
    assert notification.kind == RECEIVED_KIND and notification.link.endswith(f"#review-{review.pk}")
    assert notification.text == "Mia Mentee reviewed your session: 3 stars."
    assert directory.version() != version


# --- The rating ---


def _review(mentor, rating, *, hours_ago=1):
    booking = past_booking(mentor=mentor, ended=NOW - dt.timedelta(hours=hours_ago + 1))
    return services.review_create(booking=booking, by=booking.mentee, rating=rating, now=NOW)


def test_the_rating_is_the_average_of_the_visible_reviews_rounded_to_two_places(mentor, staff):
    profile = _profile(mentor)
    assert (profile.rating_average, profile.review_count) == (None, 0)
    five, _four, _four_again = _review(mentor, 5), _review(mentor, 4, hours_ago=3), _review(mentor, 4, hours_ago=5)
    profile.refresh_from_db()
    assert (profile.rating_average, profile.review_count) == (Decimal("4.33"), 3)  # 13 / 3

    services.review_hide(review=five, by=staff, reason="Spam", now=NOW)
    profile.refresh_from_db()
    assert (profile.rating_average, profile.review_count) == (Decimal("4.00"), 2)

    services.review_unhide(review=five, by=staff, reason="Checked: genuine", now=NOW)
    profile.refresh_from_db()
    assert (profile.rating_average, profile.review_count) == (Decimal("4.33"), 3)


def test_a_mentor_whose_every_review_is_hidden_has_no_rating(mentor, staff):
    review = _review(mentor, 1)
    services.review_hide(review=review, by=staff, reason="Abusive", now=NOW)
    profile = _profile(mentor)
    assert (profile.rating_average, profile.review_count) == (None, 0)


def test_halves_round_up(mentor):
    _review(mentor, 5)
    _review(mentor, 4, hours_ago=3)
    assert _profile(mentor).rating_average == Decimal("4.50")
    for hours_ago in (5, 7, 9, 11, 13):
        _review(mentor, 5, hours_ago=hours_ago)
    assert _profile(mentor).rating_average == Decimal("4.86")  # 34 / 7 = 4.857...


def test_other_mentors_ratings_do_not_move(mentor):
    other = MentorFactory()
    _review(other, 2)
    _review(mentor, 5)
    assert (_profile(other).rating_average, _profile(other).review_count) == (Decimal("2.00"), 1)


def test_ratings_written_in_bulk_are_recomputed_on_request(mentor):
    ReviewFactory(booking=past_booking(mentor=mentor, ended=NOW - HOUR), rating=2)
    assert _profile(mentor).review_count == 0  # written around the services
    assert services.mentor_ratings_refresh(mentor_ids=[mentor.pk, mentor.pk]) == 1
    assert (_profile(mentor).rating_average, _profile(mentor).review_count) == (Decimal("2.00"), 1)


# --- Replies ---


@pytest.fixture
def review(session, mentee):
    return services.review_create(booking=session, by=mentee, rating=4, text="Good", now=NOW)


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_a_reviewed_session_can_no_longer_be_reported_missed_nor_refunded_as_one(
    review, session, mentee, mentor, side, time_machine
):
    time_machine.move_to(NOW, tick=False)
    by = {"mentee": mentee, "mentor": mentor}[side]
    booking = Booking.objects.select_related("slot").get(pk=session.pk)
    assert not schedule_selectors.can_report_no_show(booking, now=NOW)  # the page offers no button

    with pytest.raises(BookingError, match="has been reviewed") as refused:
        schedule_services.booking_no_show(booking=booking, by=by, now=NOW)

    assert refused.value.code == "refused"
    booking.refresh_from_db()
    assert booking.no_show == "" and Review.objects.get().is_hidden is False


def test_the_mentor_replies_once_in_public(review, mentor, django_capture_on_commit_callbacks):
    version = directory.version()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reply(review=review, by=mentor, text=" Thank you! ", now=NOW)
    review.refresh_from_db()
    assert (review.reply, review.replied_at) == ("Thank you!", NOW)
    assert directory.version() != version  # the mentor page, cached for visitors, shows it
    with pytest.raises(services.ReviewError, match="already replied"):
        services.review_reply(review=review, by=mentor, text="Again", now=NOW)
    review.refresh_from_db()
    assert review.reply == "Thank you!"


def test_the_client_is_told_of_the_reply_with_a_link_to_the_review(review, mentee, mentor):
    from notifications import kinds  # the sentence is made when the notification is shown

    services.review_reply(review=review, by=mentor, text="Thank you!", now=NOW)
    told = Notification.objects.get(recipient=mentee, kind=REPLIED_KIND)
    assert kinds.render(told) == f"{mentor.display_name} replied to your review."
    assert told.link == f"/bookings/{review.booking_id}/#review-{review.pk}"
    assert not Notification.objects.filter(recipient=mentor, kind=REPLIED_KIND).exists()


@pytest.mark.parametrize("who", ["mentee", "stranger", "staff"])
def test_only_the_mentor_of_the_session_replies(review, mentee, staff, who):
    by = {"mentee": mentee, "stranger": MentorFactory(), "staff": staff}[who]
    with pytest.raises(services.ReviewError, match="Only the mentor"):
        services.review_reply(review=review, by=by, text="Hi", now=NOW)
    review.refresh_from_db()
    assert review.reply == "" and review.replied_at is None


@pytest.mark.parametrize(("text", "message"), [("   ", "a few words"), ("x" * 2001, "under 2000 characters")])
def test_an_empty_or_too_long_reply_is_refused(review, mentor, text, message):
    with pytest.raises(services.ReviewError, match=message):
        services.review_reply(review=review, by=mentor, text=text, now=NOW)
    review.refresh_from_db()
    assert review.reply == ""


# --- Reports ---


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_either_side_reports_a_review_once(review, mentee, mentor, side):
    services.review_reply(review=review, by=mentor, text="Thanks", now=NOW)  # what the client may object to
    by = mentee if side == "mentee" else mentor
    report = services.review_report(review=review, by=by, reason=" Unfair ", now=NOW)
    assert (report.reporter, report.reason) == (by, "Unfair")
    with pytest.raises(services.ReviewError, match="already reported"):
        services.review_report(review=review, by=by, reason="Again", now=NOW)
    assert ReviewReport.objects.count() == 1


def test_both_sides_may_report_the_same_review(review, mentee, mentor):
    services.review_reply(review=review, by=mentor, text="Read the notes next time", now=NOW)
    services.review_report(review=review, by=mentee, reason="The reply is rude", now=NOW)
    services.review_report(review=review, by=mentor, reason="Not true", now=NOW)
    assert ReviewReport.objects.filter(review=review).count() == 2


def test_someone_outside_the_session_cannot_report_its_review(review, staff):
    for by in (UserFactory(), MentorFactory(), staff):
        with pytest.raises(services.ReviewError, match="Only the two people"):
            services.review_report(review=review, by=by, reason="Spam", now=NOW)
    assert not ReviewReport.objects.exists()


@pytest.mark.parametrize(("reason", "message"), [("", "say briefly why"), ("x" * 301, "under 300 characters")])
def test_a_report_needs_a_short_reason(review, mentor, reason, message):
    with pytest.raises(services.ReviewError, match=message):
        services.review_report(review=review, by=mentor, reason=reason, now=NOW)
    assert not ReviewReport.objects.exists()


# --- Moderation ---


def test_staff_hide_a_review_with_a_reason_and_show_it_again_with_another(
    review, staff, django_capture_on_commit_callbacks
):
    version = directory.version()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_hide(review=review, by=staff, reason=" Personal details ", now=NOW)
    review.refresh_from_db()
    assert (review.is_hidden, review.hidden_reason, review.hidden_by, review.hidden_at) == (
        True,
        "Personal details",
        staff,
        NOW,
    )
    assert directory.version() != version

    later = NOW + HOUR
    services.review_unhide(review=review, by=staff, reason="Edited out by the client", now=later)
    review.refresh_from_db()
    assert (review.is_hidden, review.hidden_reason, review.hidden_by, review.hidden_at) == (False, "", None, None)
    history = list(ReviewModeration.objects.order_by("created_at").values_list("action", "reason", "by", "created_at"))
    assert history == [
        ("hide", "Personal details", staff.pk, NOW),
        ("unhide", "Edited out by the client", staff.pk, later),
    ]


def test_the_mentors_link_to_a_moderated_review_opens_the_page_of_my_reviews_that_shows_it(review, mentor, staff):
    from reviews.selectors import my_reviews_url

    for hours in range(1, 11):  # ten newer reviews push it to the second page
        ReviewFactory(booking=past_booking(mentor=mentor, ended=NOW + HOUR * hours), created_at=NOW + HOUR * hours)
    services.review_hide(review=review, by=staff, reason="Insults", now=NOW + HOUR * 12)
    told = Notification.objects.get(kind=MODERATED_KIND, recipient=mentor)
    assert told.link == my_reviews_url(review) == f"/reviews/mine/?page=2#review-{review.pk}"


def test_both_sides_are_told_when_staff_hide_or_show_a_review_and_why(review, mentee, mentor, staff):
    from notifications import kinds  # the sentence is made when the notification is shown

    services.review_hide(review=review, by=staff, reason="Personal details", now=NOW)
    services.review_unhide(review=review, by=staff, reason="Edited out", now=NOW + HOUR)
    told = {
        (n.recipient_id, n.params["hidden"]): (kinds.render(n), n.link)
        for n in Notification.objects.filter(kind=MODERATED_KIND)
    }
    assert told[(mentee.pk, True)] == (
        f"Staff hid your review of the session with {mentor.display_name}. Reason: Personal details",
        f"/bookings/{review.booking_id}/#review-{review.pk}",
    )
    assert told[(mentor.pk, True)] == (
        f"Staff hid the review of your session by {mentee.display_name}. Reason: Personal details",
        f"/reviews/mine/#review-{review.pk}",
    )
    assert told[(mentee.pk, False)][0].startswith("Staff show your review of the session with")
    assert told[(mentor.pk, False)][0].endswith("again. Reason: Edited out") and len(told) == 4


def test_hiding_twice_or_showing_a_visible_review_is_refused(review, staff):
    with pytest.raises(services.ReviewError, match="not hidden"):
        services.review_unhide(review=review, by=staff, reason="Why not", now=NOW)
    services.review_hide(review=review, by=staff, reason="Spam", now=NOW)
    with pytest.raises(services.ReviewError, match="already hidden"):
        services.review_hide(review=review, by=staff, reason="Spam again", now=NOW)
    assert ReviewModeration.objects.count() == 1


def test_moderation_needs_a_reason(review, staff):
    for reason in ("", "   "):
        with pytest.raises(services.ReviewError, match="say briefly why"):
            services.review_hide(review=review, by=staff, reason=reason, now=NOW)
    review.refresh_from_db()
    assert not review.is_hidden and not ReviewModeration.objects.exists()


def test_only_active_staff_moderate(review, mentee, mentor, staff):
    staff.is_active = False
    for by in (mentee, mentor, staff):
        with pytest.raises(services.ReviewError, match="Only staff"):
            services.review_hide(review=review, by=by, reason="Mine", now=NOW)
    review.refresh_from_db()
    assert not review.is_hidden


def test_leaving_erases_the_words_but_keeps_the_ratings(mentor, mentee):
    from accounts import export
    from reviews.models import Review, ReviewReport
    from reviews.tests.factories import ReviewFactory

    review = ReviewFactory(booking=past_booking(mentor=mentor, mentee=mentee, ended=NOW), text="Very kind <b>")
    services.review_reply(review=review, by=mentor, text="Thank you", now=NOW)
    services.review_report(review=review, by=mentor, reason="Not true")
    data = export.user_data_export(mentee)
    assert [(r["direction"], r["rating"], r["text"], r["reply"]) for r in data["reviews"]] == [
        ("written", 5, "Very kind <b>", "Thank you")
    ]
    assert export.user_data_export(mentor)["reviews"][0]["direction"] == "received"

    services.user_reviews_erase(user=mentee)
    services.user_reviews_erase(user=mentor)
    review = Review.objects.get()
    assert (review.text, review.reply, review.replied_at, review.rating) == ("", "", None, 5)
    assert ReviewReport.objects.get().reason == ""


@pytest.mark.parametrize("role", ["Manager", "Support", None])
def test_staff_who_do_not_moderate_content_cannot_hide_a_review(review, role):
    with pytest.raises(services.ReviewError):
        services.review_hide(review=review, by=staff_member(role), reason="No", now=NOW)
    review.refresh_from_db()
    assert not review.is_hidden


def test_the_client_reports_the_mentors_reply_not_their_own_words(session, mentee, mentor):
    review = services.review_create(booking=session, by=mentee, rating=2, text="Late", now=NOW)
    with pytest.raises(services.ReviewError, match="no reply to report"):
        services.review_report(review=review, by=mentee, reason="Mine", now=NOW)
    services.review_reply(review=review, by=mentor, text="You were late", now=NOW)
    assert services.review_report(review=review, by=mentee, reason="Not true", now=NOW).reporter == mentee
