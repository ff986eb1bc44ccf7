"""What the pages show, read the way `mappa status`, `mappa case` and `mappa problems` read it.

Every function takes the signed-in person's Grant: a case their establishments do not hold
now is `None`, the same as one that does not exist, so the pages answer 404 for both.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from chase.problem_list import open_problems
from chase.views import case_views, notices_of
from cli.views import _details, _history
from config import runtime
from db.models import Prisoner, WebAccess
from db.session import session_factory, transaction
from feeds.record import Receipt, record_receipt

from .access import Grant
from .caseload import PAGE_SIZE, last_page


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


def problems(engine: Engine, grant: Grant, page: int) -> tuple[list[dict], int, int]:
    """(one page of PAGE_SIZE problems, the count of all, the page): the last page for one past the end."""
    found = open_problems(engine, None if grant.everywhere else grant.establishments)
    page = min(page, last_page(len(found)))
    return found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(found), page


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
