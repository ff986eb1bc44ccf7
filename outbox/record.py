"""Recording what happened to each delivery, and rolling it up onto its notice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Delivery, Notice


def mark(
    session: Session,
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
    values = {"status": status, "claimed_by": None, "claimed_at": None, "attempts": Delivery.attempts + attempts}
    if error is not None:
        values["last_error"] = error[:2000]
    if message_id is not None:
        values.update(message_id=message_id, sent_at=sent_at)
    session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(**values))


def roll_up(session: Session, notice_ids: Iterable[int]) -> None:
    """A notice is sent when every copy went; failed or blocked if any copy did; else still pending."""
    ids = list(set(notice_ids))
    if not ids:
        return
    rows = session.execute(select(Delivery).where(Delivery.notice_id.in_(ids))).scalars()
    by_notice: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in rows:
        by_notice[delivery.notice_id].append(delivery)
    updates = [_summary(notice_id, deliveries) for notice_id, deliveries in by_notice.items()]
    if updates:
        session.execute(update(Notice), updates)


def _summary(notice_id: int, deliveries: list[Delivery]) -> dict:
    statuses = {d.status for d in deliveries}
    sent = [d for d in deliveries if d.status == "sent"]
    lead = next((d for d in sent if d.role == "to"), sent[0] if sent else None)
    errors = [d.last_error for d in deliveries if d.last_error and d.status != "sent"]
    return {
        "id": notice_id,
        "status": _status(statuses),
        "attempts": max(d.attempts for d in deliveries),
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
