"""A steady night decides again only the cases whose inputs or dates moved (rules.stands), on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from chase.night import decide_cases, load_cases
from chase.outcome import case_fields
from db.models import Case
from db.session import session_factory, transaction
from tests.chase.helpers import BOOK, CALENDAR, run_night
from tests.support import builders as b

REMEMBERED = {"decided_inputs", "decided_on", "decide_again_on"}


def cases(engine) -> dict[str, Case]:
    with session_factory(engine)() as session:
        return {c.prison_number: c for c in session.scalars(select(Case))}


def test_a_steady_night_decides_again_only_what_moved(engine):
    b.durham(engine)
    b.prisoner(engine, "A1111AA", crd=date(2027, 10, 13))  # its request is months away
    b.prisoner(engine, "A2222AA", crd=date(2027, 9, 1))
    first = run_night(engine, date(2027, 1, 4))
    assert (first.cases, first.standing) == (2, 0)  # nothing was decided before
    assert run_night(engine, date(2027, 1, 5)).standing == 0  # the first night's history: not yet tracked
    assert run_night(engine, date(2027, 1, 6)).standing == 2
    b.prisoner(engine, "A2222AA", crd=date(2027, 9, 1), com="com.two")  # a new COM: its inputs moved
    steady = run_night(engine, date(2027, 1, 7))
    assert (steady.cases, steady.standing) == (2, 1)
    stored = cases(engine)
    assert stored["A1111AA"].decided_on == date(2027, 1, 5)
    assert stored["A2222AA"].decided_on == date(2027, 1, 7)
    assert stored["A1111AA"].decide_again_on == stored["A1111AA"].request_date == date(2027, 3, 15)


def test_a_decision_is_not_reused_for_a_night_before_it_was_made(engine):
    b.durham(engine)
    b.prisoner(engine, "A1111AA", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 1, 5))
    run_night(engine, date(2027, 1, 7))
    assert run_night(engine, date(2027, 1, 6)).standing == 0
    assert run_night(engine, date(2027, 1, 8)).standing == 1


def test_what_every_case_reads_decides_every_case_again(engine):
    b.durham(engine)
    b.prisoner(engine, "A1111AA", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 1, 4))
    run_night(engine, date(2027, 1, 5))
    b.prison(engine, "FMI", "HMP Frankland")  # the establishments known: a data problem may come or go
    assert run_night(engine, date(2027, 1, 6)).standing == 0
    assert run_night(engine, date(2027, 1, 7)).standing == 1
    with transaction(engine) as session:  # a remembered decision from elsewhere is not trusted
        session.get(Case, "A1111AA").decided_inputs = "0" * 40
    assert run_night(engine, date(2027, 1, 8)).standing == 0


def test_every_night_the_stored_rows_are_what_deciding_again_would_give(engine):
    """Through five months of a chase (request, reminder, escalations, a COM change, a data problem),
    each night's stored rows equal a fresh decision of every case that night, skipped or not."""
    b.durham(engine)
    b.prisoner(engine, "A1111AA", crd=date(2027, 10, 13))
    b.prisoner(engine, "A2222AA", crd=date(2027, 6, 30))
    b.prisoner(engine, "A3333AA", crd=None)  # no release date: a data problem that stands
    b.prisoner(engine, "A4444AA", crd=date(2027, 8, 2), com=None)  # the request goes to the PDU mailbox
    night, skipped = date(2027, 1, 4), 0
    while night <= date(2027, 6, 4):
        if night == date(2027, 4, 1):
            b.prisoner(engine, "A1111AA", crd=date(2027, 10, 13), com="com.two")
        skipped += run_night(engine, night).standing
        snapshots = load_cases(engine)
        fresh = {o.prison_number: case_fields(o) for o in decide_cases(snapshots, night, BOOK, CALENDAR, known=None)}
        for snapshot in snapshots:
            kept = {k: v for k, v in snapshot.stored.items() if k not in REMEMBERED}
            assert kept == fresh[snapshot.facts.prison_number], (night, snapshot.facts.prison_number)
        night += timedelta(days=1)
    assert skipped > 300  # most case-nights were not decided again
