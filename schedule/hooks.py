"""
What higher apps do when a booking changes, without the schedule importing them (see ARCHITECTURE.md):
the payments app refunds a cancelled or no-show session, the mailings app adds a new client. An app
registers its callbacks once, from its ``AppConfig.ready``; the schedule calls them inside its own
transaction, so a callback that raises (``BookingError`` with a message for the user) undoes the
change it was told about.
"""

from collections.abc import Callable

CANCELLED = "cancelled"  # (booking, by, now): a confirmed booking was cancelled before its start
NO_SHOW = "no_show"  # (booking, by, now): one side said the other did not come
MOVED = "moved"  # (booking, by, previous_start, now): a confirmed booking moved to another time
HOLD_RELEASED = "hold_released"  # (booking, now): a hold ran out (or its people left) unpaid
CONFIRMED = "confirmed"  # (booking): a booking was made (or its hold paid for): both sides are told

# (booking): may either side still report the other missing? A callback returns why not (a message for the
# user) or None: the reviews app refuses once the client has reviewed the session, which says it took place.
NO_SHOW_REFUSAL = "no_show_refusal"

_callbacks: dict[str, list[Callable]] = {
    event: [] for event in (CANCELLED, NO_SHOW, MOVED, HOLD_RELEASED, CONFIRMED, NO_SHOW_REFUSAL)
}


def register(event: str, callback: Callable) -> None:
    if callback not in _callbacks[event]:
        _callbacks[event].append(callback)


def fire(event: str, **facts) -> None:
    for callback in _callbacks[event]:
        callback(**facts)


def refusal(event: str, **facts) -> str | None:
    """The first refusal a callback of ``event`` gives, or None when every one agrees."""
    for callback in _callbacks[event]:
        if message := callback(**facts):
            return message
    return None
