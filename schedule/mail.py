"""
An SMTP backend that remembers the server's reply, so the delivery log can show it, and waits long
enough for the reply to the end of DATA.

A server may take minutes to accept a message once it has all of it (RFC 5321, 4.5.3.2.6, suggests
a 10-minute DATA termination timeout). Giving up after the short command timeout would record a
failure for a message the server then delivers, and the retry would deliver it a second time.
"""

from django.conf import settings
from django.core.mail.backends import smtp


class SMTPBackend(smtp.EmailBackend):
    last_response: str = ""

    def _send(self, email_message):
        self.last_response = ""
        connection = self.connection
        original_data = connection.data

        def data(msg):
            sock = connection.sock
            command_timeout = sock.gettimeout() if sock else None
            if sock:
                sock.settimeout(max(settings.EMAIL_DATA_TIMEOUT, command_timeout or 0))
            try:
                code, reply = original_data(msg)
            finally:
                if connection.sock:
                    connection.sock.settimeout(command_timeout)
            self.last_response = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            return code, reply

        connection.data = data
        try:
            return super()._send(email_message)
        finally:
            connection.data = original_data
