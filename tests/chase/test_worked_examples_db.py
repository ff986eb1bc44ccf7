"""The worked examples of the chase policy, run night by night through the database path, on both databases.

Each night is decided from what the database holds, written by chase/apply.py and read back by
chase/load.py; the outbox must be exactly what the in-memory replay of the same rules leaves behind
(rules/trail.py is the one definition of that), and the documented steps of each example.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from chase.night import load_cases
from db.models import AuditEvent, Notice
from db.session import session_factory
from tests.chase.helpers import BOOK, CALENDAR, run_night
from tests.rules.replay import replay
from tests.support import builders as b

EXAMPLES = {
    "A": (
        "2027-10-13",
        "2027-01-04",
        "2027-10-16",
        [
            ("2027-03-15", "request"),
            ("2027-04-13", "reminder"),
            ("2027-04-20", "escalation-1"),
            ("2027-05-05", "escalation-2"),
            ("2027-05-19", "escalation-3"),
            ("2027-10-14", "released-unconfirmed"),
        ],
    ),
    "B": (
        "2027-12-25",
        "2027-05-20",
        "2027-12-25",
        [
            ("2027-05-24", "request"),
            ("2027-06-22", "reminder"),
            ("2027-06-29", "escalation-1"),
            ("2027-07-13", "escalation-2"),
            ("2027-07-27", "escalation-3"),
            ("2027-12-23", "released-unconfirmed"),
        ],
    ),
    "C": (
        "2027-03-31",
        "2027-03-01",
        "2027-04-03",
        [("2027-03-01", "request"), ("2027-04-01", "released-unconfirmed")],
    ),
    "D": (
        "2027-10-13",
        "2027-03-10",
        "2027-05-01",
        [
            ("2027-03-15", "request"),
            ("2027-04-13", "reminder"),
            ("2027-04-20", "escalation-1"),
            ("2027-04-26", "resolved"),
        ],
    ),
}
INFORMATION_ARRIVES = date(2027, 4, 26)  # example D


def outbox_rows(engine) -> list[tuple]:
    with session_factory(engine)() as session:
        rows = session.execute(select(Notice.night, Notice.step, Notice.key, Notice.status).order_by(Notice.id))
        return [(night, step, key, status == "superseded") for night, step, key, status in rows]


def run_through_the_database(engine, name: str, first: date, last: date):
    facts_by_night, night = {}, first
    while night <= last:
        if name == "D" and night == INFORMATION_ARRIVES:
            b.information(engine, "A1234BC", category=1, level=1, on=night)
        facts_by_night[night] = load_cases(engine, include_closed=True)[0].facts
        run_night(engine, night)
        night += timedelta(days=1)
    return facts_by_night


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_worked_example_through_the_database(engine, name):
    crd, since, until, expected = EXAMPLES[name]
    first, last = date.fromisoformat(since), date.fromisoformat(until)
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date.fromisoformat(crd))
    facts_by_night = run_through_the_database(engine, name, first, last)
    in_memory = replay(facts_by_night.__getitem__, first, last, BOOK.base, CALENDAR)
    remembered = [(h.night, h.step, h.key, h.superseded) for h in in_memory.history.handled]
    assert outbox_rows(engine) == remembered
    chase = [
        (n.isoformat(), s) for n, s, _, superseded in outbox_rows(engine) if not superseded and s != "final-warning"
    ]
    assert chase == expected


def test_a_case_first_tracked_inside_its_final_warning_window_supersedes_its_request_once(engine):
    """Finding 2: eight final-warning nights used to leave eight superseded requests."""
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    night = date(2027, 10, 4)
    while night <= date(2027, 10, 16):
        run_night(engine, night)
        night += timedelta(days=1)
    rows = outbox_rows(engine)
    assert [(n, s, k) for n, s, k, superseded in rows if superseded] == [
        (date(2027, 10, 4), "request", "A1234BC/request/1")
    ]
    assert sum(1 for _, s, _, superseded in rows if s == "final-warning" and not superseded) == 8
    with session_factory(engine)() as session:
        events = session.scalar(select(func.count()).where(AuditEvent.kind == "step-superseded"))
    assert events == 1
