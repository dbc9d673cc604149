"""The mailings' part of "Download my data" (``accounts.hooks.PERSON_EXPORTED``), in three queries."""

from accounts.models import User
from core.exports import utc
from mailings.models import Client, Mailing, Message


def _client(client: Client) -> dict:
    """
    A contact the mentor added by hand is theirs, as they typed it; a client who booked them is
    another person's account, so by display name only (as in bookings).
    """
    if client.is_manual:
        return {
            "email": client.email,
            "full_name": client.full_name,
            "comment": client.comment,
            "booked_you": False,
            "added_at": utc(client.created_at),
        }
    return {
        "name": client.user.display_name,
        "comment": client.comment,
        "booked_you": True,
        "added_at": utc(client.created_at),
    }


def person_sections(*, user: User, **_facts) -> dict:
    """A mentor's mailing clients, messages and mailings."""
    clients = Client.objects.filter(mentor=user).select_related("user").order_by("created_at", "pk")
    mailings = Mailing.objects.filter(mentor=user).select_related("message").order_by("created_at", "pk")
    return {
        "mailing_clients": [_client(client) for client in clients],
        "mailing_messages": [
            {"subject": message.subject, "text": message.body, "written_at": utc(message.created_at)}
            for message in Message.objects.filter(mentor=user).order_by("created_at", "pk")
        ],
        "mailings": [
            {
                "message": mailing.message.subject,
                "to_all_clients": mailing.all_clients,
                "repeat": mailing.period,
                "start": utc(mailing.start_at),
                "end": utc(mailing.end_at),
                "status": mailing.status,
            }
            for mailing in mailings
        ],
    }
