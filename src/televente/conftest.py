"""Fixtures shared by every app's tests.

The "world" fixture is a small company of two teams:

    team A (supervisor sup_a)            team B (supervisor sup_b)
      rep_a  --paired-->  field_a          rep_b
      rep_a2
    back office: bo_logistics (logistics)     admin: admin
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items) -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if IN_CI:
        raise pytest.UsageError(
            f"CI=true but Chromium is missing at {CHROMIUM}: run `make test` (it installs it)."
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; `make test` installs it with apt.")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a browser downloaded by Playwright.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=fr-FR",  # date inputs as a French user sees them (jj/mm/aaaa)
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "fr-FR"}


@dataclass
class World:
    team_a: object
    team_b: object
    sup_a: object
    sup_b: object
    rep_a: object
    rep_a2: object
    rep_b: object
    field_a: object
    bo_logistics: object
    admin: object


@pytest.fixture
def world(db) -> World:
    from televente.accounts.choices import BackOfficeService, Role
    from televente.accounts.tests.factories import TeamFactory, UserFactory

    sup_a = UserFactory(role=Role.SUPERVISOR, username="sup_a")
    sup_b = UserFactory(role=Role.SUPERVISOR, username="sup_b")
    team_a = TeamFactory(name="Équipe A", supervisor=sup_a)
    team_b = TeamFactory(name="Équipe B", supervisor=sup_b)
    field_a = UserFactory(role=Role.FIELD_REP, username="field_a", team=team_a)
    return World(
        team_a=team_a,
        team_b=team_b,
        sup_a=sup_a,
        sup_b=sup_b,
        rep_a=UserFactory(username="rep_a", team=team_a, paired_field_rep=field_a),
        rep_a2=UserFactory(username="rep_a2", team=team_a),
        rep_b=UserFactory(username="rep_b", team=team_b),
        field_a=field_a,
        bo_logistics=UserFactory(
            role=Role.BACK_OFFICE, service=BackOfficeService.LOGISTICS, username="bo_log"
        ),
        admin=UserFactory(role=Role.ADMIN, username="boss", is_staff=True, is_superuser=True),
    )


@pytest.fixture
def run_tasks():
    """Run every queued background task now, as `manage.py db_worker --batch` would."""
    from televente.core.testing import run_pending_tasks

    return run_pending_tasks


@pytest.fixture
def reference_data(db):
    """The rows data migrations load; transactional tests truncate tables, so reload them."""
    from televente.customers.models import Segment, Zone
    from televente.customers.reference import ensure_reference_data

    ensure_reference_data(Segment, Zone)


# A real SMTP server on loopback (aiosmtpd) ------------------------------------------------------


def _smtp_collector():
    from aiosmtpd.handlers import Message as MessageHandler

    class Collector(MessageHandler):
        """Keeps what it receives; refuses the next `refuse` messages with a temporary error."""

        def __init__(self) -> None:
            super().__init__()
            self.messages = []
            self.refuse = 0

        async def handle_DATA(self, server, session, envelope) -> str:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            return await super().handle_DATA(server, session, envelope)

        def handle_message(self, message) -> None:
            self.messages.append(message)

    return Collector()


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) the mail settings point to. `smtp.handler.messages` holds what
    it accepted; `smtp.handler.refuse = n` makes it refuse the next n messages (451)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(_smtp_collector(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "timeout": 5},
        }
    }
    yield controller
    controller.stop()
