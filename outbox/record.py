"""Recording what happened to each delivery, and rolling it up onto its notice.

Core statements on the tables, not ORM objects: delivery records every e-mail in its own commit, and
these two functions are most of that commit's cost. `db` is a Session or a Connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Delivery, Notice

DELIVERIES = Delivery.__table__
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
# Built once: constructing the statement cost as much as running it, once per e-mail sent.
_SENT = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id.in_(bindparam("delivery_ids", expanding=True)))
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
        values["last_error"] = error[:2000]
    if message_id is not None:
        values.update(message_id=message_id, sent_at=sent_at)
    db.execute(update(DELIVERIES).where(DELIVERIES.c.id.in_(ids)).values(**values))


def mark_sent(db: Session | Connection, delivery_ids: list[int], message_id: str, sent_at: datetime) -> None:
    """mark(db, ids, "sent", message_id=..., sent_at=..., attempts=1), the statement prepared once."""
    if delivery_ids:
        db.execute(_SENT, {"delivery_ids": delivery_ids, "sent_message_id": message_id, "sent_on": sent_at})


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
