"""Mentor mailings: scheduled and periodic emails to a mentor's own clients."""

NOTIFY_DISABLED = "mailing_disabled"
NOTIFY_ENABLED = "mailing_enabled"
