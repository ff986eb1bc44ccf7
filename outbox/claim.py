"""Claiming deliveries, so two runs never send the same one.

A claim is a conditional UPDATE (pending -> sending, stamped with this run's
token): whichever run's UPDATE lands first owns the row. A claim left behind by
a run that died is taken over at once if that process was on this machine and
is gone, otherwise once its lease has expired; the message it was sending may
then go twice, which is the at-most-one duplicate a crash can cost.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, and_, or_, select, update

from db.models import Case, Delivery, Establishment, Notice, Prisoner
from db.session import transaction
from rules.steps import CLOSING_STEPS

LEASE = timedelta(minutes=15)


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
    prison_number: str | None
    first_name: str | None
    last_name: str | None
    establishment_code: str | None
    establishment_name: str | None
    omu_mailbox: str | None
    closed_state: str | None
    kind: str = "case"  # anything else is an e-mail about many cases or none, rendered by its kind
    notify_reference: str | None = None  # set before a Notify send: the send may have reached Notify
    resent: int = 0  # times sent again after Notify reported a temporary or technical failure

    @property
    def stale(self) -> bool:
        """Information arrived (or the case closed) after this chase notice was queued."""
        return self.closed_state is not None and self.step not in CLOSING_STEPS


def claimant(token: str) -> str:
    """Who holds a claim: this machine and process, so a dead holder can be recognised."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{token}"[:80]


def _dead_here(holder: str | None) -> bool:
    host, _, rest = (holder or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _abandoned(session) -> list[str]:
    holders = session.scalars(select(Delivery.claimed_by).where(Delivery.status == "sending").distinct())
    return [holder for holder in holders if holder and _dead_here(holder)]


def claim(engine: Engine, token: str, now: datetime, limit: int = 20000) -> list[Claimed]:
    token = claimant(token)
    with transaction(engine) as session:
        claimable = or_(
            Delivery.status == "pending",
            and_(
                Delivery.status == "sending",
                or_(Delivery.claimed_at < now - LEASE, Delivery.claimed_by.in_(_abandoned(session))),
            ),
        )
        ids = list(session.scalars(select(Delivery.id).where(claimable).order_by(Delivery.id).limit(limit)))
        if not ids:
            return []
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), claimable)
            .values(status="sending", claimed_by=token, claimed_at=now)
        )
    return _claimed_by(engine, token)


def _claimed_by(engine: Engine, token: str) -> list[Claimed]:
    statement = (
        select(
            Delivery.id,
            Notice.id,
            Delivery.address,
            Delivery.role,
            Notice.step,
            Notice.key,
            Notice.night,
            Notice.context,
            Notice.prison_number,
            Prisoner.first_name,
            Prisoner.last_name,
            Notice.establishment_code,
            Establishment.name,
            Establishment.omu_mailbox,
            Case.closed_state,
            Notice.kind,
            Delivery.notify_reference,
            Delivery.resent,
        )
        .join(Notice, Notice.id == Delivery.notice_id)
        .outerjoin(Prisoner, Prisoner.prison_number == Notice.prison_number)
        .outerjoin(Establishment, Establishment.code == Notice.establishment_code)
        .outerjoin(Case, Case.prison_number == Notice.prison_number)
        .where(Delivery.claimed_by == token, Delivery.status == "sending")
        .order_by(Delivery.id)
    )
    with transaction(engine) as session:
        return [Claimed(*row) for row in session.execute(statement)]
