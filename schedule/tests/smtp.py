"""A real SMTP server for tests (aiosmtpd on a free local port), whose replies a test can script."""

import asyncio
import contextlib
import socket
import threading

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedHandler:
    """
    Replies to DATA with the next scripted reply ("250 ..." when the script is empty), after
    ``delay`` seconds (a slow server). ``received`` keeps every message offered, ``messages`` the accepted.
    """

    def __init__(self):
        self.replies: list[str] = []
        self.messages: list[bytes] = []
        self.received: list[bytes] = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        if self.delay:
            await asyncio.sleep(self.delay)
        reply = self.replies.pop(0) if self.replies else "250 2.0.0 Message accepted"
        if reply.startswith("250"):
            self.messages.append(envelope.content)
        return reply


class SMTPServer:
    def __init__(self):
        self.handler = ScriptedHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages


@contextlib.contextmanager
def silent_server():
    """Accepts TCP connections and never says a word (the SMTP greeting never comes)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
