"""Queue the weekly compliance e-mails: per establishment, per PDU, and nationally.

Each is a notice of kind "weekly-report" keyed `weekly-report/<group>/<code>/<ISO week of to>`, so a
rerun of the week (or a crash mid-way) never sends one twice. It goes through the same outbox,
allow-list and delivery as every notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, select

from chase.compliance import Report, build_report
from db.audit import Event, append
from db.models import Establishment, Pdu
from db.session import session_factory, transaction
from notifications.report.email import KIND, email_context
from outbox.other import queue_other
from rules.compliance import iso_week

WEEKS = 12


@dataclass
class Queued:
    keys: list[str] = field(default_factory=list)
    already: int = 0
    nobody: list[str] = field(default_factory=list)  # groups with no address: not sent, reported
    national: Report | None = None


def last_twelve_weeks(as_of: date) -> tuple[date, date]:
    """The 12 full ISO weeks before `as_of`'s week: a Monday run reports up to yesterday, Sunday."""
    to = as_of - timedelta(days=as_of.weekday() + 1)
    return to - timedelta(weeks=WEEKS) + timedelta(days=1), to


def queue_weekly_reports(engine: Engine, as_of: date, actor: str, national_to: str | None) -> Queued:
    period_from, period_to = last_twelve_weeks(as_of)
    week = iso_week(period_to)
    with session_factory(engine)() as session:
        prisons = session.execute(select(Establishment)).scalars().all()
        units = session.execute(select(Pdu)).scalars().all()
        groups = [
            (
                "establishment",
                p.code,
                p.name or p.code,
                {"establishments": {p.code}},
                p.head_of_omu_email,
                p.omu_mailbox,
            )
            for p in prisons
        ]
        groups += [
            ("pdu", u.code, u.name or u.code, {"pdus": {u.code}}, u.head_email or u.mailbox, None) for u in units
        ]
        groups.append(("national", "all", "England and Wales", {}, national_to, None))
        reports = {
            (kind, code): build_report(session, period_from=period_from, period_to=period_to, as_of=as_of, **scope)
            for kind, code, _, scope, _, _ in groups
        }
    result = Queued(national=reports[("national", "all")])
    for kind, code, label, _, to, cc in groups:
        to, cc = to or cc, cc if to else None
        if not to:
            if kind != "national":
                result.nobody.append(f"{kind} {code}")
            continue
        key = f"{KIND}/{kind}/{code}/{week}"
        report = reports[(kind, code)]
        context = email_context(report.as_dict(), label)
        with transaction(engine) as session:
            queued = queue_other(
                session,
                kind=KIND,
                key=key,
                night=as_of,
                to=[to],
                cc=[cc] if cc and cc.lower() != to.lower() else [],
                context=context,
                establishment_code=code if kind == "establishment" else None,
                actor=actor,
            )
            if queued:
                append(session, [Event("report-queued", actor, None, {"key": key, "due": report.totals["due"]})])
                result.keys.append(key)
            else:
                result.already += 1
    return result
