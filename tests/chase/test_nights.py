"""The chase against real databases: the worked examples, re-runs, races, information arriving."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from db.audit import verify
from db.models import AuditEvent, Case, Notice
from db.session import make_engine, session_factory
from feeds.importer import import_feed
from tests.chase.helpers import audit_count, outbox, run_night, run_nights
from tests.feeds.conftest import RELEASES, release
from tests.support import builders as b


def steps_for(engine, number):
    return [(step, night) for pn, step, night in outbox(engine) if pn == number]


def test_example_a_unfolds_night_by_night(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_nights(engine, date(2027, 1, 4), date(2027, 10, 20))
    sent = steps_for(engine, "A1234BC")
    assert sent[:5] == [
        ("request", date(2027, 3, 15)),
        ("reminder", date(2027, 4, 13)),
        ("escalation-1", date(2027, 4, 20)),
        ("escalation-2", date(2027, 5, 5)),
        ("escalation-3", date(2027, 5, 19)),
    ]
    warnings = [night for step, night in sent if step == "final-warning"]
    assert (warnings[0], warnings[-1], len(warnings)) == (date(2027, 9, 29), date(2027, 10, 13), 11)
    assert sent[-1] == ("released-unconfirmed", date(2027, 10, 14))
    with session_factory(engine)() as session:
        assert session.get(Case, "A1234BC").state == "released-unconfirmed"
        assert verify(session).ok


def test_example_d_resolves_and_tells_those_pressed(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_nights(engine, date(2027, 1, 4), date(2027, 4, 25))
    b.information(engine, "A1234BC", category=2, level=1, on=date(2027, 4, 23))
    run_nights(engine, date(2027, 4, 26), date(2027, 6, 1))
    assert steps_for(engine, "A1234BC")[-1] == ("resolved", date(2027, 4, 26))
    with session_factory(engine)() as session:
        resolved = session.scalars(select(Notice).where(Notice.step == "resolved")).one()
        assert set(resolved.to) == {"com.one@justice.gov.uk", "spo.one@justice.gov.uk"}
        assert session.get(Case, "A1234BC").state == "complete"


def test_rerunning_a_night_queues_and_records_nothing(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    first = run_night(engine, date(2027, 3, 15))
    before = (outbox(engine, include_superseded=True), audit_count(engine))
    again = run_night(engine, date(2027, 3, 15))
    assert [q["step"] for q in first.queued] == ["request"] and again.queued == []
    assert (outbox(engine, include_superseded=True), audit_count(engine)) == before


def test_a_transfer_is_recorded_once_with_the_night_it_was_first_seen(engine, tmp_path):
    b.durham(engine)
    b.prison(engine, "FKI", "HMP Frankland")
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    run_night(engine, date(2027, 3, 15))
    moved = tmp_path / "releases.csv"
    moved.write_text(f"{RELEASES}\n{release('A1234BC', establishment_code='FKI')}\n")
    assert import_feed(engine, "releases", moved).updated == 1
    for night in (date(2027, 3, 16), date(2027, 3, 16), date(2027, 3, 17)):  # a re-run records nothing more
        run_night(engine, night)
    with session_factory(engine)() as session:
        kinds = ("establishment-changed", "case-establishment-changed")
        found = session.execute(
            select(AuditEvent.kind, AuditEvent.detail).where(AuditEvent.kind.in_(kinds)).order_by(AuditEvent.seq)
        ).all()
        assert session.get(Case, "A1234BC").establishment_code == "FKI"
    assert [tuple(row) for row in found] == [
        ("establishment-changed", {"before": {"establishment_code": "DMI"}, "after": {"establishment_code": "FKI"}}),
        ("case-establishment-changed", {"before": "DMI", "after": "FKI", "night": "2027-03-16"}),
    ]


def test_a_dry_run_changes_nothing(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    report = run_night(engine, date(2027, 3, 15), dry_run=True)
    assert [q["step"] for q in report.queued] == ["request"]
    assert outbox(engine) == [] and audit_count(engine) == 0


def test_two_runs_racing_for_the_same_night_queue_once(engine, db_url):
    b.durham(engine)
    for n in range(40):
        b.prisoner(engine, f"A{n:04d}BC", crd=date(2027, 10, 13))
    engines = [make_engine(db_url) for _ in range(2)]
    barrier, errors = threading.Barrier(2), []

    def go(own):
        try:
            barrier.wait()
            run_night(own, date(2027, 3, 15), actor=f"racer {id(own)}")
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=go, args=(e,)) for e in engines]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len(outbox(engine)) == 40
    with session_factory(engine)() as session:
        assert verify(session).ok


def test_a_case_without_a_release_date_is_a_data_problem(engine):
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=None)
    report = run_night(engine, date(2027, 3, 15))
    assert report.problems == [
        {
            "prison_number": "A1234BC",
            "establishment_code": "DMI",
            "code": "no-release-date",
            "detail": "",
            "blocking": True,
        }
    ]
    assert report.states["data-problem"] == 1 and report.queued == []
