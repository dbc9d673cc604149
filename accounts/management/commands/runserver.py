"""
``runserver`` (WhiteNoise's, which leaves static files to WhiteNoise) that ends its start-up output
with what a newcomer needs: the address and, in development with the demo data loaded, the logins.
"""

from django.conf import settings
from whitenoise.runserver_nostatic.management.commands.runserver import Command as WhiteNoiseRunserver

from accounts.management.commands import seed_demo
from accounts.models import User


class Command(WhiteNoiseRunserver):
    def on_bind(self, server_port):
        super().on_bind(server_port)
        if not settings.DEBUG:
            return
        host = f"[{self.addr}]" if self._raw_ipv6 else self.addr
        lines = ["", f"  Open http://{host}:{server_port}/"]
        demo = list(User.objects.filter(email__in=seed_demo.DEMO_LOGINS).values_list("email", flat=True))
        if demo:
            lines.append(f"  Demo logins (password {seed_demo.PASSWORD}):")
            lines += [
                f"    {seed_demo.DEMO_LOGINS[email]:<7} {email}" for email in seed_demo.DEMO_LOGINS if email in demo
            ]
            if seed_demo.STAFF_EMAIL in demo:
                lines.append(f"  Staff sign-in asks for an authenticator code: secret {seed_demo.STAFF_TOTP_SECRET}")
        if settings.EMAIL_FILE_PATH:
            lines.append(f"  Emails are written to {settings.EMAIL_FILE_PATH}/")
        self.stdout.write("\n".join(lines) + "\n")
