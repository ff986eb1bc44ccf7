"""Running nights straight through the chase functions (no Prefect), and reading the outbox."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from chase.night import NightReport
from db.models import AuditEvent, Notice
from db.session import session_factory
from scripts.harness.nights import BOOK, CALENDAR, run_night

__all__ = ["BOOK", "CALENDAR", "audit_count", "outbox", "run_night", "run_nights"]


def run_nights(engine, first: date, last: date) -> list[NightReport]:
    reports, night = [], first
    while night <= last:
        reports.append(run_night(engine, night))
        night += timedelta(days=1)
    return reports


def outbox(engine, *, include_superseded: bool = False) -> list[tuple]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Notice.prison_number, Notice.step, Notice.night, Notice.status).order_by(
                Notice.night, Notice.prison_number, Notice.step
            )
        ).all()
    return [tuple(r[:3]) for r in rows if include_superseded or r.status != "superseded"]


def audit_count(engine) -> int:
    with session_factory(engine)() as session:
        return len(session.scalars(select(AuditEvent.seq)).all())
