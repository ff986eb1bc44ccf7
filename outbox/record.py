"""Recording what happened to each delivery, and rolling it up onto its notice.

Core statements on the tables, not ORM objects: delivery records every e-mail in its own commit, and
these functions are most of that commit's cost. `db` is a Session or a Connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.orm import Session

from db.bulk import one_of, update_rows
from db.models import Delivery, Notice

DELIVERIES = Delivery.__table__
ERROR_LIMIT = 2000  # characters of a delivery error kept
NOTICES = Notice.__table__
_COPIES = select(
    DELIVERIES.c.notice_id,
    DELIVERIES.c.status,
    DELIVERIES.c.role,
    DELIVERIES.c.attempts,
    DELIVERIES.c.last_error,
    DELIVERIES.c.sent_at,
    DELIVERIES.c.message_id,
).order_by(DELIVERIES.c.id)
_SUMMARISE = update(NOTICES).where(NOTICES.c.id == bindparam("notice_id"))
_OF_NOTICES = _COPIES.where(DELIVERIES.c.notice_id.in_(bindparam("notice_ids", expanding=True)))
# Built once: constructing the statement cost as much as running it, once per e-mail sent. One row
# per parameter set, not `IN (...)`: an expanding IN is rewritten into new SQL on every execution, which
# was half of recording a sent e-mail; an e-mail has one to three copies.
_SENT = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("delivery_id"))
    .values(
        status="sent",
        claimed_by=None,
        claimed_at=None,
        attempts=DELIVERIES.c.attempts + 1,
        message_id=bindparam("sent_message_id", type_=DELIVERIES.c.message_id.type),
        sent_at=bindparam("sent_on", type_=DELIVERIES.c.sent_at.type),
    )
)


def mark(
    db: Session | Connection,
    delivery_ids: Iterable[int],
    status: str,
    *,
    error: str | None = None,
    message_id: str | None = None,
    sent_at: datetime | None = None,
    attempts: int = 0,
) -> None:
    ids = list(delivery_ids)
    if not ids:
        return
    values = {"status": status, "claimed_by": None, "claimed_at": None, "attempts": DELIVERIES.c.attempts + attempts}
    if error is not None:
        values["last_error"] = error[:ERROR_LIMIT]
    if message_id is not None:
        values.update(message_id=message_id, sent_at=sent_at)
    db.execute(update(DELIVERIES).where(DELIVERIES.c.id.in_(ids)).values(**values))


def mark_sent(db: Session | Connection, delivery_ids: list[int], message_id: str, sent_at: datetime) -> None:
    """mark(db, ids, "sent", message_id=..., sent_at=..., attempts=1), the statement prepared once."""
    if delivery_ids:
        db.execute(_SENT, [{"delivery_id": i, "sent_message_id": message_id, "sent_on": sent_at} for i in delivery_ids])


def roll_up(db: Session | Connection, notice_ids: Iterable[int]) -> None:
    """A notice is sent when every copy went; failed or blocked if any copy did; else still pending."""
    ids = list(set(notice_ids))
    if not ids:
        return
    by_notice: dict[int, list] = defaultdict(list)
    for copy in db.execute(_OF_NOTICES, {"notice_ids": ids}):
        by_notice[copy.notice_id].append(copy)
    updates = [_summary(notice_id, copies) for notice_id, copies in by_notice.items()]
    if updates:
        db.execute(_SUMMARISE, updates)


@dataclass(slots=True)
class Copy:
    """One delivery as `_summary` reads it."""

    notice_id: int
    status: str
    role: str
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None


class Ledger:
    """Every copy of the notices one delivery run claimed, as stored, then as the run changes them.

    A notice all of whose copies the run holds (claimed, so nobody else may change them) is rolled up
    from here, without reading its copies back: on a national night that read was one of each
    e-mail's four round trips to PostgreSQL. Any other notice is rolled up by `roll_up`, from the
    table. The run changes its copies through `mark` and `mark_sent` here, which write the table and
    keep the ledger in step. A copy that another run adds to
    a held notice meanwhile (re-addressing a bounce) rolls the notice up again when it is delivered.
    """

    def __init__(self, copies: dict[int, Copy], held: set[int]):
        self._copies = copies  # delivery id -> copy, in id order
        self._held = held  # notices whose every copy this run holds
        self._of_notice: dict[int, list[Copy]] = defaultdict(list)
        for copy in copies.values():
            self._of_notice[copy.notice_id].append(copy)

    @classmethod
    def of_claim(cls, engine: Engine, delivery_ids: Iterable[int], notice_ids: Iterable[int]) -> Ledger:
        claimed, notices = set(delivery_ids), list(set(notice_ids))
        if not notices:
            return cls.empty()
        with engine.connect() as connection:
            rows = connection.execute(
                _COPIES.add_columns(DELIVERIES.c.id).where(one_of(connection, DELIVERIES.c.notice_id, notices))
            ).all()
        copies = {row.id: Copy(*row[:-1]) for row in rows}
        unheld = {row.notice_id for row in rows if row.id not in claimed}
        return cls(copies, set(notices) - unheld)

    @classmethod
    def empty(cls) -> Ledger:
        """One that holds nothing: every roll-up reads the table (a transport whose copies change under us)."""
        return cls({}, set())

    def mark(
        self, connection: Connection, delivery_ids: list[int], status: str, *, error: str | None, attempts: int = 0
    ) -> None:
        """`mark`, and the same change to the copies held here."""
        mark(connection, delivery_ids, status, error=error, attempts=attempts)
        for copy in self._held_copies(delivery_ids):
            copy.status, copy.attempts = status, copy.attempts + attempts
            if error is not None:
                copy.last_error = error[:ERROR_LIMIT]

    def mark_sent(self, connection: Connection, delivery_ids: list[int], message_id: str, sent_at: datetime) -> None:
        """`mark_sent`, and the same change to the copies held here."""
        mark_sent(connection, delivery_ids, message_id, sent_at)
        self._held_sent(delivery_ids, message_id, sent_at)

    def holds_any(self) -> bool:
        return bool(self._held)

    def holds(self, notice_ids: set[int]) -> bool:
        """True when this run holds every copy of these notices (their roll-up needs no read)."""
        return notice_ids <= self._held

    def sent_in_memory(
        self, delivery_ids: list[int], notice_ids: set[int], message_id: str, sent_at: datetime
    ) -> list[dict]:
        """Mark held copies sent here only, and return their notices' roll-ups (`_summary`), for a
        caller that writes both itself (`outbox.recorder`); every notice must be held."""
        self._held_sent(delivery_ids, message_id, sent_at)
        return [_summary(notice_id, self._of_notice[notice_id]) for notice_id in sorted(notice_ids)]

    def _held_sent(self, delivery_ids: list[int], message_id: str, sent_at: datetime) -> None:
        for copy in self._held_copies(delivery_ids):
            copy.status, copy.attempts, copy.message_id, copy.sent_at = "sent", copy.attempts + 1, message_id, sent_at

    def _held_copies(self, delivery_ids: Iterable[int]) -> Iterator[Copy]:
        return (copy for delivery_id in delivery_ids if (copy := self._copies.get(delivery_id)) is not None)

    def roll_up(self, connection: Connection, notice_ids: Iterable[int]) -> None:
        ids = set(notice_ids)
        held = sorted(ids & self._held)
        summaries = [_summary(notice_id, self._of_notice[notice_id]) for notice_id in held]
        update_rows(connection, NOTICES, "id", [{"id": s.pop("notice_id"), **s} for s in summaries])
        roll_up(connection, ids - self._held)


def _summary(notice_id: int, copies: list) -> dict:
    statuses = {d.status for d in copies}
    sent = [d for d in copies if d.status == "sent"]
    lead = next((d for d in sent if d.role == "to"), sent[0] if sent else None)
    errors = [d.last_error for d in copies if d.last_error and d.status != "sent"]
    return {
        "notice_id": notice_id,
        "status": _status(statuses),
        "attempts": max(d.attempts for d in copies),
        "last_error": errors[-1] if errors else None,
        "sent_at": max((d.sent_at for d in sent), default=None),
        "message_id": lead.message_id if lead else None,
    }


def _status(statuses: set[str]) -> str:
    for status in ("pending", "sending", "failed", "blocked"):
        if status in statuses:
            return "pending" if status == "sending" else status
    if "sent" in statuses:
        return "sent"
    for status in ("bounced", "cancelled", "withdrawn"):
        if status in statuses:
            return status
    return "superseded"
