"""An e-mail that could not go (failed for good, or held) goes to the corrected address once it is fixed.

When the address is corrected at its source (a new allocation import changes the COM's e-mail), the
next night works out the notice's addressees again from tonight's data: an address that is new gets
a pending copy, and the copy to the old, undeliverable address is marked `readdressed`. The unique
(notice, address) pair is why it goes once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, insert, select, update

from chase.load import load_snapshots
from config.policy import PolicyBook
from db.audit import Event, append
from db.models import Delivery, Notice
from db.session import session_factory, transaction
from outbox.record import roll_up
from rules.addresses import address
from rules.steps import REQUEST, RESOLVED

STUCK = ("failed", "blocked")


def readdress(engine: Engine, book: PolicyBook, night: date, actor: str = "nightly-check") -> int:
    with session_factory(engine)() as session:
        stuck = session.execute(
            select(Notice.id, Notice.key, Notice.prison_number, Notice.step)
            .join(Delivery, Delivery.notice_id == Notice.id)
            .where(Delivery.status.in_(STUCK), Notice.kind == "case", Notice.step != RESOLVED)
            .distinct()
        ).all()
        if not stuck:
            return 0
        facts = {
            s.facts.prison_number: s.facts for s in load_snapshots(session, {n.prison_number for n in stuck}, True)
        }
        copies = session.execute(
            select(Delivery.notice_id, Delivery.id, Delivery.address, Delivery.status).where(
                Delivery.notice_id.in_([n.id for n in stuck])
            )
        ).all()
    moved, events, retire, add = 0, [], [], []
    for notice in stuck:
        case = facts.get(notice.prison_number)
        if case is None:
            continue
        found = address(*book.for_establishment(case.establishment_code).recipients(notice.step), case.people)
        current = {a.lower(): role for role, group in (("cc", found.cc), ("to", found.to)) for a in group}
        mine = [c for c in copies if c.notice_id == notice.id]
        have = {c.address.lower() for c in mine}
        gone = [c.id for c in mine if c.status in STUCK and c.address.lower() not in current]
        # a new COM gets a new request from the chase itself (rules.chase): not this one as well
        new_com = (case.people.com or "").lower() if notice.step == REQUEST else None
        new = [(a, role) for a, role in current.items() if a not in have and a != new_com]
        if not gone or not (new or new_com):
            continue
        retire += gone
        add += [{"notice_id": notice.id, "address": a, "role": role, "status": "pending"} for a, role in new]
        events.append(Event("notice-readdressed", actor, notice.prison_number, {"key": notice.key, "night": night}))
        moved += len(new)
    if retire:
        with transaction(engine) as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(retire), Delivery.status.in_(STUCK))
                .values(status="readdressed", last_error="the address was corrected: sent to the new one")
            )
            if add:
                session.execute(insert(Delivery.__table__), add)
            roll_up(session, {row["notice_id"] for row in add} | {n.id for n in stuck})
            append(session, events)
    return moved
