"""Nights run with the SMTP server down, then back: what each night reported, and what arrived.

Shared by tests/reliability/test_outages.py and scripts/reliability.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from db.models import Delivery, Notice
from db.session import session_factory
from outbox.send import deliver
from scripts.harness import builders as b
from scripts.harness.night_entry import mailer
from scripts.harness.nights import BOOK, run_night

FIRST, LAST = date(2027, 3, 15), date(2027, 6, 4)
DOWN = (date(2027, 4, 19), date(2027, 4, 20), date(2027, 4, 21))
# Information arriving during the outage, and just after it (the queued escalation-2 must then never go).
INFORMED = {"K1016AA": date(2027, 4, 19), "K1005AA": date(2027, 4, 22)}
# A release date brought forward mid-outage: the final warning replaces the escalation still waiting to go.
MOVED = {"K1023AA": (date(2027, 4, 20), date(2027, 5, 3))}


def build(engine, cases: int = 24) -> None:
    b.durham(engine)
    for n in range(cases):
        b.prisoner(
            engine, f"K{1000 + n}AA", crd=date(2027, 5, 3) + timedelta(days=7 * n), com=f"com.{n}", spo=f"spo.{n % 3}"
        )


@dataclass
class OutageRun:
    failed_nights: list[date] = field(default_factory=list)  # nights whose delivery reported undelivered notices
    reasons: dict = field(default_factory=dict)
    sent: Counter = field(default_factory=Counter)  # (notice key, recipient) -> e-mails received
    unrecorded: int = 0  # e-mails received that no delivery row records
    never_sendable: set = field(default_factory=set)  # notice keys withdrawn, cancelled or superseded
    unsent: list = field(default_factory=list)  # notices still not sent at the end
    withdrawn: int = 0
    cancelled: int = 0


def run_outage(engine, sink, down=DOWN, first=FIRST, last=LAST) -> OutageRun:
    result, night = OutageRun(), first
    while night <= last:
        if night.weekday() < 5:
            for number, on in INFORMED.items():
                if on == night:
                    b.information(engine, number, category=2, level=1, on=night)
            for number, (on, crd) in MOVED.items():
                if on == night:
                    b.prisoner(engine, number, crd=crd, com=f"com.{int(number[1:5]) - 1000}", spo="spo.2")
            run_night(engine, night)
            if night in down:
                sink.stop()
            report = deliver(mailer(engine, sink.port if night not in down else _closed_port(), BOOK), f"night {night}")
            if report.undelivered:
                result.failed_nights.append(night)
                result.reasons[night] = report.why()
            if night in down:
                sink.start()
        night += timedelta(days=1)
    _settle(engine, sink, result)
    return result


def _closed_port() -> int:
    from scripts.harness.smtp import free_port

    return free_port()


def _settle(engine, sink, result: OutageRun) -> None:
    """Name each e-mail received by the notices its Message-ID was recorded against."""
    with session_factory(engine)() as session:
        notices = session.scalars(select(Notice)).all()
        deliveries = session.execute(select(Delivery.notice_id, Delivery.address, Delivery.message_id)).all()
    key_of = {notice.id: notice.key for notice in notices}
    by_message: dict[str, list[tuple[str, str]]] = {}
    for notice_id, address, message_id in deliveries:
        if message_id:
            by_message.setdefault(message_id, []).append((key_of[notice_id], address.lower()))
    for message, envelope in zip(list(sink.messages), list(sink.envelopes)):
        recorded = by_message.get(message["Message-ID"])
        if not recorded:
            result.unrecorded += 1
        for key, address in recorded or ():
            if address in [r.lower() for r in envelope.rcpt_tos]:
                result.sent[(key, address)] += 1
    for notice in notices:
        if notice.status in ("withdrawn", "cancelled", "superseded"):
            result.never_sendable.add(notice.key)
        elif notice.status != "sent":
            result.unsent.append((notice.key, notice.status))
    result.withdrawn = sum(n.status == "withdrawn" for n in notices)
    result.cancelled = sum(n.status == "cancelled" for n in notices)
