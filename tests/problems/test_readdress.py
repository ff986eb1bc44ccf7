"""An e-mail held for a bad address goes to the corrected address on the next night, once (both databases)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from chase.readdress import readdress
from db.models import Delivery, Establishment
from db.session import session_factory, transaction
from outbox.send import deliver
from tests.chase.helpers import BOOK, run_night
from tests.outbox.test_delivery import mailer
from tests.support import builders as b


def copies(engine) -> dict[str, str]:
    with session_factory(engine)() as session:
        return {d.address: d.status for d in session.scalars(select(Delivery).order_by(Delivery.id))}


def test_a_corrected_omu_mailbox_gets_the_held_copy_once(engine, smtp_sink):
    b.durham(engine)
    with transaction(engine) as session:
        session.get(Establishment, "DMI").omu_mailbox = "omu.durham@gmail.com"
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 3, 15))
    deliver(mailer(engine, smtp_sink), "night-1")
    assert copies(engine)["omu.durham@gmail.com"] == "blocked"
    assert readdress(engine, BOOK, date(2027, 3, 16)) == 0  # nothing corrected yet: nothing moves
    with transaction(engine) as session:
        session.get(Establishment, "DMI").omu_mailbox = "omu.durham@justice.gov.uk"
    assert readdress(engine, BOOK, date(2027, 3, 16)) == 1
    smtp_sink.clear()
    deliver(mailer(engine, smtp_sink), "night-2")
    assert [m["To"] for m in smtp_sink.messages] == ["omu.durham@justice.gov.uk"]
    assert copies(engine)["omu.durham@gmail.com"] == "readdressed"
    assert readdress(engine, BOOK, date(2027, 3, 17)) == 0  # once
    smtp_sink.clear()
    deliver(mailer(engine, smtp_sink), "night-3")
    assert smtp_sink.messages == []
