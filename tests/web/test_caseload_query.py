"""The caseload's pages and CSV download read straight from the database (SQLite and PostgreSQL), no browser."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from sqlalchemy import Engine

from cli.web import caseload
from cli.web.access import Grant
from db.models import Case, Prisoner
from db.session import make_engine, transaction

TODAY = date(2026, 12, 3)
EVERYONE = Grant("viewer", frozenset({"*"}))
DURHAM = Grant("viewer", frozenset({"DMI"}))
OPEN = caseload.CSV_CHUNK + 30  # more than one chunk of the download


def cases(engine: Engine) -> list[dict]:
    """OPEN open cases in two prisons (some with no planning date, some on the same day), and closed ones."""
    pick = random.Random(15)
    made = []
    with transaction(engine) as session:
        for n in range(OPEN + 40):
            number, prison = f"A{n:04d}BC", ("DMI", "LEI")[n % 2]
            planning = None if n % 17 == 0 else TODAY + timedelta(days=pick.randrange(200))
            closed, state = n >= OPEN, ("scheduled", "requested")[n % 3 == 0]
            session.add(
                Prisoner(prison_number=number, first_name="=Jo", last_name=f"Case{n}", establishment_code=prison)
            )
            session.add(
                Case(
                    prison_number=number,
                    establishment_code=prison,
                    tracked_since=TODAY,
                    state="complete" if closed else state,
                    closed_state="complete" if closed else None,
                    planning_date=planning,
                    next_step="request",
                    next_step_date=planning,
                )
            )
            if not closed:
                made.append(
                    {"number": number, "prison": prison, "planning": planning, "state": state, "name": f"=Jo Case{n}"}
                )
    # the caseload's order: soonest planning date first, none last, then by prison number
    return sorted(made, key=lambda c: (c["planning"] is None, c["planning"] or date.min, c["number"]))


def download(engine: Engine, grant: Grant) -> tuple[list[list[str]], int, int]:
    pieces, rows = caseload.csv_pieces(engine, grant, TODAY, caseload.Filters())
    return list(csv.reader(io.StringIO("".join(pieces)))), rows, len(pieces)


def test_the_download_has_the_header_and_every_open_case_in_the_pages_order(engine):
    expected = cases(engine)
    lines, rows, pieces = download(engine, EVERYONE)
    assert lines[0] == list(caseload.CSV_COLUMNS)
    assert [line[0] for line in lines[1:]] == [c["number"] for c in expected]
    assert rows == len(expected) == OPEN and pieces == 3  # the header, then two chunks
    first = expected[0]
    assert lines[1] == [
        first["number"],
        "'" + first["name"],  # never a formula in a spreadsheet
        first["prison"],
        first["state"],
        first["planning"].isoformat(),
        "request",
        first["planning"].isoformat(),
    ]
    assert lines[-1][4] == "" and lines[-1][6] == ""  # no planning date: last, and empty cells


def test_one_prisons_user_downloads_only_that_prisons_cases(engine):
    expected = [c["number"] for c in cases(engine) if c["prison"] == "DMI"]
    lines, rows, _ = download(engine, DURHAM)
    assert [line[0] for line in lines[1:]] == expected and rows == len(expected)
    assert {line[2] for line in lines[1:]} == {"DMI"}


def test_the_pages_are_the_download_fifty_at_a_time_and_past_the_end_is_the_last_page(engine):
    expected = [c["number"] for c in cases(engine)]
    pages = caseload.last_page(len(expected))
    seen = []
    for number in range(1, pages + 1):
        rows, total, page = caseload.page_of(engine, EVERYONE, TODAY, caseload.Filters(), number)
        assert (total, page) == (len(expected), number) and len(rows) <= caseload.PAGE_SIZE
        seen += [row["prison_number"] for row in rows]
    assert seen == expected
    rows, _, page = caseload.page_of(engine, EVERYONE, TODAY, caseload.Filters(), pages + 5)
    assert page == pages and [row["prison_number"] for row in rows] == expected[(pages - 1) * caseload.PAGE_SIZE :]


def plan(engine: Engine, query) -> str:
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        return " | ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_a_deep_page_reads_the_caseload_index_in_order_and_the_download_sorts_once(sqlite_url):
    engine = make_engine(sqlite_url)
    page = plan(engine, caseload.page_query(EVERYONE, TODAY, caseload.Filters(), 100))
    everything = plan(engine, caseload.download_query(EVERYONE, TODAY, caseload.Filters()))
    engine.dispose()
    assert "ix_cases_open_order" in page and "TEMP B-TREE" not in page, page
    assert "ix_cases_open_order" not in everything, everything  # fetching every row in the index's order costs more
