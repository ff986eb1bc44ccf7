"""Sending through GOV.UK Notify without ever sending twice.

Each e-mail's `reference` is the outbox's id for it: `mappa-<lowest delivery id>` (with `-r1` when
Notify reported a temporary failure and it is sent once more). No name, no prison number. It is
written onto the deliveries in its own transaction *before* the send, so a run that dies after
Notify accepted the e-mail but before recording it leaves a trace: the next claim of those
deliveries asks Notify for that reference first, and records what Notify has instead of resending.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage

from sqlalchemy import Connection, Engine, update
from sqlalchemy.orm import Session

from db.models import Delivery
from db.session import transaction
from notifications.notify_transport import ESTABLISHMENT_HEADER, REFERENCE_HEADER, STEP_HEADER
from outbox.claim import Claimed


def reference_for(members: list[Claimed]) -> str:
    first = min(members, key=lambda c: c.delivery_id)
    return f"mappa-{first.delivery_id}" + (f"-r{first.resent}" if first.resent else "")


def notify_ahead(engine: Engine, transport, message: EmailMessage, members: list[Claimed]) -> str | None:
    """Before sending: Notify's id if an earlier attempt already reached it, else mark the attempt and None."""
    reference = reference_for(members)
    for header, value in (
        (REFERENCE_HEADER, reference),
        (ESTABLISHMENT_HEADER, members[0].establishment_code or ""),
        (STEP_HEADER, members[0].step),
    ):
        del message[header]
        message[header] = value
    if any(c.notify_reference == reference for c in members):
        found = transport.lookup(reference)
        if found is not None:
            return found
    with transaction(engine) as session:
        session.execute(
            update(Delivery).where(Delivery.id.in_([c.delivery_id for c in members])).values(notify_reference=reference)
        )
    return None


def record_notify_id(db: Session | Connection, delivery_ids: Iterable[int], notify_id: str | None) -> None:
    ids = list(delivery_ids)
    if ids and notify_id:
        table = Delivery.__table__
        db.execute(update(table).where(table.c.id.in_(ids)).values(notify_id=notify_id, notify_status="created"))
