"""A real SMTP server (aiosmtpd) on a free local port, and a test event kind."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from pmo.notifications import registry
from pmo.notifications.models import Channel


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message) per message."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.fail_next = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return "451 try again later"
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]

    def delivery_ids(self):
        return [m["X-PMO-Delivery"] for _, m in self.messages]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def kind():
    """A registered kind ``test.ping`` (default e-mail), removed afterwards."""
    registry.register_kind("test.ping", "A test ping", default=Channel.EMAIL)
    yield "test.ping"
    registry.KINDS.pop("test.ping", None)
