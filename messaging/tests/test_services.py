"""The messaging services: who may write to whom, the limits, blocking, reading, and the mail digest."""

import datetime as dt

import pytest
from post_office.models import Email

from accounts.tests.factories import MentorFactory, UserFactory
from audit.models import Event
from core import realtime
from core.mail import KIND_HEADER, MESSAGES
from messaging import MESSAGE_KIND, REPORT_HANDLED_KIND, selectors, services
from messaging.models import Conversation, Message, Report
from messaging.services import MessagingError
from notifications import services as notification_services
from notifications.models import Notification
from schedule import services as schedule_services
from schedule.tests.factories import BookingFactory, SlotFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
HOSTILE_NAME = ("Seán", "O'Brien & <Co>")


@pytest.fixture
def conversation(mentor, mentee):
    return services.conversation_open(mentor=mentor, mentee=mentee, now=NOW)


def _send(conversation, sender, body="Hello", now=NOW):
    return services.message_send(conversation=conversation, sender=sender, body=body, now=now)


# --- Opening ---


def test_asking_a_mentor_opens_one_conversation_per_pair(mentor, mentee):
    first = services.conversation_open(mentor=mentor, mentee=mentee, now=NOW)
    again = services.conversation_open(mentor=mentor, mentee=mentee, now=NOW)
    assert first.pk == again.pk and Conversation.objects.count() == 1


def test_nobody_messages_themself(mentor):
    with pytest.raises(MessagingError) as error:
        services.conversation_open(mentor=mentor, mentee=mentor, now=NOW)
    assert error.value.code == "self"


def test_only_a_mentor_can_be_asked(mentee):
    with pytest.raises(MessagingError) as error:
        services.conversation_open(mentor=UserFactory(), mentee=mentee, now=NOW)
    assert error.value.code == "unavailable" and not Conversation.objects.exists()


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_an_unverified_account_cannot_open_a_conversation(who):
    people = {"mentee": UserFactory(email_verified=False), "mentor": MentorFactory(email_verified=False)}
    others = {"mentee": UserFactory(), "mentor": MentorFactory()}
    pair = {**others, who: people[who]}
    with pytest.raises(MessagingError) as error:
        services.conversation_open(mentor=pair["mentor"], mentee=pair["mentee"], now=NOW)
    assert error.value.code == "unverified" and not Conversation.objects.exists()


def test_a_mentee_opens_at_most_the_daily_number_of_new_conversations(mentee, settings):
    settings.NEW_CONVERSATIONS_PER_DAY = 2
    mentors = [MentorFactory() for _ in range(3)]
    for mentor in mentors[:2]:
        services.conversation_open(mentor=mentor, mentee=mentee, now=NOW)
    with pytest.raises(MessagingError) as error:
        services.conversation_open(mentor=mentors[2], mentee=mentee, now=NOW)
    assert error.value.code == "daily_limit" and "2 new conversations a day" in error.value.message
    assert Conversation.objects.count() == 2
    # An existing conversation still opens, and a day later a new one may start.
    services.conversation_open(mentor=mentors[0], mentee=mentee, now=NOW)
    services.conversation_open(mentor=mentors[2], mentee=mentee, now=NOW + dt.timedelta(days=1, seconds=1))


def test_a_booking_decides_the_sides_and_does_not_count_towards_the_daily_limit(settings):
    settings.NEW_CONVERSATIONS_PER_DAY = 0
    booking = BookingFactory()
    conversation = services.conversation_for_booking(booking=booking, user=booking.mentor, now=NOW)
    assert (conversation.mentor_id, conversation.mentee_id) == (booking.mentor_id, booking.mentee_id)
    with pytest.raises(MessagingError):
        services.conversation_for_booking(booking=booking, user=UserFactory(), now=NOW)


# --- Sending ---


def test_a_message_is_stored_trimmed_and_the_sender_has_read_it(conversation, mentee):
    message = _send(conversation, mentee, "  Hi there  ")
    conversation.refresh_from_db()
    assert message.body == "Hi there" and conversation.last_message_at == NOW
    assert conversation.mentee_read_id == message.pk and conversation.mentor_read_id == 0


@pytest.mark.parametrize(("body", "code"), [("", "empty"), ("  \n ", "empty"), ("x" * 2001, "too_long")])
def test_an_empty_or_too_long_message_is_refused_and_nothing_is_stored(conversation, mentee, body, code):
    with pytest.raises(MessagingError) as error:
        _send(conversation, mentee, body)
    assert error.value.code == code and not Message.objects.exists()


def test_the_length_limit_comes_from_settings(conversation, mentee, settings):
    settings.MESSAGE_MAX_LENGTH = 5
    _send(conversation, mentee, "12345")
    with pytest.raises(MessagingError) as error:
        _send(conversation, mentee, "123456")
    assert "at most 5 characters" in error.value.message


def test_a_sender_may_send_the_per_minute_number_of_messages_and_no_more(conversation, mentee, settings):
    settings.MESSAGE_RATE_PER_MINUTE = 3
    for i in range(3):
        _send(conversation, mentee, f"m{i}", now=NOW + dt.timedelta(seconds=i))
    with pytest.raises(MessagingError) as error:
        _send(conversation, mentee, "one too many", now=NOW + dt.timedelta(seconds=10))
    assert error.value.code == "rate" and Message.objects.count() == 3
    _send(conversation, mentee, "next minute", now=NOW + dt.timedelta(minutes=1))
    assert Message.objects.count() == 4


def test_an_unverified_sender_cannot_write(conversation, mentee):
    mentee.emailaddress_set.update(verified=False)
    del mentee._has_verified_email  # the check is cached on the user object for one request
    with pytest.raises(MessagingError) as error:
        _send(conversation, mentee)
    assert error.value.code == "unverified" and not Message.objects.exists()


def test_the_recipient_is_notified_once_per_burst(conversation, mentee, mentor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(conversation, mentee, "one")
        _send(conversation, mentee, "two")
    [notification] = Notification.objects.filter(recipient=mentor)
    assert notification.kind == MESSAGE_KIND and notification.text == "Mia Mentee sent you a message."
    assert notification.link == conversation.get_absolute_url()
    services.conversation_mark_read(conversation=conversation, user=mentor)
    _send(conversation, mentee, "three")
    assert Notification.objects.filter(recipient=mentor).count() == 2
    assert not Notification.objects.filter(recipient=mentee).exists()


def test_a_channel_layer_failure_is_logged_and_never_fails_the_send(
    conversation, mentee, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    class Broken:
        async def group_send(self, group, event):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime, "get_channel_layer", Broken)
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(conversation, mentee)
    assert Message.objects.filter(pk=message.pk).exists()
    assert "Could not push message" in caplog.text


def test_the_push_goes_to_the_conversation_group_only_after_commit(
    conversation, mentee, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []

    class Layer:
        async def group_send(self, group, event):
            sent.append((group, event))

    monkeypatch.setattr(realtime, "get_channel_layer", Layer)
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(conversation, mentee)
        assert sent == []
    # The conversation's group gets the message (the recipient's own group gets its notification).
    pushed = [(group, event) for group, event in sent if event["type"] == services.CREATED_EVENT]
    assert pushed == [(services.group_name(conversation.pk), {"type": services.CREATED_EVENT, "id": message.pk})]


# --- Reading ---


def test_unread_counts_are_cached_and_forgotten_when_a_message_is_sent_or_read(
    conversation, mentee, mentor, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert selectors.unread_count(mentor) == 0
    with django_assert_num_queries(0):
        assert selectors.unread_count(mentor) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _send(conversation, mentee, "one")
        _send(conversation, mentee, "two")
    # The new count was forgotten, then counted once after the commit for the mentor's open pages.
    with django_assert_num_queries(0):
        assert selectors.unread_count(mentor) == 2
    assert selectors.unread_count(mentee) == 0
    assert services.conversation_mark_read(conversation=conversation, user=mentor) is True
    assert selectors.unread_count(mentor) == 0
    assert services.conversation_mark_read(conversation=conversation, user=mentor) is False


# --- Blocking ---


@pytest.mark.parametrize("blocker", ["mentor", "mentee"])
def test_a_block_by_either_side_stops_messages_both_ways_until_unblocked(conversation, mentor, mentee, blocker):
    people = {"mentor": mentor, "mentee": mentee}
    services.conversation_block(conversation=conversation, user=people[blocker])
    for sender in (mentor, mentee):
        with pytest.raises(MessagingError) as error:
            _send(conversation, sender)
        assert error.value.code == "blocked"
    assert not Message.objects.exists()
    assert selectors.is_blocked(mentor, mentee)
    services.conversation_block(conversation=conversation, user=people[blocker], blocked=False)
    _send(conversation, mentee)
    assert not selectors.is_blocked(mentor, mentee)


def test_one_side_cannot_lift_the_others_block(conversation, mentor, mentee):
    services.conversation_block(conversation=conversation, user=mentor)
    services.conversation_block(conversation=conversation, user=mentee, blocked=False)
    assert selectors.is_blocked(mentor, mentee)


@pytest.mark.parametrize("blocker", ["mentor", "mentee"])
def test_a_blocked_mentee_cannot_book_that_mentor(conversation, mentor, mentee, blocker):
    services.conversation_block(conversation=conversation, user={"mentor": mentor, "mentee": mentee}[blocker])
    slot = SlotFactory(mentor=mentor)
    with pytest.raises(schedule_services.BookingError) as error:
        schedule_services.booking_create(slot_id=slot.pk, mentee=mentee)
    assert error.value.code == "blocked" and "blocked" in error.value.message
    slot.refresh_from_db()
    assert slot.status == "available"
    schedule_services.booking_create(slot_id=SlotFactory().pk, mentee=mentee)  # other mentors are fine


# --- Reporting ---


def test_a_participant_reports_a_conversation_once(conversation, mentee):
    services.conversation_report(conversation=conversation, reporter=mentee, reason="  Rude  ")
    assert Report.objects.get().reason == "Rude"
    with pytest.raises(MessagingError) as error:
        services.conversation_report(conversation=conversation, reporter=mentee, reason="Again")
    assert error.value.code == "already"
    with pytest.raises(MessagingError):
        services.conversation_report(conversation=conversation, reporter=conversation.mentor, reason=" ")


def test_staff_handle_the_open_reports_once_and_each_reporter_is_told_without_the_note(
    conversation, mentor, mentee, staff
):
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    services.conversation_report(conversation=conversation, reporter=mentor, reason="Spam", now=NOW)
    later = NOW + dt.timedelta(hours=1)
    assert (
        services.conversation_reports_handle(conversation=conversation, by=staff, outcome=" Warned both ", now=later)
        == 2
    )
    assert set(Report.objects.values_list("handled_at", "handled_by", "outcome")) == {(later, staff.pk, "Warned both")}
    told = {n.recipient_id: n for n in Notification.objects.filter(kind=REPORT_HANDLED_KIND)}
    assert set(told) == {mentee.pk, mentor.pk} and told[mentee.pk].person == mentor
    assert told[mentee.pk].link == conversation.get_absolute_url()
    assert "Warned" not in str(told[mentee.pk].params)  # the staff note may be about the other side
    event = Event.objects.get(action=Event.Action.REPORTS_HANDLE)
    assert event.actor == staff and event.changes == {"outcome": "Warned both", "reports": 2}
    with pytest.raises(MessagingError) as error:  # a second click (or a second staff member): nothing left
        services.conversation_reports_handle(conversation=conversation, by=staff, outcome="Again", now=later)
    assert error.value.code == "handled" and Notification.objects.filter(kind=REPORT_HANDLED_KIND).count() == 2
    # a new report after that waits again, alone
    other = services.conversation_open(mentor=MentorFactory(), mentee=mentee, now=NOW)
    services.conversation_report(conversation=other, reporter=mentee, reason="Rude too", now=NOW)
    assert list(selectors.reported_conversations()) == [other]
    assert list(selectors.reported_conversations(status="handled")) == [conversation]
    assert len(selectors.reported_conversations(status="any")) == 2


def test_a_report_that_came_in_after_the_page_was_read_stays_waiting(conversation, mentor, mentee, staff):
    first = services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    services.conversation_report(conversation=conversation, reporter=mentor, reason="Spam", now=NOW)  # meanwhile
    handled = services.conversation_reports_handle(
        conversation=conversation, by=staff, outcome="Warned", up_to=first.pk
    )
    assert handled == 1 and list(Report.objects.filter(handled_at__isnull=True).values_list("reason", flat=True)) == [
        "Spam"
    ]
    assert list(Notification.objects.filter(kind=REPORT_HANDLED_KIND).values_list("recipient", flat=True)) == [
        mentee.pk
    ]


def test_after_staff_handled_it_the_same_person_may_report_again(conversation, mentee, staff):
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    services.conversation_reports_handle(conversation=conversation, by=staff, outcome="Warned")
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Still rude", now=NOW)
    assert list(selectors.reported_conversations()) == [conversation]
    with pytest.raises(MessagingError) as error:  # but one waiting report at a time
        services.conversation_report(conversation=conversation, reporter=mentee, reason="Again")
    assert error.value.code == "already"


def test_only_a_moderator_handles_reports(conversation, mentee):
    from accounts.tests.factories import staff_member

    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    with pytest.raises(MessagingError) as error:
        services.conversation_reports_handle(conversation=conversation, by=staff_member("Manager"), outcome="Done")
    assert error.value.code == "forbidden" and Report.objects.get().handled_at is None


def test_an_erased_person_leaves_no_words_in_reports_nor_in_staffs_notes_about_them(
    conversation, mentor, mentee, staff
):
    from accounts import hooks

    services.conversation_report(conversation=conversation, reporter=mentee, reason="He wants my card", now=NOW)
    services.conversation_reports_handle(conversation=conversation, by=staff, outcome="Warned Max Mentor")
    other = services.conversation_open(mentor=MentorFactory(), mentee=UserFactory(), now=NOW)
    services.conversation_report(conversation=other, reporter=other.mentee, reason="Not ours", now=NOW)
    hooks.fire(hooks.PERSON_ERASED, user=mentor, addresses=[mentor.email], requested_at=NOW, now=NOW)
    assert set(Report.objects.values_list("reason", "outcome")) == {("He wants my card", ""), ("Not ours", "")}
    hooks.fire(hooks.PERSON_ERASED, user=mentee, addresses=[mentee.email], requested_at=NOW, now=NOW)
    assert set(Report.objects.values_list("reason", "outcome")) == {("", ""), ("Not ours", "")}
    assert Event.objects.get(action=Event.Action.REPORTS_HANDLE).changes == {"outcome": "", "reports": 1}
    assert Report.objects.filter(handled_at__isnull=False).count() == 1  # that it was handled, and when, stays


def test_the_export_has_ones_own_reports_without_staffs_note(conversation, mentor, mentee, staff):
    from messaging import export

    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    services.conversation_reports_handle(conversation=conversation, by=staff, outcome="Warned", now=NOW)
    sections = export.person_sections(user=mentee)
    assert sections["message_reports"] == [
        {
            "conversation_with": mentor.display_name,
            "reason": "Rude",
            "reported_at": "2026-11-25T12:00:00Z",
            "handled_at": "2026-11-25T12:00:00Z",
        }
    ]
    assert export.person_sections(user=mentor)["message_reports"] == []


@pytest.mark.parametrize(("outcome", "code"), [("", "empty"), ("  ", "empty"), ("x" * 501, "too_long")])
def test_handling_reports_needs_a_short_note_and_changes_nothing_without_one(
    conversation, mentee, staff, outcome, code
):
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude", now=NOW)
    with pytest.raises(MessagingError) as error:
        services.conversation_reports_handle(conversation=conversation, by=staff, outcome=outcome)
    assert error.value.code == code
    assert Report.objects.get().handled_at is None and not Event.objects.exists() and not Notification.objects.exists()


# --- The mail digest ---


def _digests():
    return list(Email.objects.filter(**{f"headers__{KIND_HEADER}": MESSAGES}).order_by("pk"))


def test_messages_unread_for_fifteen_minutes_are_emailed_once(conversation, mentee, mentor):
    _send(conversation, mentee, "First question", now=NOW)
    _send(conversation, mentee, "Second question", now=NOW + dt.timedelta(minutes=5))
    assert services.message_digest_sweep(now=NOW + dt.timedelta(minutes=14)) == 0
    assert services.message_digest_sweep(now=NOW + dt.timedelta(minutes=15)) == 1
    [email] = _digests()
    assert email.to == [mentor.email]
    assert "Mia Mentee sent you 2 messages" in email.subject
    assert "First question" in email.message and "Second question" in email.message
    assert conversation.get_absolute_url() in email.message
    # Never again for the same messages, and nothing for the sender.
    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=2)) == 0
    # A new burst is a new email, about the new message only.
    _send(conversation, mentee, "Third", now=NOW + dt.timedelta(hours=3))
    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=4)) == 1
    assert "First question" not in _digests()[-1].message


def test_read_messages_are_not_emailed(conversation, mentee, mentor):
    _send(conversation, mentee, "Hi", now=NOW)
    services.conversation_mark_read(conversation=conversation, user=mentor)
    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=1)) == 0


def test_no_digest_for_someone_who_turned_message_email_off_and_nothing_piles_up(conversation, mentee, mentor):
    notification_services.notification_preferences_set(user=mentor, email={MESSAGE_KIND: False})
    another = MentorFactory()  # keeps the email on
    old = _send(conversation, mentee, "Old question", now=NOW)
    _send(services.conversation_open(mentor=another, mentee=mentee, now=NOW), mentee, "Old question", now=NOW)

    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=1)) == 1
    assert [email.to for email in _digests()] == [[another.email]]
    conversation.refresh_from_db()
    assert conversation.mentor_announced_id == old.pk  # announced all the same

    # Turned on again: new messages are emailed, the old ones are not.
    notification_services.notification_preferences_set(user=mentor, email={MESSAGE_KIND: True})
    _send(conversation, mentee, "Again", now=NOW + dt.timedelta(hours=2))
    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=3)) == 1
    assert "Again" in _digests()[-1].message and "Old question" not in _digests()[-1].message


def test_the_digest_is_in_the_recipients_language_and_plain_text_is_not_escaped():
    mentor = MentorFactory(language="uk")
    mentee = UserFactory(first_name=HOSTILE_NAME[0], last_name=HOSTILE_NAME[1], language="en")
    conversation = services.conversation_open(mentor=mentor, mentee=mentee, now=NOW)
    _send(conversation, mentee, "Tom & Jerry <3", now=NOW)
    assert services.message_digest_sweep(now=NOW + dt.timedelta(hours=1)) == 1
    [email] = _digests()
    assert email.subject == "Seán O'Brien & <Co> надсилає вам 1 повідомлення"
    assert "Tom & Jerry <3" in email.message and "Seán O'Brien & <Co>" in email.message
    assert "Tom &amp; Jerry &lt;3" in email.html_message and "<Co>" not in email.html_message


def test_the_digest_waits_as_long_as_the_setting_says(conversation, mentee, settings):
    settings.MESSAGE_DIGEST_MINUTES = 30
    _send(conversation, mentee, "Are you there?", now=NOW)
    assert services.message_digest_sweep(now=NOW + dt.timedelta(minutes=20)) == 0
    assert services.message_digest_sweep(now=NOW + dt.timedelta(minutes=31)) == 1


def test_reading_a_conversation_reads_its_message_notification_too(conversation, mentee, mentor):
    from notifications.models import Notification

    services.message_send(conversation=conversation, sender=mentee, body="Hello")
    other = services.conversation_open(mentor=MentorFactory(), mentee=mentee)
    services.message_send(conversation=other, sender=other.mentor, body="Elsewhere")
    assert Notification.objects.filter(recipient=mentor, read_at__isnull=True).count() == 1
    services.conversation_mark_read(conversation=conversation, user=mentor)
    assert not Notification.objects.filter(recipient=mentor, read_at__isnull=True).exists()
    # Another conversation's stays unread for its reader.
    assert Notification.objects.filter(recipient=mentee, read_at__isnull=True).count() == 1
