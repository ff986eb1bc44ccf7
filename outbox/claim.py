"""Claiming deliveries, so two runs never send the same one.

A claim is a conditional UPDATE (pending -> sending, stamped with this run's
token): whichever run's UPDATE lands first owns the row. A claim left behind by
a run that died is taken over once its lease has expired; the message it was
sending may then go twice, which is the at-most-one duplicate a crash can cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, and_, or_, select, update

from db.models import Case, Delivery, Establishment, Notice, Prisoner
from db.session import transaction

LEASE = timedelta(minutes=15)
CLOSING_STEPS = ("resolved", "released-unconfirmed")


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    notice_id: int
    address: str
    role: str
    step: str
    key: str
    night: date
    context: dict
    prison_number: str
    first_name: str | None
    last_name: str | None
    establishment_code: str | None
    establishment_name: str | None
    omu_mailbox: str | None
    closed_state: str | None

    @property
    def stale(self) -> bool:
        """Information arrived (or the case closed) after this chase notice was queued."""
        return self.closed_state is not None and self.step not in CLOSING_STEPS


def claim(engine: Engine, token: str, now: datetime, limit: int = 20000) -> list[Claimed]:
    claimable = or_(Delivery.status == "pending",
                    and_(Delivery.status == "sending", Delivery.claimed_at < now - LEASE))
    with transaction(engine) as session:
        ids = list(session.scalars(select(Delivery.id).where(claimable).order_by(Delivery.id).limit(limit)))
        if not ids:
            return []
        session.execute(update(Delivery).where(Delivery.id.in_(ids), claimable)
                        .values(status="sending", claimed_by=token, claimed_at=now))
    return _claimed_by(engine, token)


def _claimed_by(engine: Engine, token: str) -> list[Claimed]:
    statement = (
        select(Delivery.id, Notice.id, Delivery.address, Delivery.role, Notice.step, Notice.key, Notice.night,
               Notice.context, Notice.prison_number, Prisoner.first_name, Prisoner.last_name,
               Notice.establishment_code, Establishment.name, Establishment.omu_mailbox, Case.closed_state)
        .join(Notice, Notice.id == Delivery.notice_id)
        .outerjoin(Prisoner, Prisoner.prison_number == Notice.prison_number)
        .outerjoin(Establishment, Establishment.code == Notice.establishment_code)
        .outerjoin(Case, Case.prison_number == Notice.prison_number)
        .where(Delivery.claimed_by == token, Delivery.status == "sending")
        .order_by(Delivery.id)
    )
    with transaction(engine) as session:
        return [Claimed(*row) for row in session.execute(statement)]
