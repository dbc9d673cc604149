"""
State changes of mailings, by concern: clients and messages (``content``), a mailing's life from
creation to its end (``lifecycle``), and the runs that queue it to the outbox (``runs``). Every refusal
is a MailingError with a translated message, raised before anything is stored.
"""

from mailings.errors import MailingError
from mailings.services.content import (
    check_email,
    client_add,
    client_remove,
    client_update,
    clients_sync,
    message_delete,
    message_save,
    on_booking_confirmed,
    on_person_erased,
    unsubscribe,
    user_mailings_erase,
)
from mailings.services.lifecycle import (
    check_window,
    mailing_create,
    mailing_disable,
    mailing_enable,
    mailing_end,
    mailing_pause,
    mailing_resume,
    on_access_ended,
)
from mailings.services.runs import SendResult, mailings_send_due

__all__ = [
    "MailingError",
    "SendResult",
    "check_email",
    "check_window",
    "client_add",
    "client_remove",
    "client_update",
    "clients_sync",
    "mailing_create",
    "mailing_disable",
    "mailing_enable",
    "mailing_end",
    "mailing_pause",
    "mailing_resume",
    "mailings_send_due",
    "message_delete",
    "message_save",
    "on_access_ended",
    "on_booking_confirmed",
    "on_person_erased",
    "unsubscribe",
    "user_mailings_erase",
]
