"""What the pages show, read the way `mappa status`, `mappa case` and `mappa problems` read it.

Every function takes the signed-in person's Grant: a case their establishments do not hold
now is `None`, the same as one that does not exist, so the pages answer 404 for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from chase.problem_list import open_problems
from chase.views import case_views, notices_of
from cli.views import _details, _history
from config import runtime
from db.models import Case, Prisoner, WebAccess
from db.session import session_factory, transaction
from feeds.record import Receipt, record_receipt
from rules.states import CLOSED_STATES, State

from .access import Grant

PAGE_SIZE = 50
OPEN_STATES = tuple(s.value for s in State if s not in CLOSED_STATES)


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    due_within_weeks: int | None = None


def caseload(
    engine: Engine, grant: Grant, today: date, filters: Filters, page: int | None = None
) -> tuple[list[dict], int]:
    """Open cases of the person's establishments as the last nightly check stored them, soonest planning
    date first, with names; one page of PAGE_SIZE (or every row, for the download) and the count of all."""
    # the prison holding the person now (the prisoner row), not the one the last night saw
    query = select(Case, Prisoner.first_name, Prisoner.last_name, Prisoner.establishment_code).join(
        Prisoner, Prisoner.prison_number == Case.prison_number
    )
    query = query.where(Case.closed_state.is_(None), Case.state.in_(OPEN_STATES))
    if not grant.everywhere:
        query = query.where(Prisoner.establishment_code.in_(sorted(grant.establishments)))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.due_within_weeks is not None:
        query = query.where(Case.due_date <= today + timedelta(weeks=filters.due_within_weeks))
    with session_factory(engine)() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        query = query.order_by(Case.planning_date.is_(None), Case.planning_date, Case.prison_number)
        if page is not None:
            query = query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        rows = [_row(case, first, last, held) for case, first, last, held in session.execute(query)]
    return rows, total


def _row(case: Case, first: str | None, last: str | None, held: str | None) -> dict:
    return {
        "prison_number": case.prison_number,
        "name": " ".join(p for p in (first, last) if p),
        "establishment_code": held,
        "state": case.state,
        "planning_date": case.planning_date,
        "due_date": case.due_date,
        "next_step": case.next_step,
        "next_step_date": case.next_step_date,
        "missing": list(case.missing or []),
    }


def held_establishment(engine: Engine, grant: Grant, prison_number: str) -> str | None:
    """The prison holding the person now, if the grant covers it; None also for a number never imported."""
    with session_factory(engine)() as session:
        prisoner = session.get(Prisoner, prison_number)
    if prisoner is None or not grant.holds(prisoner.establishment_code):
        return None
    return prisoner.establishment_code or "?"


def case_record(engine: Engine, grant: Grant, prison_number: str, today: date) -> dict | None:
    if held_establishment(engine, grant, prison_number) is None:
        return None
    details = _details(engine, prison_number)
    if details is None:
        return None
    views = case_views(
        engine,
        today,
        runtime.policy(),
        runtime.calendar(),
        prison_numbers=[prison_number],
        allowed_domains=runtime.settings().allowed_recipient_domains,
    )
    view = views[0] if views else {"prison_number": prison_number, "state": "not tracked"}
    return {**view, **details, "notices": notices_of(engine, prison_number), "history": _history(engine, prison_number)}


def record(engine: Engine, receipt: Receipt, today: date) -> tuple[str, ...]:
    """The same function, validation and audit event as `mappa record`; raises ReceiptError."""
    with transaction(engine) as session:
        return record_receipt(session, receipt, today)


def problems(engine: Engine, grant: Grant) -> list[dict]:
    if grant.everywhere:
        return open_problems(engine)
    return [p for code in sorted(grant.establishments) for p in open_problems(engine, code)]


def log_access(engine: Engine, actor: str, action: str, prison_number: str | None = None, **detail: object) -> None:
    """One row in the web access log, in its own short transaction (never the audit chain's)."""
    with transaction(engine) as session:
        session.add(WebAccess(actor=actor[:254], action=action, prison_number=prison_number, detail=detail))


def access_log(engine: Engine, limit: int = 200) -> list[WebAccess]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(WebAccess).order_by(WebAccess.id.desc()).limit(limit)))


def report(engine: Engine, grant: Grant, period_from: date, period_to: date, as_of: date):
    """The compliance report (docs/report.md) over the person's establishments (every one for "*")."""
    from chase.compliance import build_report

    establishments = None if grant.everywhere else sorted(grant.establishments)
    with session_factory(engine)() as session:
        return build_report(
            session, period_from=period_from, period_to=period_to, as_of=as_of, establishments=establishments
        )
