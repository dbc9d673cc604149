"""Messages between a mentor and a mentee: one conversation per pair, live over a WebSocket."""

MESSAGE_KIND = "message"  # the notification kind of a new message (see apps.MessagingConfig.ready)
