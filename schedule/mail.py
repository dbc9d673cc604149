"""An SMTP backend that remembers the server's reply, so the delivery log can show it."""

from django.core.mail.backends import smtp


class SMTPBackend(smtp.EmailBackend):
    last_response: str = ""

    def _send(self, email_message):
        self.last_response = ""
        connection = self.connection
        original_data = connection.data

        def data(msg):
            code, reply = original_data(msg)
            self.last_response = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            return code, reply

        connection.data = data
        try:
            return super()._send(email_message)
        finally:
            connection.data = original_data
