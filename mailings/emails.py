"""
Mailing emails, written to the outbox (``post_office.Email``) and delivered like every other email by
``schedule.delivery``: retries with backoff, 4xx temporary, 5xx permanent, one ``Log`` row per attempt.

A run renders its message once (the Markdown, the layout and the footer, in the mentor's language),
then fills in each recipient's name and unsubscribe link, so queueing thousands is string work, not
template work. Every email carries ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058), a
Reply-To of the mentor, and goes at low priority: booking mail never waits behind a mailing.
"""

import dataclasses
from email.header import decode_header, make_header
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from post_office.models import PRIORITY, STATUS, Email

from core.mail import KIND_HEADER, MAILING
from mailings import formatting
from schedule.emails import new_message_id

UNSUBSCRIBE_SALT = "mailings.unsubscribe"
RUN_HEADER = "X-Mentorship-Mailing-Run"
_LINK = "MAILINGUNSUBSCRIBELINK"  # stands for each recipient's own link in the layout rendered once


def unsubscribe_token(*, mentor_id: int, email: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object([mentor_id, email.lower()], compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    """(mentor id, address) of a genuine link, or None."""
    try:
        mentor_id, email = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(mentor_id, int) or not isinstance(email, str):
        return None
    return mentor_id, email


def unsubscribe_url(*, mentor_id: int, email: str) -> str:
    token = unsubscribe_token(mentor_id=mentor_id, email=email)
    return f"{settings.SITE_URL}{reverse('mailings:unsubscribe', args=[token])}"


@dataclasses.dataclass
class Prepared:
    """A run's message rendered once, with holes for each recipient."""

    subject: str
    text: str
    html: str
    from_email: str
    reply_to: str
    mentor_id: int
    mentor_name: str
    run_id: int


def prepare(*, message, mentor, run_id: int) -> Prepared:
    body_html = formatting.to_html(message.body)
    context = {
        "mentor": mentor,
        "body_text": message.body,
        "body_html": mark_safe(body_html),  # cleaned by nh3 (formatting.to_html): the one audited spot
        "unsubscribe_url": _LINK,
        "site_url": settings.SITE_URL,
    }
    with translation.override(mentor.language):
        text = render_to_string("emails/mailing.txt", context)
        html = render_to_string("emails/mailing.html", context)
        sender = gettext("%(name)s via %(site)s") % {"name": mentor.display_name, "site": settings.MAILINGS_SENDER_NAME}
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = formatting.one_line(sender)
    return Prepared(
        subject=formatting.one_line(message.subject),
        text=text,
        html=html,
        from_email=formataddr((name, address)),
        reply_to=mentor.email,
        mentor_id=mentor.pk,
        mentor_name=mentor.display_name,
        run_id=run_id,
    )


def outbox_row(prepared: Prepared, *, address: str, full_name: str) -> Email:
    """The outbox email for one recipient (not saved: the caller creates a batch at once)."""
    values = {
        "first_name": (full_name.split() or [""])[0],
        "full_name": full_name,
        "mentor_name": prepared.mentor_name,
    }
    link = unsubscribe_url(mentor_id=prepared.mentor_id, email=address)
    text = formatting.fill(prepared.text, values).replace(_LINK, link)
    html = formatting.fill(prepared.html, values, html=True).replace(_LINK, link)
    return Email(
        from_email=prepared.from_email,
        to=[address],
        message_id=new_message_id(),  # the same on every attempt
        subject=formatting.one_line(formatting.fill(prepared.subject, values))[:255],
        message=text,
        html_message=html,
        headers={
            KIND_HEADER: MAILING,
            RUN_HEADER: str(prepared.run_id),
            "Reply-To": prepared.reply_to,
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Precedence": "bulk",
        },
        status=STATUS.queued,
        priority=PRIORITY.low,
    )


def preview(*, message, mentor, client_name: str, address: str) -> dict:
    """The email as one recipient will see it (subject, text, formatted), for the message page."""
    prepared = prepare(message=message, mentor=mentor, run_id=0)
    row = outbox_row(prepared, address=address, full_name=client_name)
    values = {
        "first_name": (client_name.split() or [""])[0],
        "full_name": client_name,
        "mentor_name": mentor.display_name,
    }
    body_html = formatting.fill(formatting.to_html(message.body), values, html=True)
    return {
        "subject": row.subject,
        "text": row.message,
        "body_html": mark_safe(body_html),  # cleaned by nh3, variables escaped: the same audited spot
        "from": _readable(row.from_email),
    }


def _readable(header: str) -> str:
    """An address header as people read it: "Ігор Мельник via …", not its encoded form (=?utf-8?b?…?=)."""
    name, address = parseaddr(header)
    name = str(make_header(decode_header(name))) if name else ""
    return f"{name} <{address}>" if name else address
