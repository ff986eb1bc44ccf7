"""Delivering the outbox through a real SMTP server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

import outbox.send
from db.models import Delivery, Notice
from db.session import session_factory
from notifications.smtp_transport import SmtpTransport
from outbox.send import Mailer, deliver
from tests.chase.helpers import run_night
from tests.support import builders as b

ALLOWED = ("justice.gov.uk",)
NIGHT = date(2027, 3, 15)


def mailer(engine, sink, **changes) -> Mailer:
    transport = SmtpTransport(sink.host, sink.port, security="none", timeout=changes.pop("timeout", 5))
    options = dict(
        engine=engine,
        transport=transport,
        sender="mappa-tracker@justice.gov.uk",
        allowed_domains=ALLOWED,
        digest_for=lambda code: True,
        sleep=lambda seconds: None,
    )
    return Mailer(**{**options, **changes})


def statuses(engine) -> dict[str, str]:
    with session_factory(engine)() as session:
        return {n.key: n.status for n in session.scalars(select(Notice).order_by(Notice.id))}


@pytest.fixture
def two_cases(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    b.prisoner(engine, "B2345CD", crd=date(2027, 10, 1))
    run_night(engine, NIGHT)
    return engine


def test_one_digest_per_recipient_with_the_notices_header(two_cases, smtp_sink):
    report = deliver(mailer(two_cases, smtp_sink), "run-1")
    by_recipient = {m["To"]: m for m in smtp_sink.messages}
    assert set(by_recipient) == {"com.one@justice.gov.uk", "omu.dmi@justice.gov.uk"}
    com = by_recipient["com.one@justice.gov.uk"]
    assert com["X-MAPPA-Notices"] == "B2345CD/request, A1234BC/request"  # earliest release first
    assert com["Reply-To"] == "omu.dmi@justice.gov.uk" and com["Message-ID"]
    assert {part.get_content_type() for part in com.walk()} >= {"text/plain", "text/html"}
    assert report.messages == 2 and set(statuses(two_cases).values()) == {"sent"}
    with session_factory(two_cases)() as session:
        assert all(n.message_id and n.sent_at for n in session.scalars(select(Notice)))


def test_a_second_delivery_sends_nothing_again(two_cases, smtp_sink):
    deliver(mailer(two_cases, smtp_sink), "run-1")
    deliver(mailer(two_cases, smtp_sink), "run-2")
    assert len(smtp_sink.messages) == 2


def test_server_down_for_a_night_then_everything_goes_once(two_cases, smtp_sink):
    smtp_sink.stop()
    down = deliver(mailer(two_cases, smtp_sink), "night-1")
    assert down.undelivered == 4 and down.messages == 0
    assert set(statuses(two_cases).values()) == {"pending"}
    smtp_sink.start()
    back = deliver(mailer(two_cases, smtp_sink), "night-2")
    assert back.messages == 2 and len(smtp_sink.messages) == 2
    assert set(statuses(two_cases).values()) == {"sent"}


def test_a_4xx_is_retried_and_then_succeeds(two_cases, smtp_sink):
    smtp_sink.fail_with(451, "4.3.0 try again later", times=1)
    report = deliver(mailer(two_cases, smtp_sink), "run-1")
    assert report.undelivered == 0 and len(smtp_sink.messages) == 2
    with session_factory(two_cases)() as session:
        assert max(d.attempts for d in session.scalars(select(Delivery))) == 1


def test_a_5xx_fails_with_the_servers_answer(two_cases, smtp_sink):
    smtp_sink.fail_with(550, "5.7.1 relaying denied", times=1)
    report = deliver(mailer(two_cases, smtp_sink), "run-1")
    assert report.counts["failed"] >= 1 and "550" in report.why()
    with session_factory(two_cases)() as session:
        failed = session.scalars(select(Notice).where(Notice.status == "failed")).all()
        assert failed and "relaying denied" in failed[0].last_error


def test_a_slow_server_times_out_and_stays_pending(two_cases, smtp_sink):
    smtp_sink.delay(3, times=10)
    report = deliver(mailer(two_cases, smtp_sink, timeout=0.5, attempts=1), "run-1")
    assert report.messages == 0 and report.counts["retry-later"] == 4
    assert set(statuses(two_cases).values()) == {"pending"}


def test_a_recipient_outside_the_allow_list_is_held_blocked(engine, smtp_sink):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    with session_factory(engine)() as session, session.begin():
        from db.models import Allocation

        session.get(Allocation, "A1234BC").com_email = "someone@gmail.com"
    run_night(engine, NIGHT)
    report = deliver(mailer(engine, smtp_sink), "run-1")
    assert report.blocked == [
        {
            "prison_number": "A1234BC",
            "step": "request",
            "reason": "domain gmail.com is not in MAPPA_ALLOWED_RECIPIENT_DOMAINS",
        }
    ]
    assert [m["To"] for m in smtp_sink.messages] == ["omu.dmi@justice.gov.uk"]
    assert statuses(engine) == {"A1234BC/request/1": "blocked"}


def test_header_injection_through_a_name_is_impossible(engine, smtp_sink):
    b.durham(engine)
    b.prisoner(
        engine,
        "A1234BC",
        crd=date(2027, 10, 13),
        first_name="Eve\r\nBcc: x@example.com",
        last_name="<script>alert(1)</script>",
    )
    run_night(engine, NIGHT)
    deliver(mailer(engine, smtp_sink), "run-1")
    assert len(smtp_sink.messages) == 2
    for message, envelope in zip(smtp_sink.messages, smtp_sink.envelopes):
        assert message["Bcc"] is None and len(envelope.rcpt_tos) == 1
        html = message.get_body(("html",)).get_content().lower()  # surnames are shown in capitals
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_information_arriving_before_sending_cancels_the_notice(engine, smtp_sink):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 3, 15))
    deliver(mailer(engine, smtp_sink), "run-1")
    run_night(engine, date(2027, 4, 13))  # the reminder is queued...
    b.information(engine, "A1234BC", category=2, level=1, on=date(2027, 4, 13))
    with session_factory(engine)() as session, session.begin():
        from db.models import Case

        session.get(Case, "A1234BC").closed_state = "complete"  # ...and the case closes before the mailer runs
    smtp_sink.clear()
    deliver(mailer(engine, smtp_sink), "run-2")
    assert smtp_sink.messages == []
    assert statuses(engine)["A1234BC/reminder"] == "cancelled"


def _notices(engine) -> list[tuple]:
    columns = (Notice.id, Notice.status, Notice.attempts, Notice.last_error, Notice.sent_at, Notice.message_id)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(*columns).order_by(Notice.id))]


def test_each_notice_is_left_as_a_roll_up_from_its_copies_would_leave_it_whatever_happened(
    engine, smtp_sink, monkeypatch
):
    """The run's ledger (notices whose every copy it holds) and the table's roll-up (the rest) agree:
    a copy blocked, one failed for good, the rest sent, then a second run holding only some copies."""
    from db.models import Allocation
    from outbox.record import roll_up

    b.durham(engine)
    for number, crd in (("A1234BC", date(2027, 10, 13)), ("B2345CD", date(2027, 10, 1)), ("C3456DE", date(2027, 9, 1))):
        b.prisoner(engine, number, crd=crd)
    with session_factory(engine)() as session, session.begin():
        session.get(Allocation, "C3456DE").com_email = "someone@gmail.com"
    run_night(engine, NIGHT)
    smtp_sink.fail_with(550, "5.7.1 relaying denied", times=1)
    first = deliver(mailer(engine, smtp_sink, digest_for=lambda code: False), "run-1")
    assert first.counts["sent"] and first.counts["failed"] and first.counts["blocked"]
    with session_factory(engine)() as session, session.begin():  # one failed copy is sent again next run
        again = session.scalars(select(Delivery).where(Delivery.status == "failed")).first()
        again.status = "pending"
        others = list(
            session.scalars(select(Delivery.id).where(Delivery.notice_id == again.notice_id, Delivery.id != again.id))
        )
    assert others

    def bounced_meanwhile(name: str) -> None:  # a copy the run does not hold changes under it
        if name == "deliver.after-send":
            with engine.begin() as connection:
                connection.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(others))
                    .values(status="bounced", last_error="550 5.1.1 mailbox unknown")
                )

    monkeypatch.setattr(outbox.send, "failpoint", bounced_meanwhile)
    second = deliver(mailer(engine, smtp_sink, digest_for=lambda code: False), "run-2")
    assert second.counts == {"sent": 1}
    held = _notices(engine)
    assert {status for _, status, *rest in held} >= {"sent", "blocked"}
    with engine.begin() as connection:
        roll_up(connection, [row[0] for row in held])
    assert _notices(engine) == held
    assert any(row[3] == "550 5.1.1 mailbox unknown" for row in held)  # the bounce reached its notice
