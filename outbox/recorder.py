"""Recording each sent e-mail in a commit of its own, at the least cost each database allows.

A crash loses at most the e-mail in flight, so every e-mail's record is committed before the next is
sent: 1,800 commits on a national night. Through SQLAlchemy Core each was BEGIN, the copies' update,
the notices' roll-up and COMMIT, with the statement machinery around each. When the run's ledger holds
every copy of the e-mail's notices (every night but one that races a re-addressing, or one through
GOV.UK Notify), the roll-up is known without reading, and the record is written directly:

* PostgreSQL: one statement (a data-modifying CTE) in its own transaction, sent in pipeline mode:
  the server runs it while the next e-mail is rendered, and `settle` (called before the next e-mail
  is sent) commits it and waits for that. Where BEGIN, the two updates and COMMIT were four round
  trips, each waited for, an e-mail now waits for a commit only.
* SQLite: the two updates and the commit on the driver's own connection, in one BEGIN IMMEDIATE
  (what the engine's "begin" listener issues), without SQLAlchemy's per-statement work.

Anything else goes through `Ledger.mark_sent` and `Ledger.roll_up` in one SQLAlchemy transaction.
Both ways write the same columns to the same values (tests/outbox/test_recorder.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from config.failpoints import failpoint
from outbox.record import DELIVERIES, Ledger

if TYPE_CHECKING:
    import psycopg

_POSTGRES_SENT = """
WITH sent AS (
    UPDATE deliveries
    SET status = 'sent', claimed_by = NULL, claimed_at = NULL, attempts = attempts + 1,
        message_id = %(message_id)s, sent_at = %(sent_at)s
    WHERE id = ANY(%(delivery_ids)s::integer[])
)
UPDATE notices AS n
SET status = v.status, attempts = v.attempts, last_error = v.last_error, sent_at = v.sent_at,
    message_id = v.message_id
FROM unnest(%(id)s::integer[], %(status)s::varchar[], %(attempts)s::integer[], %(last_error)s::text[],
            %(sent)s::timestamptz[], %(lead)s::varchar[]) AS v(id, status, attempts, last_error, sent_at, message_id)
WHERE n.id = v.id
"""
_SQLITE_COPIES_SENT = (
    "UPDATE deliveries SET status = 'sent', claimed_by = NULL, claimed_at = NULL, attempts = attempts + 1, "
    "message_id = ?, sent_at = ? WHERE id = ?"
)
_SQLITE_ROLLED_UP = (
    "UPDATE notices SET status = ?, attempts = ?, last_error = ?, sent_at = ?, message_id = ? WHERE id = ?"
)


class Recorder:
    """Open with `Recorder.open(engine, ledger)` around a delivery loop; `settle` before each e-mail is
    sent, `sent` after it. Leaving it settles the last record."""

    def __init__(
        self,
        ledger: Ledger,
        connection: Connection,
        direct: Callable[..., None] | None,
        settle: Callable[[], None] | None = None,
    ):
        self.ledger, self.connection, self._direct, self._settle = ledger, connection, direct, settle
        self._unsettled = False

    @classmethod
    @contextmanager
    def open(cls, engine: Engine, ledger: Ledger) -> Iterator[Recorder]:
        with engine.connect() as connection:
            if not ledger.holds_any():
                yield cls(ledger, connection, None)
            elif engine.dialect.name == "postgresql":
                with engine.connect() as autocommit:
                    raw = autocommit.execution_options(isolation_level="AUTOCOMMIT").connection.driver_connection
                    with raw.pipeline() as pipeline:
                        recorder = cls(ledger, connection, _postgres(raw), pipeline.sync)
                        yield recorder
                        recorder.settle()  # (after an error, leaving the pipeline still commits what went)
            elif engine.dialect.name == "sqlite":
                yield cls(ledger, connection, _sqlite(connection))
            else:
                yield cls(ledger, connection, None)

    def sent(
        self,
        delivery_ids: list[int],
        notice_ids: Iterable[int],
        message_id: str,
        sent_at: datetime,
        also: Callable[[Connection], None] | None = None,
    ) -> None:
        """Mark the copies sent and roll their notices up, committed; `also` writes more in the same
        transaction (GOV.UK Notify's id)."""
        notices = set(notice_ids)
        if self._direct is not None and also is None and self.ledger.holds(notices):
            summaries = self.ledger.sent_in_memory(delivery_ids, notices, message_id, sent_at)
            self._direct(delivery_ids, message_id, sent_at, summaries)
            self._unsettled = self._settle is not None
            if not self._unsettled:
                failpoint("deliver.after-record")
            return
        self.settle()
        with self.connection.begin():
            self.ledger.mark_sent(self.connection, delivery_ids, message_id, sent_at)
            if also is not None:
                also(self.connection)
            self.ledger.roll_up(self.connection, notices)
        failpoint("deliver.after-record")

    def settle(self) -> None:
        """Wait until the last e-mail's record is committed: before the next e-mail is sent."""
        if self._unsettled and self._settle is not None:
            self._settle()
            self._unsettled = False
            failpoint("deliver.after-record")


def _postgres(raw: psycopg.Connection) -> Callable[..., None]:
    """On the driver's connection, in autocommit and pipeline mode: `execute` sends, `sync` waits."""

    def write(delivery_ids: list[int], message_id: str, sent_at: datetime, summaries: list[dict]) -> None:
        parameters = {"message_id": message_id, "sent_at": sent_at, "delivery_ids": delivery_ids}
        parameters["id"] = [s["notice_id"] for s in summaries]
        parameters.update({name: [s[name] for s in summaries] for name in ("status", "attempts", "last_error")})
        parameters["sent"] = [s["sent_at"] for s in summaries]
        parameters["lead"] = [s["message_id"] for s in summaries]
        raw.execute(_POSTGRES_SENT, parameters)

    return write


def _sqlite(connection: Connection) -> Callable[..., None]:
    """On the loop's own connection, between its SQLAlchemy transactions (never inside one)."""
    dialect = connection.dialect
    # Both tables' sent_at are UTCDateTime: naive UTC text, as SQLAlchemy itself would store it.
    as_stored = DELIVERIES.c.sent_at.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)

    def write(delivery_ids: list[int], message_id: str, sent_at: datetime, summaries: list[dict]) -> None:
        raw = connection.connection.driver_connection
        at = as_stored(sent_at)
        rolled = [
            (s["status"], s["attempts"], s["last_error"], as_stored(s["sent_at"]), s["message_id"], s["notice_id"])
            for s in summaries
        ]
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.executemany(_SQLITE_COPIES_SENT, [(message_id, at, i) for i in delivery_ids])
            raw.executemany(_SQLITE_ROLLED_UP, rolled)
            raw.execute("COMMIT")
        except BaseException:
            if raw.in_transaction:  # not when BEGIN itself failed (the lock not had): keep its error
                raw.execute("ROLLBACK")
            raise

    return write
