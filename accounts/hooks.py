"""
What higher apps do when a person's access changes, without accounts importing them (see ARCHITECTURE.md):
the api app revokes the person's tokens when they are blocked or leave. Registered from ``AppConfig.ready``;
called inside the accounts service's transaction.
"""

from collections.abc import Callable

ACCESS_ENDED = "access_ended"  # (user, now): blocked, or asked to delete the account: their credentials go

_callbacks: dict[str, list[Callable]] = {ACCESS_ENDED: []}


def register(event: str, callback: Callable) -> None:
    if callback not in _callbacks[event]:
        _callbacks[event].append(callback)


def fire(event: str, **facts) -> None:
    for callback in _callbacks[event]:
        callback(**facts)
