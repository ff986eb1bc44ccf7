"""Read the compliance report's facts from the database and group them (docs/report.md).

For each tracked case whose due date D (the due date of its latest plan) falls in the period:
its first completion, its release, the establishment that held it on D (from the moves the nightly
check recorded) and the most senior step sent. The arithmetic is rules.compliance; this module only
reads, with select(), in the session it is given.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chase.apply import MOVED
from config import runtime
from db.models import Allocation, AuditEvent, Case, Establishment, MappaInformation, Notice, Pdu, Prisoner, Team
from rules.calendar import WorkingCalendar
from rules.compliance import CaseDates, Move, held_on, measures, weeks_ending
from rules.states import State
from rules.steps import Step

COMPLETED_STATES = (State.COMPLETE, State.NOT_ELIGIBLE)
NOT_SENT = ("superseded", "withdrawn", "cancelled")  # decided, but no e-mail went
AT_RISK_WEEKS = 12
WEEKLY_WEEKS = 12


@dataclass(frozen=True)
class TrackedCase:
    prison_number: str
    dates: CaseDates
    establishment: str | None  # the one holding it on D
    pdu: str | None
    team: str | None


@dataclass(frozen=True)
class Report:
    period_from: date
    period_to: date
    as_of: date
    on_time_target: float
    totals: dict[str, Any]
    establishments: list[dict[str, Any]] = field(default_factory=list)
    pdus: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    weekly: list[dict[str, Any]] = field(default_factory=list)
    at_risk: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "as_of": self.as_of.isoformat(),
            "on_time_target": self.on_time_target,
            "totals": self.totals,
            "establishments": self.establishments,
            "pdus": self.pdus,
            "teams": self.teams,
            "weekly": self.weekly,
            "at_risk": self.at_risk,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A report back from `as_dict` (a queued e-mail keeps its report so a resend shows what was true)."""
        return cls(
            period_from=date.fromisoformat(data["from"]),
            period_to=date.fromisoformat(data["to"]),
            as_of=date.fromisoformat(data["as_of"]),
            on_time_target=data["on_time_target"],
            totals=data["totals"],
            establishments=data["establishments"],
            pdus=data["pdus"],
            teams=data["teams"],
            weekly=data["weekly"],
            at_risk=data["at_risk"],
        )

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, sort_keys=False, default=str)


def build_report(
    session: Session,
    *,
    period_from: date,
    period_to: date,
    as_of: date,
    establishments: Collection[str] | None = None,
    pdus: Collection[str] | None = None,
    calendar: WorkingCalendar | None = None,
    on_time_target: float | None = None,
) -> Report:
    """The report for cases due in period_from..period_to, as known on `as_of`.

    `establishments`: only cases held on D by one of these codes (and at-risk cases now held there);
    `pdus`: only cases of these PDUs (the weekly e-mail to a PDU's head).
    """
    if period_from > period_to:
        raise ValueError(f"the period starts ({period_from}) after it ends ({period_to})")
    if period_to > as_of:
        raise ValueError(f"the period ends ({period_to}) after the night reported on ({as_of})")
    calendar = calendar or runtime.calendar()
    target = runtime.policy().base.report.on_time_target if on_time_target is None else on_time_target
    codes = {c.upper() for c in establishments} if establishments is not None else None
    units = {c.upper() for c in pdus} if pdus is not None else None
    weeks = weeks_ending(period_to, WEEKLY_WEEKS)
    earliest = min(period_from, weeks[0][1])
    tracked = [
        c
        for c in tracked_cases(session, earliest, period_to, as_of)
        if (codes is None or c.establishment in codes) and (units is None or (c.pdu or "").upper() in units)
    ]
    in_period = [c for c in tracked if period_from <= c.dates.due <= period_to]
    names = _names(session)
    return Report(
        period_from=period_from,
        period_to=period_to,
        as_of=as_of,
        on_time_target=target,
        totals=measures((c.dates for c in in_period), as_of, calendar),
        establishments=_grouped(in_period, "establishment", names["establishments"], as_of, calendar),
        pdus=_grouped(in_period, "pdu", names["pdus"], as_of, calendar),
        teams=_grouped(in_period, "team", names["teams"], as_of, calendar),
        weekly=[
            {"week": label, **measures((c.dates for c in tracked if start <= c.dates.due <= end), as_of, calendar)}
            for label, start, end in weeks
        ],
        at_risk=[r for r in at_risk(session, as_of, codes) if units is None or (r["pdu"] or "").upper() in units],
    )


def tracked_cases(session: Session, due_from: date, due_to: date, as_of: date) -> list[TrackedCase]:
    period = (Case.due_date >= due_from, Case.due_date <= due_to, Case.tracked_since <= as_of)
    rows = session.execute(
        select(
            Case.prison_number,
            Case.due_date,
            Case.establishment_code,
            Case.closed_state,
            Case.closed_on,
            Prisoner.released_on,
            MappaInformation.confirmed_on,
            Allocation.pdu_code,
            Allocation.team_code,
        )
        .outerjoin(Prisoner, Prisoner.prison_number == Case.prison_number)
        .outerjoin(MappaInformation, MappaInformation.prison_number == Case.prison_number)
        .outerjoin(Allocation, Allocation.prison_number == Case.prison_number)
        .where(*period)
        .order_by(Case.prison_number)
    ).all()
    numbers = [row.prison_number for row in rows]
    held, steps = _held_on_due(session, rows, *period), _highest_steps(session, numbers, as_of)
    cases = []
    for row in rows:
        completed = None
        if row.closed_state in COMPLETED_STATES:
            # dated as recorded (allocations feed, `mappa record --on`, probation's startDate), else the night seen
            completed = row.confirmed_on or row.closed_on
        released = row.released_on
        if released is None and row.closed_state == State.RELEASED_UNCONFIRMED:
            released = row.closed_on
        dates = CaseDates(row.due_date, completed, released, steps.get(row.prison_number))
        cases.append(TrackedCase(row.prison_number, dates, held.get(row.prison_number), row.pdu_code, row.team_code))
    return cases


def _held_on_due(session: Session, rows: list[Any], *period: Any) -> dict[str, str | None]:
    """The establishment holding each case on D, from the moves the nightly check recorded."""
    moves: dict[str, list[Move]] = defaultdict(list)
    statement = (
        select(AuditEvent.prison_number, AuditEvent.detail)
        .join(Case, Case.prison_number == AuditEvent.prison_number)
        .where(AuditEvent.kind == MOVED, *period)
        .order_by(AuditEvent.seq)
    )
    for number, detail in session.execute(statement):
        moves[number].append(Move(date.fromisoformat(detail["night"]), detail["before"], detail["after"]))
    return {row.prison_number: held_on(row.due_date, moves[row.prison_number], row.establishment_code) for row in rows}


def _highest_steps(session: Session, numbers: list[str], as_of: date) -> dict[str, str]:
    """Each case's most senior chasing step (request .. final warning) sent on or before `as_of`."""
    highest: dict[str, Step] = {}
    closing = set(Step.fixed()) - {Step.REQUEST, Step.REMINDER, Step.FINAL_WARNING}
    for chunk in _chunks(numbers):
        notices = session.execute(
            select(Notice.prison_number, Notice.step).where(
                Notice.prison_number.in_(chunk), Notice.night <= as_of, Notice.status.not_in(NOT_SENT)
            )
        )
        for number, name in notices:
            step = Step(name)
            if number is None or step in closing:
                continue
            if number not in highest or step.seniority > highest[number].seniority:
                highest[number] = step
    return {number: str(step) for number, step in highest.items()}


def at_risk(session: Session, as_of: date, codes: set[str] | None) -> list[dict[str, Any]]:
    """Open cases planned within the next 12 weeks with information still missing: the meeting's list."""
    statement = (
        select(
            Case.prison_number,
            Prisoner.first_name,
            Prisoner.last_name,
            Case.planning_date,
            Case.missing,
            Case.last_step,
            Case.establishment_code,
            Allocation.com_name,
            Allocation.pdu_code,
        )
        .outerjoin(Prisoner, Prisoner.prison_number == Case.prison_number)
        .outerjoin(Allocation, Allocation.prison_number == Case.prison_number)
        .where(
            Case.closed_state.is_(None),
            Case.planning_date > as_of,
            Case.planning_date <= as_of + timedelta(weeks=AT_RISK_WEEKS),
        )
        .order_by(Case.planning_date, Case.prison_number)
    )
    return [
        {
            "prison_number": row.prison_number,
            "name": " ".join(part for part in (row.first_name, row.last_name) if part),
            "planning_date": row.planning_date.isoformat(),
            "missing": list(row.missing or []),
            "last_step": row.last_step,
            "com": row.com_name,
            "pdu": row.pdu_code,
        }
        for row in session.execute(statement)
        if row.missing and (codes is None or row.establishment_code in codes)
    ]


def _grouped(
    cases: list[TrackedCase], attribute: str, names: dict[str, str | None], as_of: date, calendar: WorkingCalendar
) -> list[dict[str, Any]]:
    groups: dict[str, list[CaseDates]] = defaultdict(list)
    for case in cases:
        code = getattr(case, attribute)
        if code is not None:
            groups[code].append(case.dates)
    return [
        {"code": code, "name": names.get(code) or code, **measures(groups[code], as_of, calendar)}
        for code in sorted(groups)
    ]


def _names(session: Session) -> dict[str, dict[str, str | None]]:
    return {
        "establishments": dict(session.execute(select(Establishment.code, Establishment.name)).tuples().all()),
        "pdus": dict(session.execute(select(Pdu.code, Pdu.name)).tuples().all()),
        "teams": dict(session.execute(select(Team.code, Team.name)).tuples().all()),
    }


def _chunks(items: list[str], size: int = 900) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
