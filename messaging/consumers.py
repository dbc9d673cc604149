"""
The WebSocket of an open conversation page. ``connect`` checks that the signed-in person takes part
in the conversation named in the URL (else close code 4403) and joins that conversation's group; the
group comes from the checked id, never from anything the client sends later. Sending stays on HTTP
(one service, one set of limits): the socket only listens.
"""

import zoneinfo

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone, translation

from core.realtime import CountedSocketMixin, JsonFramesOnlyMixin, PersonSocketMixin
from messaging import selectors
from messaging.models import Message
from messaging.services import group_name

UNAUTHENTICATED = 4401
FORBIDDEN = 4403


class ConversationConsumer(JsonFramesOnlyMixin, PersonSocketMixin, CountedSocketMixin, AsyncJsonWebsocketConsumer):
    passes_header_counts = False  # the page's bell socket keeps the header's counts
    socket_kind = "conversation"

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        pk = self.scope["url_route"]["kwargs"]["pk"]
        conversation = await database_sync_to_async(selectors.conversation_of)(user, pk)
        if conversation is None:
            await self.close(code=FORBIDDEN)
            return
        self.conversation_id = conversation.pk
        self.group = group_name(conversation.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """The client only listens; a "ping" keeps proxies from closing an idle socket."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def message_created(self, event):
        payload = await database_sync_to_async(_payload)(self.scope["user"], self.conversation_id, event.get("id"))
        if payload is not None:
            await self.send_json(payload)


def _payload(user, conversation_id, message_id) -> dict | None:
    """The message, only if it belongs to this socket's conversation, rendered for this reader."""
    from messaging.views import message_payload

    message = Message.objects.filter(pk=message_id, conversation_id=conversation_id).select_related("sender").first()
    if message is None:
        return None
    with translation.override(user.language), timezone.override(zoneinfo.ZoneInfo(user.timezone)):
        return {"type": "message", **message_payload(message, viewer=user)}
