"""Queueing an e-mail that is not about one case: a data-problems digest, a weekly report.

Such a notice has no prison number, its own unique key (e.g. `data-problems/DMI/2027-01-05`), its
recipients as deliveries, and a kind that picks its renderer (notifications.kinds). It then goes the
same way as every case notice: claimed, sent once, attempts, errors and Message-ID recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.conflicts import insert_new
from db.models import Delivery, Notice
from notifications.kinds import CASE


def queue_other(
    session: Session,
    *,
    kind: str,
    key: str,
    night: date,
    to: Sequence[str],
    cc: Sequence[str] = (),
    context: dict | None = None,
    establishment_code: str | None = None,
    actor: str = "mappa",
) -> int | None:
    """Queue the notice in the caller's transaction; its id, or None if the key was queued before."""
    if kind == CASE:
        raise ValueError("case notices are written by the chase, with the decision that causes them")
    if not any(to):
        raise ValueError(f"{key}: a notice needs someone to send it to")
    row = {
        "key": key,
        "kind": kind,
        "prison_number": None,
        "establishment_code": establishment_code,
        "step": kind,
        "night": night,
        "status": "pending",
        "to": list(to),
        "cc": list(cc),
        "context": context or {},
        "run": actor[:80],
        "attempts": 0,
    }
    inserted = insert_new(session, Notice, [row], "key", returning=(Notice.id,))
    if not inserted:
        return None
    notice_id = inserted[0][0]
    seen, deliveries = set(), []
    for role, addresses in (("to", to), ("cc", cc)):
        for address in addresses:
            if address and address.lower() not in seen:
                seen.add(address.lower())
                deliveries.append({"notice_id": notice_id, "address": address, "role": role, "status": "pending"})
    session.execute(insert(Delivery.__table__), deliveries)
    return notice_id
