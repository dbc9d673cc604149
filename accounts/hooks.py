"""
What higher apps do when a person's access changes, without accounts importing them (see ARCHITECTURE.md):
the api app revokes the person's tokens when they are blocked or leave, or are given a staff role.
Registered from ``AppConfig.ready``; called inside the accounts service's transaction.
"""

from collections.abc import Callable

ACCESS_ENDED = "access_ended"  # (user, now): blocked, or asked to delete the account: their credentials go

# (user): given a staff role. What they made before as a plain member, without a second factor, must not
# carry the role's powers: their API tokens go (a staff member makes new ones behind MFA).
STAFF_ROLE_GIVEN = "staff_role_given"

_callbacks: dict[str, list[Callable]] = {ACCESS_ENDED: [], STAFF_ROLE_GIVEN: []}


def register(event: str, callback: Callable) -> None:
    if callback not in _callbacks[event]:
        _callbacks[event].append(callback)


def fire(event: str, **facts) -> None:
    for callback in _callbacks[event]:
        callback(**facts)
