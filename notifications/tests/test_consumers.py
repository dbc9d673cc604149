"""
The notifications WebSocket: who may connect, which group it joins, what it receives. Each test
drives channels' WebsocketCommunicator from a coroutine run with async_to_sync (no async plugin).
"""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from accounts.services import user_deactivate
from core import realtime
from core.testing import session_cookie
from mentorship_platform.asgi import application
from messaging import services as messaging_services
from notifications import kinds, services

pytestmark = [pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def _in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _socket(user=None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    if user is not None:
        headers.append((b"cookie", session_cookie(user).encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


def _notify(user):
    return services.notify(
        recipient=user, kind=kinds.BOOKING_CREATED, params={"name": "Mia Mentee", "start": "2026-12-01T10:00:00+00:00"}
    )


def test_a_visitor_without_a_session_is_turned_away():
    async_to_sync(_test_a_visitor_without_a_session_is_turned_away)()


async def _test_a_visitor_without_a_session_is_turned_away():
    connected, code = await (await sync_to_async(_socket)()).connect()
    assert not connected and code == 4401


def test_a_page_of_another_site_cannot_open_a_socket_with_the_cookie(mentor):
    async_to_sync(_test_a_page_of_another_site_cannot_open_a_socket_with_the_cookie)(mentor)


async def _test_a_page_of_another_site_cannot_open_a_socket_with_the_cookie(mentor):
    socket = await sync_to_async(_socket)(mentor, origin=(b"origin", b"https://evil.example"))
    connected, _code = await socket.connect()
    assert not connected


def test_a_person_receives_their_own_notifications_rendered_and_nobody_elses(mentor, mentee):
    async_to_sync(_test_a_person_receives_their_own_notifications_rendered_and_nobody_elses)(mentor, mentee)


async def _test_a_person_receives_their_own_notifications_rendered_and_nobody_elses(mentor, mentee):
    mine, theirs = await sync_to_async(_socket)(mentor), await sync_to_async(_socket)(mentee)
    assert (await mine.connect())[0] and (await theirs.connect())[0]

    await sync_to_async(_notify)(mentor)

    message = await mine.receive_json_from(timeout=2)
    assert message["type"] == "notification" and message["unread"] == 1
    assert message["text"].startswith("Mia Mentee booked a session with you on 1 December 2026")
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


def test_a_socket_cannot_ask_for_another_persons_group(mentor, mentee):
    async_to_sync(_test_a_socket_cannot_ask_for_another_persons_group)(mentor, mentee)


async def _test_a_socket_cannot_ask_for_another_persons_group(mentor, mentee):
    """The group comes from the session; whatever the client sends, it hears only its own."""
    socket = await sync_to_async(_socket)(mentee)
    await socket.connect()
    await socket.send_json_to({"type": "subscribe", "group": services.group_name(mentor.pk)})
    await sync_to_async(_notify)(mentor)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=1) == {"type": "pong"}
    await socket.disconnect()


def test_a_frame_that_is_not_json_is_ignored_and_the_socket_stays_open(mentee):
    async_to_sync(_test_a_frame_that_is_not_json_is_ignored_and_the_socket_stays_open)(mentee)


async def _test_a_frame_that_is_not_json_is_ignored_and_the_socket_stays_open(mentee):
    socket = await sync_to_async(_socket)(mentee)
    await socket.connect()
    for frame in ({"text": "not json"}, {"bytes": b"\x00\x01"}, {"text": "[" * 100_000}):
        await socket.send_input({"type": "websocket.receive", **frame})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=1) == {"type": "pong"}  # still open
    await socket.disconnect()


def test_an_event_for_a_notification_of_someone_else_is_not_passed_on(mentor, mentee):
    async_to_sync(_test_an_event_for_a_notification_of_someone_else_is_not_passed_on)(mentor, mentee)


async def _test_an_event_for_a_notification_of_someone_else_is_not_passed_on(mentor, mentee):
    """Even a forged event naming another person's notification id sends nothing."""
    socket = await sync_to_async(_socket)(mentee)
    await socket.connect()
    notification = await sync_to_async(_notify)(mentor)
    layer = get_channel_layer()
    await layer.group_send(services.group_name(mentee.pk), {"type": services.CREATED_EVENT, "id": notification.pk})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


def test_the_push_goes_to_the_recipients_group_only_after_commit(mentor, monkeypatch):
    sent = []

    class Layer:
        async def group_send(self, group, event):
            sent.append((group, event["type"]))

    monkeypatch.setattr(realtime, "get_channel_layer", Layer)
    from django.db import transaction

    with transaction.atomic():
        _notify(mentor)
        assert sent == []
    assert sent == [(services.group_name(mentor.pk), services.CREATED_EVENT)]


def test_blocking_a_person_closes_their_open_sockets_at_once(mentor, mentee):
    async_to_sync(_test_blocking_a_person_closes_their_open_sockets_at_once)(mentor, mentee)


async def _test_blocking_a_person_closes_their_open_sockets_at_once(mentor, mentee):
    conversation = await sync_to_async(messaging_services.conversation_open)(mentee=mentee, mentor=mentor)
    bell = await sync_to_async(_socket)(mentee)
    chat = WebsocketCommunicator(
        application,
        f"/ws/messages/{conversation.pk}/",
        headers=[ORIGIN, (b"cookie", (await sync_to_async(session_cookie)(mentee)).encode())],
    )
    others = await sync_to_async(_socket)(mentor)
    assert (await bell.connect())[0] and (await chat.connect())[0] and (await others.connect())[0]

    await sync_to_async(user_deactivate)(user=mentee)  # by staff or by the system: the same

    for socket in (bell, chat):  # the page is told it is over: the close code stops its reconnecting
        assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    assert await others.receive_nothing(timeout=0.3)  # nobody else's socket is touched
    await others.disconnect()


def test_the_headers_messages_count_follows_on_every_open_page(mentor, mentee):
    async_to_sync(_test_the_headers_messages_count_follows_on_every_open_page)(mentor, mentee)


async def _test_the_headers_messages_count_follows_on_every_open_page(mentor, mentee):
    """A message to the mentee: their open pages' header shows 1 unread; reading it elsewhere, 0."""
    conversation = await sync_to_async(messaging_services.conversation_open)(mentee=mentee, mentor=mentor)
    bell, others = await sync_to_async(_socket)(mentee), await sync_to_async(_socket)(mentor)
    assert (await bell.connect())[0] and (await others.connect())[0]

    await sync_to_async(messaging_services.message_send)(conversation=conversation, sender=mentor, body="Hi")

    received = [await bell.receive_json_from(timeout=2), await bell.receive_json_from(timeout=2)]
    assert {"type": "count", "name": "messages", "unread": 1} in received  # and the "new message" notification
    await sync_to_async(messaging_services.conversation_mark_read)(conversation=conversation, user=mentee)
    assert await bell.receive_json_from(timeout=2) == {"type": "count", "name": "messages", "unread": 0}
    assert await others.receive_nothing(timeout=0.3)  # the sender's own count did not change
    await bell.disconnect()
    await others.disconnect()
