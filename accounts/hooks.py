"""
What higher apps do when a person's access changes, without accounts importing them (see ARCHITECTURE.md):
the api app revokes the person's tokens when they are blocked or leave, or are given a staff role;
each app exports its part of a person's data, and erases it when they have left. Registered from
``AppConfig.ready`` (so called in ``INSTALLED_APPS`` order); called inside the accounts service's
transaction.
"""

from collections.abc import Callable

ACCESS_ENDED = "access_ended"  # (user, now): blocked, or asked to delete the account: their credentials go

# (user): given a staff role. What they made before as a plain member, without a second factor, must not
# carry the role's powers: their API tokens go (a staff member makes new ones behind MFA).
STAFF_ROLE_GIVEN = "staff_role_given"

# (user, addresses, requested_at, now): the grace period after asking to leave is over and the account is
# being anonymised. Each app erases what the person wrote or named there (``addresses``: every address
# they had; ``requested_at``: when they asked). No callback sends mail to the person: the mail pipeline
# forgets what is queued to ``addresses`` in its own callback, whatever the order.
PERSON_ERASED = "person_erased"

# (user, now): the person asked to delete their account (PERSON_LEFT) or kept it within the grace period
# (PERSON_STAYED): their sessions to come are cancelled; pages that show them are drawn afresh.
PERSON_LEFT = "person_left"
PERSON_STAYED = "person_stayed"

# (user, by, now): staff blocked the person. Their sessions to come are cancelled by ``by`` (clients are
# refunded in full, as for any cancellation by staff): a blocked person can attend none of them.
PERSON_BLOCKED = "person_blocked"

# (user, now): the person's time zone changed. A mentor's weekly hours are in their zone: their free times
# move with it at once.
TIMEZONE_CHANGED = "timezone_changed"

# (user) -> {section: data}: "Download my data"; each app gives its part (``collect`` merges them, in
# registration order), in a fixed number of queries whatever the number of rows.
PERSON_EXPORTED = "person_exported"

# (user) -> {key: note}: before the person asks to leave, what they would lose that they can still act
# on (unused package sessions to refund); notes are safe HTML, shown on the "Your data and leaving" page.
LEAVING_WARNINGS = "leaving_warnings"

_callbacks: dict[str, list[Callable]] = {
    event: []
    for event in (
        ACCESS_ENDED,
        STAFF_ROLE_GIVEN,
        PERSON_ERASED,
        PERSON_LEFT,
        PERSON_STAYED,
        TIMEZONE_CHANGED,
        PERSON_BLOCKED,
        PERSON_EXPORTED,
        LEAVING_WARNINGS,
    )
}


def register(event: str, callback: Callable) -> None:
    if callback not in _callbacks[event]:
        _callbacks[event].append(callback)


def fire(event: str, **facts) -> None:
    for callback in _callbacks[event]:
        callback(**facts)


def collect(event: str, **facts) -> dict:
    """Every callback's dict, merged in registration order (``PERSON_EXPORTED``, ``LEAVING_WARNINGS``)."""
    merged: dict = {}
    for callback in _callbacks[event]:
        merged.update(callback(**facts))
    return merged
