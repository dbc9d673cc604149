"""
Pushing to open pages through the channel layer. A push follows a committed change (a message, a
notification) whose row is already stored, so a layer that is down is logged and never raised: the
page catches up over HTTP when its socket reconnects.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


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
