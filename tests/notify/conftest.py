"""A fake GOV.UK Notify on loopback, and the transport pointed at it."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.notify_transport import NotifyTransport
from outbox.send import Mailer
from scripts.harness.notify_server import API_KEY, NotifyServer
from tests.chase.helpers import run_night
from tests.support import builders as b

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
NIGHT = date(2027, 3, 15)


@pytest.fixture
def notify_server():
    with NotifyServer() as server:
        yield server


def transport_for(server, key: str = API_KEY, **options) -> NotifyTransport:
    options.setdefault("sleep", lambda seconds: None)
    return NotifyTransport(lambda: key, TEMPLATE, base_url=server.url, timeout=1.0, **options)


def mailer_for(engine, transport) -> Mailer:
    return Mailer(
        engine=engine,
        transport=transport,
        sender="mappa-tracker@justice.gov.uk",
        allowed_domains=("justice.gov.uk",),
        digest_for=lambda code: True,
        sleep=lambda seconds: None,
    )


@pytest.fixture
def two_cases(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13), first_name="Zebedee", last_name="Quarrington")
    b.prisoner(engine, "B2345CD", crd=date(2027, 10, 1), first_name="Ottoline", last_name="Farquharson")
    run_night(engine, NIGHT)
    return engine
