"""Learning from GOV.UK Notify which e-mails arrived, and acting on the ones that did not.

Each night (and `mappa deliveries refresh`) asks Notify about every e-mail of the last 7 days whose
status is not final yet. `delivered` is recorded. `permanent-failure` marks that copy `bounced`: the
data-problems digest tells the OMU, and a bounced main addressee of a case notice is re-addressed
once along the fallback for a missing addressee (the PDU mailbox, then the OMU mailbox); a bounced
copy is only recorded. `temporary-failure` and `technical-failure` are sent again once, then failed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, insert, or_, select, update

from chase.load import load_snapshots
from db.audit import Event, append
from db.models import Delivery, Notice
from db.session import session_factory, transaction
from notifications.notify_transport import FINAL
from outbox.record import roll_up

WINDOW = timedelta(days=7)  # Notify keeps notifications for 7 days
AGAIN = ("temporary-failure", "technical-failure")
BOUNCED = "bounced"
BOUNCE_TEXT = "Notify: permanent-failure (the address does not exist or its server refused the e-mail)"


@dataclass
class RefreshReport:
    asked: int = 0  # deliveries whose status was not final
    statuses: Counter = field(default_factory=Counter)  # Notify status -> deliveries
    resent: int = 0
    rerouted: int = 0

    def summary(self) -> str:
        seen = ", ".join(f"{status} {n}" for status, n in sorted(self.statuses.items())) or "no answers"
        return f"{self.asked} e-mails not final asked about: {seen}; {self.resent} to send again, {self.rerouted} re-addressed"


def refresh(engine: Engine, transport, now: datetime, actor: str = "mappa") -> RefreshReport:
    report = RefreshReport()
    open_ones = _not_final(engine, now)
    report.asked = len(open_ones)
    if open_ones:
        since = min(row.sent_at for row in open_ones) - timedelta(minutes=5)
        with transport:
            answers = {n["id"]: n["status"] for n in transport.notifications_since(max(since, now - WINDOW))}
        _record(engine, open_ones, answers, now, report)
    report.rerouted = reroute_bounces(engine, now.date(), actor)
    return report


def _not_final(engine: Engine, now: datetime) -> list:
    statement = select(Delivery.id, Delivery.notice_id, Delivery.notify_id, Delivery.sent_at, Delivery.resent).where(
        Delivery.status == "sent",
        Delivery.notify_id.is_not(None),
        Delivery.sent_at >= now - WINDOW,
        or_(Delivery.notify_status.is_(None), Delivery.notify_status.not_in(FINAL)),
    )
    with session_factory(engine)() as session:
        return list(session.execute(statement))


def _record(engine: Engine, rows: list, answers: dict[str, str], now: datetime, report: RefreshReport) -> None:
    with transaction(engine) as session:
        for row in rows:
            status = answers.get(row.notify_id)
            if status is None:
                continue
            report.statuses[status] += 1
            values: dict = {"notify_status": status, "notify_checked_at": now}
            if status == "permanent-failure":
                values.update(status=BOUNCED, last_error=BOUNCE_TEXT)
            elif status in AGAIN and not row.resent:
                values.update(status="pending", resent=row.resent + 1, notify_reference=None, notify_id=None)
                values["last_error"] = f"Notify: {status}; sent again once"
                report.resent += 1
            elif status in AGAIN:
                values.update(status="failed", last_error=f"Notify: {status}, again after sending it once more")
            session.execute(update(Delivery).where(Delivery.id == row.id).values(**values))
        roll_up(session, {row.notice_id for row in rows})


def reroute_bounces(engine: Engine, night: date, actor: str) -> int:
    """Each bounced main addressee of a case notice goes once to the next mailbox along the fallback."""
    with session_factory(engine)() as session:
        bounced = session.execute(
            select(Delivery.id, Delivery.notice_id, Delivery.address, Notice.key, Notice.prison_number)
            .join(Notice, Notice.id == Delivery.notice_id)
            .where(Delivery.status == BOUNCED, Delivery.role == "to", Delivery.rerouted.is_(False))
            .where(Notice.kind == "case")
        ).all()
        if not bounced:
            return 0
        people = {
            s.facts.prison_number: s.facts.people
            for s in load_snapshots(session, {b.prison_number for b in bounced}, True)
        }
        have = session.execute(
            select(Delivery.notice_id, Delivery.address).where(Delivery.notice_id.in_({b.notice_id for b in bounced}))
        ).all()
    addresses: dict[int, set[str]] = {}
    for notice_id, address in have:
        addresses.setdefault(notice_id, set()).add(address.lower())
    add, events = [], []
    for row in bounced:
        found = people.get(row.prison_number)
        fallback = [found.pdu_mailbox, found.omu_mailbox] if found is not None else []
        nxt = next((a for a in fallback if a and a.lower() not in addresses[row.notice_id]), None)
        if nxt is not None:
            addresses[row.notice_id].add(nxt.lower())
            add.append({"notice_id": row.notice_id, "address": nxt, "role": "to", "status": "pending"})
            events.append(
                Event(
                    "notice-readdressed", actor, row.prison_number, {"key": row.key, "night": night, "why": "bounced"}
                )
            )
    with transaction(engine) as session:
        session.execute(update(Delivery).where(Delivery.id.in_([b.id for b in bounced])).values(rerouted=True))
        if add:
            session.execute(insert(Delivery.__table__), add)
        roll_up(session, {b.notice_id for b in bounced})
        append(session, events)
    return len(add)
