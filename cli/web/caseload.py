"""The caseload: the open cases of the person's establishments as the last nightly check stored them,
soonest planning date first, one page at a time, or every row for the CSV download."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, Select, func, select

from db.models import Case, Prisoner
from rules.states import CLOSED_STATES, State

from .access import Grant

PAGE_SIZE = 50
OPEN_STATES = tuple(s.value for s in State if s not in CLOSED_STATES)
# The order ix_cases_open_order holds (migration 0008): a deep page walks the index, it sorts nothing
ORDER = (Case.planning_date.is_(None), Case.planning_date, Case.prison_number)
CSV_COLUMNS = ("prison_number", "name", "establishment_code", "state", "planning_date", "next_step", "next_step_date")
CSV_CHUNK = 1000
PAGE_COLUMNS = (Case.state, Case.planning_date, Case.due_date, Case.next_step, Case.next_step_date, Case.missing)
CSV_FIELDS = (Case.state, Case.planning_date, Case.next_step, Case.next_step_date)


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    due_within_weeks: int | None = None


def open_cases(grant: Grant, today: date, filters: Filters, *columns, every_row: bool = False) -> Select:
    """The person's open cases with their name and the prison holding them now (the prisoner row, not the one
    the last night saw), selecting `columns` after those four."""
    names = (Case.prison_number, Prisoner.first_name, Prisoner.last_name, Prisoner.establishment_code)
    query = select(*names, *columns).join(Prisoner, Prisoner.prison_number == Case.prison_number)
    # Two spellings of one set (a state is never empty) for SQLite's planner. A page: NOT IN the closed
    # states is no use to the state index, so ix_cases_open_order is read in order and the read stops after
    # the page. Every row: IN the open states, so the state index is read and the rows sorted once, which
    # costs half of fetching each row in the index's order.
    state = Case.state.in_(OPEN_STATES) if every_row else Case.state.not_in([s.value for s in CLOSED_STATES])
    query = query.where(Case.closed_state.is_(None), state)
    if not grant.everywhere:
        query = query.where(Prisoner.establishment_code.in_(sorted(grant.establishments)))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.due_within_weeks is not None:
        query = query.where(Case.due_date <= today + timedelta(weeks=filters.due_within_weeks))
    return query


def count(engine: Engine, grant: Grant, today: date, filters: Filters) -> int:
    query = open_cases(grant, today, filters)
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(query.subquery())) or 0


def page_of(engine: Engine, grant: Grant, today: date, filters: Filters, page: int) -> tuple[list[dict], int, int]:
    """(rows, count of all, page): one page of PAGE_SIZE, the last one for a page past the end."""
    total = count(engine, grant, today, filters)
    page = min(page, last_page(total))
    with engine.connect() as connection:
        rows = [_row(*row) for row in connection.execute(page_query(grant, today, filters, page))]
    return rows, total, page


def page_query(grant: Grant, today: date, filters: Filters, page: int) -> Select:
    query = open_cases(grant, today, filters, *PAGE_COLUMNS).order_by(*ORDER)
    return query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)


def download_query(grant: Grant, today: date, filters: Filters) -> Select:
    return open_cases(grant, today, filters, *CSV_FIELDS, every_row=True).order_by(*ORDER)


def last_page(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _row(number, first, last, held, state, planning, due, step, step_date, missing) -> dict:
    return {
        "prison_number": number,
        "name": _name(first, last),
        "establishment_code": held,
        "state": state,
        "planning_date": planning,
        "due_date": due,
        "next_step": step,
        "next_step_date": step_date,
        "missing": list(missing or []),
    }


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def csv_pieces(engine: Engine, grant: Grant, today: date, filters: Filters) -> tuple[list[str], int]:
    """(the CSV text in pieces, the rows in it): the header, then every row in the page's order, read as
    plain tuples CSV_CHUNK at a time. All is read in one short transaction before the first piece goes out:
    on SQLite a transaction holds the write lock (BEGIN IMMEDIATE), which a slow download must not keep from
    the nightly check, and one transaction is one night's caseload."""
    query = download_query(grant, today, filters)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    pieces, rows = [out.getvalue()], 0
    with engine.connect() as connection:
        for chunk in connection.execution_options(yield_per=CSV_CHUNK).execute(query).partitions():
            out.seek(0)
            out.truncate()
            # the state, the step and the dates are the rules' own words and ISO dates: only text from the
            # feeds could start a formula
            writer.writerows(
                (_cell(number), _cell(_name(first, last)), _cell(held), *rest)
                for number, first, last, held, *rest in chunk
            )
            pieces.append(out.getvalue())
            rows += len(chunk)
    return pieces, rows


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # never a formula in a spreadsheet
