"""
Pushing to open pages through the channel layer. A push follows a committed change (a message, a
notification) whose row is already stored, so a layer that is down is logged and never raised: the
page catches up over HTTP when its socket reconnects.

Also the count of open sockets, which ``/metrics`` shows (``CountedSocketMixin``), the end of a
person's open sockets when their access ends (``PersonSocketMixin``, ``person_sockets_close``), and
frames that are not JSON, ignored (``JsonFramesOnlyMixin``).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from prometheus_client import Gauge

logger = logging.getLogger(__name__)

# Per process (summed over the processes sharing PROMETHEUS_MULTIPROC_DIR, if set).
OPEN_SOCKETS = Gauge(
    "mentorship_websocket_connections",
    "Open WebSocket connections, by consumer.",
    ["consumer"],
    multiprocess_mode="livesum",
)


class CountedSocketMixin:
    """Counts a consumer's sockets in OPEN_SOCKETS from their acceptance to their end (refused ones never)."""

    socket_kind = "socket"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        OPEN_SOCKETS.labels(cls.socket_kind)  # shown as 0 before the first socket opens

    async def accept(self, *args, **kwargs):
        await super().accept(*args, **kwargs)
        OPEN_SOCKETS.labels(self.socket_kind).inc()
        self.counted = True

    async def websocket_disconnect(self, message):
        if getattr(self, "counted", False):
            self.counted = False
            OPEN_SOCKETS.labels(self.socket_kind).dec()
        await super().websocket_disconnect(message)


# A socket closed because its person was blocked or is leaving: the page does not reconnect.
ACCESS_ENDED_CLOSE_CODE = 4401


def person_group(user_id: int) -> str:
    """Every open socket of one person, whatever page it serves."""
    return f"person-{user_id}"


class JsonFramesOnlyMixin:
    """
    A frame that is not JSON text (garbage, a binary frame, nesting without end) is ignored, where
    channels' JSON consumer would close the socket with an error in the log: the page only sends pings.
    """

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data:
            return
        try:
            content = await self.decode_json(text_data)
        except (ValueError, RecursionError):
            return
        await self.receive_json(content, **kwargs)


class PersonSocketMixin:
    """
    A signed-in person's socket joins their person group once accepted, and closes when told their
    access ended (blocked, or leaving): what it would pass on is no longer theirs to read.
    """

    async def accept(self, *args, **kwargs):
        await super().accept(*args, **kwargs)
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            self.person_group = person_group(user.pk)
            await self.channel_layer.group_add(self.person_group, self.channel_name)

    async def websocket_disconnect(self, message):
        try:
            if getattr(self, "person_group", None):
                await self.channel_layer.group_discard(self.person_group, self.channel_name)
                self.person_group = None
        finally:  # a layer that fails here must not skip the consumer's own clean-up and the count
            await super().websocket_disconnect(message)

    async def access_ended(self, event):
        await self.close(code=ACCESS_ENDED_CLOSE_CODE)

    # Whether this socket passes header counts on: one socket per page does (the bell's), not every one.
    passes_header_counts = True

    async def header_count(self, event):
        """A count in the header changed (``core.header.changed``): the page shows the new one."""
        if self.passes_header_counts:
            await self.send_json({"type": "count", "name": event["name"], "unread": event["unread"]})


def person_sockets_close(*, user, **facts) -> None:
    """The accounts hook ACCESS_ENDED: after the commit, every open socket of ``user`` closes."""
    transaction.on_commit(lambda: push(person_group(user.pk), {"type": "access.ended"}))


def push(group: str, event: dict) -> bool:
    """Send ``event`` to ``group``; False (and a warning in the log) when the layer cannot take it."""
    try:
        layer = get_channel_layer()
        if layer is None:
            return False
        async_to_sync(layer.group_send)(group, event)
        return True
    except Exception:  # Redis down, a full channel, a misconfigured layer: the change itself stands
        logger.warning("Could not push %s to %s", event.get("type"), group, exc_info=True)
        return False
