"""Test helpers for the outbox: rows are rendered at delivery, so tests render them the same way."""

from post_office.models import Email

from schedule import emails


def queued(kind: str) -> list[Email]:
    return [e for e in Email.objects.order_by("id") if (e.headers or {}).get(emails.KIND_HEADER) == kind]


def rendered(email: Email):
    """The message that delivery would send for this outbox row (an EmailMultiAlternatives)."""
    return emails.prepare([email])[email.pk]


def invite(message) -> bytes:
    [(name, content, mimetype)] = message.attachments
    assert name == "invite.ics" and mimetype.startswith("text/calendar")
    return content if isinstance(content, bytes) else content.encode()
