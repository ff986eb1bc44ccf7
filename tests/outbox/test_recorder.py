"""outbox.recorder writes a sent e-mail directly (one PostgreSQL statement; SQLite's driver) exactly as
the SQLAlchemy path (Ledger.mark_sent + Ledger.roll_up) would, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, text

from db.models import Delivery, Notice
from notifications.local_transports import MemoryTransport
from outbox.claim import claim
from outbox.record import Ledger, roll_up
from outbox.recorder import Recorder
from outbox.send import Mailer, deliver
from tests.chase.helpers import run_night
from tests.support import builders as b

NIGHT = date(2027, 3, 15)
SENT_AT = datetime(2027, 3, 15, 2, 30, 15, 123456, tzinfo=UTC)


def _three_cases_queued(engine) -> None:
    b.durham(engine)
    for number, crd in (("A1234BC", date(2027, 10, 13)), ("B2345CD", date(2027, 10, 1)), ("C3456DE", date(2027, 9, 1))):
        b.prisoner(engine, number, crd=crd)
    run_night(engine, NIGHT)


def _claimed_night(engine):
    _three_cases_queued(engine)
    claimed = claim(engine, "recorder-test", SENT_AT)
    assert len({c.notice_id for c in claimed}) >= 3
    ledger = Ledger.of_claim(engine, (c.delivery_id for c in claimed), (c.notice_id for c in claimed))
    return claimed, ledger


def _by_notice(claimed) -> dict[int, list[int]]:
    copies: dict[int, list[int]] = {}
    for c in claimed:
        copies.setdefault(c.notice_id, []).append(c.delivery_id)
    return copies


def _rows(engine, model, columns):
    with engine.connect() as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(select(model.id, *columns).order_by(model.id))}


def test_both_ways_of_recording_a_sent_email_leave_the_same_rows(engine):
    claimed, ledger = _claimed_night(engine)
    direct = 0
    with Recorder.open(engine, ledger) as recorder:
        assert recorder._direct is not None, "a ledger holding every copy records directly"
        for turn, (notice_id, delivery_ids) in enumerate(sorted(_by_notice(claimed).items())):
            at = SENT_AT + timedelta(seconds=turn)
            if turn % 2:  # every other e-mail the SQLAlchemy way, on the same connection in between
                with recorder.connection.begin():
                    ledger.mark_sent(recorder.connection, delivery_ids, f"<m{turn}@justice.gov.uk>", at)
                    ledger.roll_up(recorder.connection, [notice_id])
            else:
                recorder.sent(delivery_ids, [notice_id], f"<m{turn}@justice.gov.uk>", at)
                direct += 1
    assert direct >= 2

    deliveries = _rows(
        engine,
        Delivery,
        (Delivery.status, Delivery.claimed_by, Delivery.attempts, Delivery.message_id, Delivery.sent_at),
    )
    for turn, (_, delivery_ids) in enumerate(sorted(_by_notice(claimed).items())):
        for delivery_id in delivery_ids:
            assert deliveries[delivery_id] == (
                "sent",
                None,
                1,
                f"<m{turn}@justice.gov.uk>",
                SENT_AT + timedelta(seconds=turn),
            )
    notice_columns = (Notice.status, Notice.attempts, Notice.last_error, Notice.sent_at, Notice.message_id)
    written = _rows(engine, Notice, notice_columns)
    with engine.begin() as connection:  # the table's own roll-up, from the copies as stored, changes nothing
        roll_up(connection, list(written))
    assert _rows(engine, Notice, notice_columns) == written
    assert {row[0] for row in written.values()} == {"sent"}


def test_the_direct_way_stores_times_as_sqlalchemy_does(engine):
    """The same stored form (SQLite has no timestamp type: text that must sort and compare alike)."""
    claimed, ledger = _claimed_night(engine)
    (first, first_ids), (second, second_ids), *_ = sorted(_by_notice(claimed).items())
    with Recorder.open(engine, ledger) as recorder:
        recorder.sent(first_ids, [first], "<direct@justice.gov.uk>", SENT_AT)
        with recorder.connection.begin():
            ledger.mark_sent(recorder.connection, second_ids, "<core@justice.gov.uk>", SENT_AT)
            ledger.roll_up(recorder.connection, [second])
    stored = "cast(sent_at as text)" if engine.dialect.name == "sqlite" else "sent_at"
    with engine.connect() as connection:
        for table in ("deliveries", "notices"):
            ids = (first_ids[0], second_ids[0]) if table == "deliveries" else (first, second)
            values = [
                connection.execute(text(f"select {stored} from {table} where id = :id"), {"id": i}).scalar_one()
                for i in ids
            ]
            assert values[0] == values[1], table


def test_a_transaction_of_the_caller_or_notify_goes_the_sqlalchemy_way(engine):
    """`also` (GOV.UK Notify's id) and a notice with a copy the run does not hold are written in one
    SQLAlchemy transaction: the direct way cannot hold them."""
    claimed, ledger = _claimed_night(engine)
    (notice_id, delivery_ids), *_ = sorted(_by_notice(claimed).items())
    written = []
    with Recorder.open(engine, ledger) as recorder:
        recorder._direct = lambda *args: written.append(args)
        recorder.sent(delivery_ids, [notice_id], "<also@justice.gov.uk>", SENT_AT, also=lambda connection: None)
        recorder.sent(delivery_ids, [notice_id, 10**9], "<unheld@justice.gov.uk>", SENT_AT)
    assert written == []
    assert _rows(engine, Delivery, (Delivery.message_id,))[delivery_ids[0]] == ("<unheld@justice.gov.uk>",)


class _Watching(MemoryTransport):
    """Sees, as each e-mail goes, how many copies the database already holds as sent."""

    def __init__(self, engine):
        super().__init__()
        self.engine, self.seen = engine, []

    def send(self, message) -> None:
        with self.engine.connect() as connection:
            self.seen.append(connection.execute(select(func.count()).where(Delivery.status == "sent")).scalar_one())
        super().send(message)


def test_each_emails_record_is_committed_before_the_next_email_goes(engine):
    """What keeps a crash to at most one e-mail sent twice, with PostgreSQL's records pipelined."""
    _three_cases_queued(engine)
    transport = _Watching(engine)
    mailer = Mailer(engine, transport, "mappa-tracker@justice.gov.uk", ("justice.gov.uk",), lambda code: False)
    report = deliver(mailer, "pipelined")
    assert report.messages >= 3
    with engine.connect() as connection:
        copies = dict(
            connection.execute(
                select(Delivery.message_id, func.count()).where(Delivery.status == "sent").group_by(Delivery.message_id)
            ).all()
        )
    sent_before, expected = 0, []
    for message in transport.sent:
        expected.append(sent_before)
        sent_before += copies[message["Message-ID"]]
    assert transport.seen == expected
