"""Online / last seen: kept in the cache from the pages' sockets, shown unless the person hides it."""

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.urls import reverse

from accounts.tests.factories import ListedMentorFactory
from core import presence

pytestmark = pytest.mark.django_db


def test_online_while_the_heartbeat_lasts_then_last_seen(mentor):
    now = time.time()
    presence.seen(mentor.pk, now=now)
    assert presence.statuses([mentor], now=now + 30)[mentor.pk].online
    later = presence.statuses([mentor], now=now + presence.ONLINE_SECONDS + 1)[mentor.pk]
    assert not later.online and later.last_seen.timestamp() == int(now)


def test_someone_never_seen_or_hiding_has_no_status(mentor, mentee):
    presence.seen(mentee.pk)
    mentee.show_presence = False
    assert presence.statuses([mentor, mentee]) == {}


def test_the_mentor_page_and_the_directory_show_who_is_online(client):
    mentor = ListedMentorFactory(first_name="Olena", last_name="Online")
    presence.seen(mentor.pk)
    assert "Online now" in client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "Online now" in client.get(reverse("home")).content.decode()


def test_a_mentor_who_hides_it_shows_nothing(client):
    mentor = ListedMentorFactory(show_presence=False)
    presence.seen(mentor.pk)
    page = client.get(mentor.mentor_profile.get_absolute_url()).content.decode()
    assert "Online now" not in page and "Last online" not in page


def test_hiding_is_a_profile_choice(client, mentee):
    client.force_login(mentee)
    data = {"first_name": "Mia", "last_name": "Mentee", "timezone": mentee.timezone, "language": "en"}
    client.post(reverse("accounts:profile"), data)  # the box unticked
    mentee.refresh_from_db()
    assert mentee.show_presence is False
    client.post(reverse("accounts:profile"), {**data, "show_presence": "on"})
    mentee.refresh_from_db()
    assert mentee.show_presence is True


@pytest.mark.django_db(transaction=True)
def test_an_open_page_marks_its_person_online_and_closing_it_leaves_last_seen(mentor, settings):
    from notifications.tests.test_consumers import _socket

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

    async def visit():
        socket = await sync_to_async(_socket)(mentor)
        assert (await socket.connect())[0]
        status = await sync_to_async(presence.status)(mentor)
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=1) == {"type": "pong"}
        await socket.disconnect()
        return status

    assert async_to_sync(visit)().online
    assert presence.status(mentor).last_seen is not None
