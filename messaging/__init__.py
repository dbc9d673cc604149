"""Messages between a mentor and a mentee: one conversation per pair, live over a WebSocket."""

MESSAGE_KIND = "message"  # the notification kind of a new message (see apps.MessagingConfig.ready)
REPORT_HANDLED_KIND = "conversation_report_handled"  # staff looked into a person's report (in-app only)
