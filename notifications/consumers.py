"""
The WebSocket of a signed-in page: it joins only its own person's group (taken from the session,
never from anything the client sends) and passes each new notification on, rendered in that
person's language and time zone.
"""

import zoneinfo

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone, translation

from core import presence
from core.realtime import CountedSocketMixin, JsonFramesOnlyMixin, PersonSocketMixin
from notifications import kinds, selectors
from notifications.models import Notification
from notifications.services import group_name

UNAUTHENTICATED = 4401


class NotificationConsumer(JsonFramesOnlyMixin, PersonSocketMixin, CountedSocketMixin, AsyncJsonWebsocketConsumer):
    socket_kind = "notifications"

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.group = group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await sync_to_async(presence.seen)(user.pk)  # an open page: online

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await sync_to_async(presence.seen)(self.scope["user"].pk)  # last seen: now

    async def receive_json(self, content, **kwargs):
        """The client only listens; its "ping" every 30 s keeps proxies from closing the socket and marks it online."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await sync_to_async(presence.seen)(self.scope["user"].pk)
            await self.send_json({"type": "pong"})

    async def notification_created(self, event):
        payload = await database_sync_to_async(_payload)(self.scope["user"], event.get("id"))
        if payload is not None:
            await self.send_json(payload)


def _payload(user, notification_id) -> dict | None:
    notification = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if notification is None:
        return None
    with translation.override(user.language), timezone.override(zoneinfo.ZoneInfo(user.timezone)):
        return {
            "type": "notification",
            "id": notification.pk,
            "text": kinds.render(notification),
            "icon": kinds.icon(notification),
            "unread": selectors.unread_count(user),
        }
