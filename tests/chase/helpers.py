"""Running nights straight through the chase functions (no Prefect), and reading the outbox."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from chase.night import NightReport, check_batch, load_cases
from config.policy import load_policy
from db.models import AuditEvent, Notice
from db.session import session_factory
from rules.calendar import WorkingCalendar

BOOK = load_policy()
CALENDAR = WorkingCalendar.england_and_wales()


def run_night(engine, night: date, *, dry_run: bool = False, actor: str = "test") -> NightReport:
    return check_batch(engine, load_cases(engine), night, actor, BOOK, CALENDAR, dry_run)


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
