"""The password-change notice goes through a real SMTP server (aiosmtpd on loopback)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from televente.accounts import services
from televente.accounts.tests.factories import PASSWORD, UserFactory


class Collector(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_password_changed_email_reaches_a_real_smtp_server(settings, smtp_server, run_tasks):
    controller, handler = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 5},
        }
    }
    user = UserFactory(username="karim", email="karim@example.fr")
    services.user_change_password(user=user, old_password=PASSWORD, new_password="Un-nouveau-secret-9")
    run_tasks()
    assert len(handler.messages) == 1
    message = handler.messages[0]
    assert message["To"] == "karim@example.fr"
    assert "mot de passe" in message["Subject"].lower()
