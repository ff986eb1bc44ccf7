"""What the pages show, read the way `mappa status`, `mappa case` and `mappa problems` read it.

Every function takes the signed-in person's Grant: a case their establishments do not hold
now is `None`, the same as one that does not exist, so the pages answer 404 for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, select

from chase.problem_list import open_problems
from chase.views import case_views, notices_of
from cli.views import _details, _history
from config import runtime
from db.models import Prisoner, WebAccess
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


def caseload(engine: Engine, grant: Grant, today: date, filters: Filters) -> list[dict]:
    """Open cases of the person's establishments, most urgent (soonest planning date) first."""
    places = [None] if grant.everywhere else sorted(grant.establishments)
    rows = [
        row
        for place in places
        for row in case_views(
            engine,
            today,
            runtime.policy(),
            runtime.calendar(),
            establishment=place,
            allowed_domains=runtime.settings().allowed_recipient_domains,
        )
        if row["state"] in OPEN_STATES and grant.holds(row["establishment_code"])
    ]
    if filters.state:
        rows = [r for r in rows if r["state"] == filters.state]
    if filters.due_within_weeks is not None:
        until = today + timedelta(weeks=filters.due_within_weeks)
        rows = [r for r in rows if r["due_date"] is not None and r["due_date"] <= until]
    rows.sort(key=lambda r: (r["planning_date"] is None, r["planning_date"] or today, r["prison_number"]))
    return rows


def with_names(engine: Engine, rows: list[dict]) -> list[dict]:
    """Add each row's name, for the rows about to be shown or downloaded only."""
    numbers = [r["prison_number"] for r in rows]
    names: dict[str, str] = {}
    with session_factory(engine)() as session:
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            query = select(Prisoner.prison_number, Prisoner.first_name, Prisoner.last_name)
            for number, first, last in session.execute(query.where(Prisoner.prison_number.in_(chunk))):
                names[number] = " ".join(p for p in (first, last) if p)
    return [{**r, "name": names.get(r["prison_number"], "")} for r in rows]


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
