"""Load every tracked case and its history with a handful of set-based queries.

A case is tracked when the prison's identification or the COM's confirmation
gives it a MAPPA category 1-4, or a level 1-3; once tracked it stays tracked
(the `cases` row exists) so that closing notices and history are never lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import Allocation, Case, Establishment, MappaInformation, Notice, Pdu, Prisoner
from rules.decide import CaseFacts, Handled, History, People
from rules.information import Information
from rules.release import ReleaseDates

LIVE = ("pending", "sent", "failed", "blocked", "cancelled")


@dataclass
class Snapshot:
    """One case as tonight sees it: facts for the rules, plus what is stored about it."""

    facts: CaseFacts
    history: History
    stored: dict | None                      # the `cases` row as a dict, None if never checked
    pending: list[tuple[int, str, str]] = field(default_factory=list)  # (notice id, step, key) not yet sent


def tracked_condition():
    return or_(
        Prisoner.mappa_category.between(1, 4),
        MappaInformation.category.between(1, 4),
        MappaInformation.level.between(1, 3),
        Case.prison_number.is_not(None),
    )


def case_rows(session: Session, prison_numbers: Iterable[str] | None = None):
    """Everything the rules need about each tracked case, in one joined query."""
    pdu = aliased(Pdu)
    statement = (
        select(Prisoner, Allocation, Establishment, pdu, MappaInformation, Case)
        .outerjoin(Allocation, Allocation.prison_number == Prisoner.prison_number)
        .outerjoin(Establishment, Establishment.code == Prisoner.establishment_code)
        .outerjoin(pdu, pdu.code == Allocation.pdu_code)
        .outerjoin(MappaInformation, MappaInformation.prison_number == Prisoner.prison_number)
        .outerjoin(Case, Case.prison_number == Prisoner.prison_number)
        .where(tracked_condition())
        .order_by(Prisoner.prison_number)
    )
    if prison_numbers is not None:
        statement = statement.where(Prisoner.prison_number.in_(list(prison_numbers)))
    return session.execute(statement).tuples()


def facts_of(prisoner, allocation, establishment, pdu, information) -> CaseFacts:
    dates = ReleaseDates(
        sentence_type=prisoner.sentence_type, crd=prisoner.crd, ard=prisoner.ard, ped=prisoner.ped,
        hdced=prisoner.hdced, hdcad=prisoner.hdcad, prrd=prisoner.prrd, ted=prisoner.ted, thd=prisoner.thd,
    )
    info = Information()
    if information is not None:
        info = Information(category=information.category, level=information.level,
                           meeting_date=information.meeting_date, not_eligible=information.not_eligible)
    people = People(
        com=allocation and allocation.com_email, spo=allocation and allocation.spo_email,
        pdu_mailbox=pdu and pdu.mailbox, head_of_pdu=pdu and pdu.head_email,
        mappa_coordinator=pdu and pdu.mappa_coordinator_email,
        omu_mailbox=establishment and establishment.omu_mailbox,
        head_of_omu=establishment and establishment.head_of_omu_email,
    )
    return CaseFacts(prisoner.prison_number, prisoner.establishment_code, dates, prisoner.released_on, info, people)


NOTICE_COLUMNS = (Notice.prison_number, Notice.id, Notice.step, Notice.night, Notice.key, Notice.status, Notice.to,
                  # only a request's context matters here (the COM it asked); skip decoding the rest
                  case((Notice.step == "request", Notice.context), else_=None).label("context"))


def notices_by_case(session: Session, prison_numbers: list[str] | None) -> dict[str, list]:
    """Plain rows, not ORM objects: a national night reads hundreds of thousands of them."""
    statement = select(*NOTICE_COLUMNS).order_by(Notice.id)
    if prison_numbers is not None:
        statement = statement.where(Notice.prison_number.in_(prison_numbers))
    grouped: dict[str, list] = defaultdict(list)
    for row in session.execute(statement):
        grouped[row.prison_number].append(row)
    return grouped


def history_of(case: Case | None, notices: list) -> History:
    handled = tuple(
        Handled(step=n.step, night=n.night, key=n.key, superseded=n.status == "superseded",
                to=tuple(n.to or ()), com=(n.context or {}).get("com"))
        for n in notices
    )
    if case is None:
        return History(handled=handled)
    return History(tracked_since=case.tracked_since, handled=handled,
                   closed_state=case.closed_state, closed_on=case.closed_on)


def load_snapshots(session: Session, prison_numbers: Iterable[str] | None = None) -> list[Snapshot]:
    rows = list(case_rows(session, prison_numbers))
    wanted = None if prison_numbers is None else [row[0].prison_number for row in rows]
    notices = notices_by_case(session, wanted)
    snapshots = []
    for prisoner, allocation, establishment, pdu, information, case_row in rows:
        own = notices.get(prisoner.prison_number, [])
        snapshots.append(Snapshot(
            facts=facts_of(prisoner, allocation, establishment, pdu, information),
            history=history_of(case_row, own),
            stored=stored_fields(case_row),
            pending=[(n.id, n.step, n.key) for n in own if n.status == "pending"],
        ))
    return snapshots


STORED = ("state", "key_date", "key_source", "planning_date", "request_date", "due_date", "final_warning_date",
          "last_step", "next_step", "next_step_date", "missing", "problems", "closed_state", "closed_on",
          "tracked_since", "establishment_code")


def stored_fields(case: Case | None) -> dict | None:
    if case is None:
        return None
    return {name: getattr(case, name) for name in STORED}
