"""
The conversation WebSocket: only the two participants may join, each hears the messages of that
conversation only. Driven with channels' WebsocketCommunicator from coroutines run by async_to_sync.
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from accounts.tests.factories import MentorFactory
from core.testing import session_cookie
from mentorship_platform.asgi import application
from messaging import services

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def conversation(mentor, mentee):
    return services.conversation_open(mentor=mentor, mentee=mentee)


def _socket(conversation_id, user=None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    if user is not None:
        headers.append((b"cookie", session_cookie(user).encode()))
    return WebsocketCommunicator(application, f"/ws/messages/{conversation_id}/", headers=headers)


def test_a_visitor_without_a_session_is_turned_away(conversation):
    async_to_sync(_visitor)(conversation)


async def _visitor(conversation):
    connected, code = await (await sync_to_async(_socket)(conversation.pk)).connect()
    assert not connected and code == 4401


def test_a_page_of_another_site_cannot_open_a_socket_with_the_cookie(conversation, mentee):
    async_to_sync(_other_origin)(conversation, mentee)


async def _other_origin(conversation, mentee):
    socket = await sync_to_async(_socket)(conversation.pk, mentee, origin=(b"origin", b"https://evil.example"))
    connected, _code = await socket.connect()
    assert not connected


def test_a_user_cannot_subscribe_to_another_conversation_by_id(conversation):
    async_to_sync(_outsider)(conversation, MentorFactory())


async def _outsider(conversation, outsider):
    connected, code = await (await sync_to_async(_socket)(conversation.pk, outsider)).connect()
    assert not connected and code == 4403
    connected, code = await (await sync_to_async(_socket)(999999, outsider)).connect()
    assert not connected and code == 4403


def test_both_participants_receive_a_new_message_and_another_conversation_hears_nothing(conversation, mentor, mentee):
    other = services.conversation_open(mentor=MentorFactory(), mentee=mentee)
    async_to_sync(_delivery)(conversation, other, mentor, mentee)


async def _delivery(conversation, other, mentor, mentee):
    mentors = await sync_to_async(_socket)(conversation.pk, mentor)
    mentees = await sync_to_async(_socket)(conversation.pk, mentee)
    elsewhere = await sync_to_async(_socket)(other.pk, mentee)
    for socket in (mentors, mentees, elsewhere):
        assert (await socket.connect())[0]

    message = await sync_to_async(services.message_send)(conversation=conversation, sender=mentee, body="Hi <b>")

    to_mentor = await mentors.receive_json_from(timeout=2)
    assert to_mentor["type"] == "message" and to_mentor["id"] == message.pk
    assert to_mentor["body"] == "Hi <b>" and to_mentor["sender"] == "Mia Mentee" and to_mentor["mine"] is False
    assert (await mentees.receive_json_from(timeout=2))["mine"] is True
    assert await elsewhere.receive_nothing(timeout=0.3)
    for socket in (mentors, mentees, elsewhere):
        await socket.disconnect()


def test_a_forged_event_naming_a_message_of_another_conversation_sends_nothing(conversation, mentee):
    other = services.conversation_open(mentor=MentorFactory(), mentee=mentee)
    foreign = services.message_send(conversation=other, sender=mentee, body="elsewhere")
    async_to_sync(_forged)(conversation, mentee, foreign)


async def _forged(conversation, mentee, foreign):
    socket = await sync_to_async(_socket)(conversation.pk, mentee)
    await socket.connect()
    await get_channel_layer().group_send(
        services.group_name(conversation.pk), {"type": services.CREATED_EVENT, "id": foreign.pk}
    )
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=1) == {"type": "pong"}
    await socket.disconnect()


def test_in_a_blocked_conversation_nothing_is_sent_or_pushed(conversation, mentor, mentee):
    async_to_sync(_blocked)(conversation, mentor, mentee)


async def _blocked(conversation, mentor, mentee):
    socket = await sync_to_async(_socket)(conversation.pk, mentor)
    assert (await socket.connect())[0]  # a participant still reads the history live
    await sync_to_async(services.conversation_block)(conversation=conversation, user=mentor)
    with pytest.raises(services.MessagingError):
        await sync_to_async(services.message_send)(conversation=conversation, sender=mentee, body="Let me in")
    await socket.send_json_to({"type": "message", "body": "sent through the socket"})  # the socket only listens
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
