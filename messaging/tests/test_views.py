"""Conversation pages through the client: participants only, paging, reading, sending, staff reports."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.tests.factories import MentorFactory, UserFactory
from messaging import selectors, services
from messaging.models import Conversation, Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from schedule.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(mentor, mentee):
    return services.conversation_open(mentor=mentor, mentee=mentee)


def _url(conversation, name="detail"):
    return reverse(f"messaging:{name}", args=[conversation.pk])


def test_asking_a_question_from_the_mentor_page_opens_the_conversation(client, mentor, mentee):
    client.force_login(mentee)
    page = client.get(mentor.mentor_profile.get_absolute_url())
    assert reverse("messaging:start", args=[mentor.pk]) in page.content.decode()
    response = client.post(reverse("messaging:start", args=[mentor.pk]))
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    assert (conversation.mentor, conversation.mentee) == (mentor, mentee)


def test_asking_past_the_daily_limit_explains_on_the_mentor_page(client, mentor, mentee, settings):
    settings.NEW_CONVERSATIONS_PER_DAY = 0
    client.force_login(mentee)
    response = client.post(reverse("messaging:start", args=[mentor.pk]), follow=True)
    assert "You can start 0 new conversations a day" in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_booking_page_offers_a_message_to_the_other_side(client):
    booking = BookingFactory()
    client.force_login(booking.mentor)
    page = client.get(booking.get_absolute_url()).content.decode()
    assert f"Message {booking.mentee.display_name}" in page
    response = client.post(reverse("messaging:from_booking", args=[booking.pk]))
    assert response["Location"] == Conversation.objects.get(mentee=booking.mentee).get_absolute_url()
    client.force_login(UserFactory())
    assert client.post(reverse("messaging:from_booking", args=[booking.pk])).status_code == 404


def test_a_booking_page_offers_no_message_to_someone_who_has_left(client):
    booking = BookingFactory()
    booking.mentor.is_active = False
    booking.mentor.save(update_fields=["is_active"])
    client.force_login(booking.mentee)
    page = client.get(booking.get_absolute_url()).content.decode()
    assert reverse("messaging:from_booking", args=[booking.pk]) not in page and "Message " not in page


@pytest.mark.parametrize("name", ["detail", "messages", "read", "block", "unblock", "report"])
def test_anyone_but_the_two_participants_gets_a_404_and_nothing_changes(client, conversation, mentee, name):
    MessageFactory(conversation=conversation, sender=mentee, body="private")
    before = list(Conversation.objects.values())
    client.force_login(MentorFactory())
    method = client.get if name in ("detail", "messages") else client.post
    assert method(_url(conversation, name), {"body": "x", "reason": "x"}).status_code == 404
    assert list(Conversation.objects.values()) == before and Message.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(client, conversation):
    response = client.get(_url(conversation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_sending_without_javascript_posts_and_redirects(client, conversation, mentee):
    client.force_login(mentee)
    response = client.post(_url(conversation), {"body": "A question"})
    assert response.status_code == 302 and response["Location"].startswith(_url(conversation))
    assert Message.objects.get().body == "A question"
    page = client.get(_url(conversation)).content.decode()
    assert "A question" in page


def test_a_refused_message_is_explained_on_the_page_and_not_stored(client, conversation, mentee, settings):
    settings.MESSAGE_MAX_LENGTH = 10
    client.force_login(mentee)
    response = client.post(_url(conversation), {"body": "x" * 11})
    assert response.status_code == 400 and "at most 10 characters" in response.content.decode()
    response = client.post(_url(conversation), {"body": "   "})
    assert response.status_code == 400 and "Please write a message." in response.content.decode()
    assert not Message.objects.exists()


def test_the_rate_limit_is_explained_and_nothing_is_stored(client, conversation, mentee, settings):
    settings.MESSAGE_RATE_PER_MINUTE = 1
    client.force_login(mentee)
    client.post(_url(conversation), {"body": "one"})
    response = client.post(_url(conversation), {"body": "two"})
    assert "at most 1 message a minute" in response.content.decode()
    assert list(Message.objects.values_list("body", flat=True)) == ["one"]


def test_fetch_gets_json_for_a_sent_or_refused_message(client, conversation, mentee):
    client.force_login(mentee)
    ok = client.post(_url(conversation), {"body": "Hi <b>"}, headers={"accept": "application/json"})
    assert ok.json()["message"]["body"] == "Hi <b>" and ok.json()["message"]["mine"] is True
    refused = client.post(_url(conversation), {"body": ""}, headers={"accept": "application/json"})
    assert refused.status_code == 400 and refused.json() == {"error": "Please write a message."}


def test_the_history_shows_the_latest_page_with_the_newest_at_the_bottom(client, conversation, mentee):
    for i in range(selectors.PAGE_SIZE + 5):
        MessageFactory(conversation=conversation, sender=mentee, body=f"message number {i:03d}")
    client.force_login(mentee)
    page = client.get(_url(conversation)).content.decode()
    assert "message number 004" not in page and "message number 005" in page
    assert page.index("message number 005") < page.index("message number 034")
    assert "Earlier messages" in page and "?page=2" in page
    earlier = client.get(_url(conversation), {"page": 2}).content.decode()
    assert "message number 000" in earlier and "message number 005" not in earlier
    assert "data-conversation " not in earlier  # an older page does not append live messages


def test_opening_a_conversation_marks_it_read(client, conversation, mentee, mentor):
    services.message_send(conversation=conversation, sender=mentee, body="Hello")
    assert selectors.unread_count(mentor) == 1
    client.force_login(mentor)
    assert client.get(reverse("messaging:list")).content.decode().count("1 unread") == 1
    client.get(_url(conversation))
    assert selectors.unread_count(mentor) == 0


def test_the_list_is_sorted_by_the_last_message_with_unread_counts_and_leaves_out_empty_ones(client, mentee):
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    older = ConversationFactory(mentee=mentee, mentor=MentorFactory(first_name="Older"), last_message_at=now)
    newer = ConversationFactory(
        mentee=mentee, mentor=MentorFactory(first_name="Newer"), last_message_at=now + dt.timedelta(hours=1)
    )
    silent = ConversationFactory(mentee=mentee, mentor=MentorFactory(first_name="Silent"))
    MessageFactory(conversation=older, sender=older.mentor)
    MessageFactory(conversation=older, sender=older.mentor)
    client.force_login(mentee)
    response = client.get(reverse("messaging:list"))
    names = [c.other_person.first_name for c in response.context["page"].object_list]
    assert names == ["Newer", "Older"]  # nothing was written to Silent: not a conversation to the mentor either
    assert [c.unread for c in response.context["page"].object_list] == [0, 2]
    client.force_login(silent.mentor)
    assert "No conversations yet" in client.get(reverse("messaging:list")).content.decode() and newer.pk


def test_the_catch_up_endpoint_returns_messages_after_an_id(client, conversation, mentee):
    first = MessageFactory(conversation=conversation, sender=mentee, body="one")
    MessageFactory(conversation=conversation, sender=mentee, body="two")
    client.force_login(mentee)
    data = client.get(_url(conversation, "messages"), {"after": first.pk}).json()
    assert [m["body"] for m in data["messages"]] == ["two"]
    assert client.get(_url(conversation, "messages"), {"after": "-1"}).status_code == 400


def test_blocking_from_the_page_hides_the_form_and_denies_booking(client, conversation, mentee, mentor):
    client.force_login(mentor)
    client.post(_url(conversation, "block"))
    page = client.get(_url(conversation)).content.decode()
    assert "data-message-form" not in page and "Unblock" in page
    from schedule.tests.factories import SlotFactory

    slot = SlotFactory(mentor=mentor)
    client.force_login(mentee)
    response = client.get(reverse("schedule:booking_confirm", args=[slot.pk]), follow=True)
    assert "one of you has blocked the other" in response.content.decode()
    client.force_login(mentor)
    client.post(_url(conversation, "unblock"))
    assert not selectors.is_blocked(mentor, mentee)


def test_a_conversation_blocked_before_anyone_wrote_stays_listed_for_the_one_who_blocked(client, mentee, mentor):
    conversation = services.conversation_open(mentor=mentor, mentee=mentee)
    services.conversation_block(conversation=conversation, user=mentee)
    client.force_login(mentee)
    page = client.get(reverse("messaging:list")).content.decode()
    assert conversation.get_absolute_url() in page and "No messages yet" in page  # where they unblock
    client.force_login(mentor)
    assert conversation.get_absolute_url() not in client.get(reverse("messaging:list")).content.decode()


def test_the_blocked_side_is_told_it_is_blocked_and_not_offered_to_unblock(client, conversation, mentee, mentor):
    client.force_login(mentor)
    client.post(_url(conversation, "block"), follow=True)  # the mentor reads "You blocked …"
    client.force_login(mentee)
    page = client.get(_url(conversation)).content.decode()
    assert "This conversation is blocked: no new messages can be sent." in page
    assert "It is blocked already. Block it too" in page and "Unblock" not in page
    assert "Neither of you can write here" not in page


def test_staff_read_only_reported_conversations(client, conversation, mentee, staff):
    MessageFactory(conversation=conversation, sender=mentee, body="Something rude")
    client.force_login(staff)
    report_url = reverse("dashboard:report_detail", args=[conversation.pk])
    assert client.get(report_url).status_code == 404  # not reported: staff cannot read it
    assert "Something rude" not in client.get(reverse("dashboard:reports")).content.decode()

    client.force_login(mentee)
    client.post(_url(conversation, "report"), {"reason": "Rude <words>"})
    client.force_login(staff)
    listing = client.get(reverse("dashboard:reports")).content.decode()
    assert report_url in listing
    page = client.get(report_url).content.decode()
    assert "Something rude" in page and "Rude &lt;words&gt;" in page and "data-message-form" not in page
    client.force_login(mentee)
    assert client.get(report_url).status_code == 403


def test_staff_mark_a_reported_conversation_handled_and_it_leaves_the_waiting_list(
    client, conversation, mentee, staff, django_assert_num_queries
):
    MessageFactory(conversation=conversation, sender=mentee, body="Something rude")
    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude")
    for _ in range(3):  # more reported conversations do not add queries
        other = services.conversation_open(mentor=MentorFactory(), mentee=UserFactory())
        services.conversation_report(conversation=other, reporter=other.mentee, reason="Spam")
    client.force_login(staff)
    report_url = reverse("dashboard:report_detail", args=[conversation.pk])
    handle_url = reverse("dashboard:report_handle", args=[conversation.pk])
    client.get(reverse("dashboard:reports"))  # the first page saves the session and caches the header's counts
    # session, user, the second factor, the role's permissions (2), count + page
    with django_assert_num_queries(7):
        listing = client.get(reverse("dashboard:reports")).content.decode()
    assert report_url in listing and "1 waiting" in listing
    # session, user, the second factor, the role's permissions (2), the conversation with its reports and
    # their people (2), messages (count + page)
    with django_assert_num_queries(9):
        page = client.get(report_url).content.decode()
    assert "Mark 1 report handled" in page and reverse("dashboard:person_detail", args=[mentee.pk]) in page

    refused = client.post(handle_url, {"outcome": "   "})  # the form comes back (400), nothing handled
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    too_long = client.post(handle_url, {"outcome": "Warned them. " + "x" * 500})
    assert too_long.status_code == 400 and "Warned them. xxx" in too_long.content.decode()  # what was typed stays
    assert not conversation.reports.filter(handled_at__isnull=False).exists()

    done = client.post(handle_url, {"outcome": "Warned the <mentor>"}, follow=True)
    assert "1 report is marked handled." in done.content.decode()
    assert "Warned the &lt;mentor&gt;" in done.content.decode() and "Mark 1 report handled" not in done.content.decode()
    assert report_url not in client.get(reverse("dashboard:reports")).content.decode()  # waiting only, by default
    assert report_url in client.get(reverse("dashboard:reports"), {"status": "handled"}).content.decode()
    again = client.post(handle_url, {"outcome": "Twice"}, follow=True)  # a second tab: told, nothing changes
    assert "These reports are already handled." in again.content.decode()
    assert conversation.reports.get().outcome == "Warned the <mentor>"


def test_a_report_sent_while_staff_read_the_page_stays_waiting_and_staff_are_told(client, conversation, mentor, staff):
    first = services.conversation_report(conversation=conversation, reporter=conversation.mentee, reason="Rude")
    client.force_login(staff)
    page = client.get(reverse("dashboard:report_detail", args=[conversation.pk])).content.decode()
    assert f'name="up_to" value="{first.pk}"' in page  # the newest report shown
    services.conversation_report(conversation=conversation, reporter=mentor, reason="Spam")  # meanwhile
    url = reverse("dashboard:report_handle", args=[conversation.pk])
    done = client.post(url, {"outcome": "Warned", "up_to": first.pk}, follow=True).content.decode()
    assert "1 report is marked handled." in done and "A new report came in while you read: it is still waiting." in done
    assert conversation.reports.get(handled_at__isnull=True).reason == "Spam"


def test_a_manager_reads_reports_but_only_a_moderator_handles_them(client, conversation, mentee):
    from accounts.tests.factories import staff_member

    services.conversation_report(conversation=conversation, reporter=mentee, reason="Rude")
    client.force_login(staff_member("Manager"))
    page = client.get(reverse("dashboard:report_detail", args=[conversation.pk])).content.decode()
    assert "Rude" in page and "Mark 1 report handled" not in page
    response = client.post(reverse("dashboard:report_handle", args=[conversation.pk]), {"outcome": "Done"})
    assert response.status_code == 403 and conversation.reports.get().handled_at is None


def test_the_header_shows_the_unread_count(client, conversation, mentee, mentor):
    services.message_send(conversation=conversation, sender=mentee, body="Hello")
    client.force_login(mentor)
    page = client.get(reverse("messaging:list")).content.decode()
    label = '<span class="visually-hidden">Unread messages: </span>'
    assert f"data-messages-unread>{label}<span data-count>1</span>" in page
    client.get(reverse("messaging:detail", args=[conversation.pk]))
    page = client.get(reverse("messaging:list")).content.decode()
    # kept, hidden, for the socket
    assert f'bg-danger d-none" data-messages-unread>{label}<span data-count>0</span>' in page


def test_the_pages_query_counts_are_pinned(client, conversation, mentee, mentor, django_assert_num_queries):
    for i in range(40):
        MessageFactory(conversation=conversation, sender=mentee if i % 2 else mentor, body=f"m{i}")
    conversation.last_message_at = conversation.messages.last().created_at
    conversation.save(update_fields=["last_message_at"])
    for _ in range(3):
        opened = services.conversation_open(mentor=MentorFactory(), mentee=mentee)
        services.message_send(conversation=opened, sender=mentee, body="Hello")
    client.force_login(mentee)
    # session, user, the header's unread counts (one query), conversations (count + page)
    with django_assert_num_queries(5):
        assert client.get(reverse("messaging:list")).status_code == 200
    # session, user, conversation, mark read (latest id + update + its message notifications), count + page,
    # next session, the header's counts (reading forgot the messages count), the mentor's profile for the
    # link to free times
    with django_assert_num_queries(11):
        assert client.get(_url(conversation)).status_code == 200
    # Read already: the latest id is asked, nothing is updated
    with django_assert_num_queries(9):
        assert client.get(_url(conversation)).status_code == 200


def test_the_admin_reads_conversations_and_reports_but_never_changes_them(client, conversation, mentee):
    """Changing a participant would hand the conversation to someone else; a report by hand would open it."""
    from accounts.tests.factories import staff_member

    client.force_login(staff_member("Admin", is_superuser=True))
    change = reverse("admin:messaging_conversation_change", args=[conversation.pk])
    assert client.get(change).status_code == 200  # read only
    response = client.post(change, {"mentor": conversation.mentor_id, "mentee": UserFactory().pk})
    assert response.status_code == 403
    assert client.get(reverse("admin:messaging_report_add")).status_code == 403
    conversation.refresh_from_db()
    assert conversation.mentee == mentee
