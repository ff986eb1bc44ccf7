"""Every measure of `mappa report --format json`, derived again from the audit trail and the outbox.

The derivation below shares no code with chase.compliance or rules.compliance: it reads the
`case-closed` events of the audit trail for completion and release, the `step-queued` events (and
their notices' status) for the most senior step, and the `case-establishment-changed` events for
where a case was on its due date D. From the cases table it reads only D (the latest plan's date)
and, for a case never seen to move, where the nightly check holds it.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from config.settings import get_settings
from db.models import AuditEvent, Case, MappaInformation, Notice, Prisoner
from db.session import session_factory
from rules.calendar import WorkingCalendar
from rules.steps import Step
from tests.report.year import END, simulate_year
from tests.support.cli import mappa

CALENDAR = WorkingCalendar.england_and_wales()
FROM, TO, AS_OF = date(2027, 3, 1), date(2027, 11, 30), date(2027, 12, 20)


@pytest.fixture
def year(engine, db_url, monkeypatch):
    simulate_year(engine)
    monkeypatch.setenv("MAPPA_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield engine
    get_settings.cache_clear()


def derive(engine, period_from: date, period_to: date, as_of: date) -> dict:
    with session_factory(engine)() as session:
        due = dict(session.execute(select(Case.prison_number, Case.due_date)).tuples().all())
        closed = {
            e.prison_number: (e.detail["state"], date.fromisoformat(e.detail["on"]))
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.kind == "case-closed").order_by(AuditEvent.seq)
            )
        }
        confirmed = dict(
            session.execute(select(MappaInformation.prison_number, MappaInformation.confirmed_on)).tuples().all()
        )
        released = dict(session.execute(select(Prisoner.prison_number, Prisoner.released_on)).tuples().all())
        status = {
            key: (st, night) for key, st, night in session.execute(select(Notice.key, Notice.status, Notice.night))
        }
        now = dict(session.execute(select(Case.prison_number, Case.establishment_code)).tuples().all())
        moves = [
            (e.prison_number, date.fromisoformat(e.detail["night"]), e.detail["before"], e.detail["after"])
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.kind == "case-establishment-changed").order_by(AuditEvent.seq)
            )
        ]
        queued = [
            (e.prison_number, e.detail["step"], e.detail["key"])
            for e in session.scalars(select(AuditEvent).where(AuditEvent.kind == "step-queued"))
        ]
        tracked = {
            e.prison_number for e in session.scalars(select(AuditEvent).where(AuditEvent.kind == "case-tracked"))
        }
    moved: dict[str, list[tuple[date, str, str]]] = defaultdict(list)
    for number, night, before, after in moves:
        moved[number].append((night, before, after))
    where = {}
    for number, d in due.items():
        if d is not None:  # the last move on or before D says where it went, else the first after where it left
            went = [after for night, _, after in moved[number] if night <= d]
            left = [before for night, before, _ in moved[number] if night > d]
            where[number] = went[-1] if went else left[0] if left else now[number]
    most_senior: dict[str, Step] = {}
    for number, name, key in queued:
        step = Step(name)
        if status[key][0] in ("withdrawn", "cancelled", "superseded") or status[key][1] > as_of:
            continue
        if step in (Step.RELEASED_UNCONFIRMED, Step.RESOLVED):
            continue
        if number not in most_senior or step.seniority > most_senior[number].seniority:
            most_senior[number] = step
    rows = []
    for number in sorted(tracked):
        d = due.get(number)
        if d is None or not (period_from <= d <= period_to):
            continue
        state, on = closed.get(number, (None, None))
        done = (confirmed.get(number) or on) if state in ("complete", "not-eligible") else None
        gone = released.get(number) or (on if state == "released-unconfirmed" else None)
        done = done if done and done <= as_of else None
        gone = gone if gone and gone <= as_of else None
        if done and (not gone or done <= gone):
            outcome = "confirmed_on_time" if done <= d else "confirmed_late"
        elif gone:
            outcome = "released_unconfirmed"
        else:
            outcome = "open_overdue"
        late = sum(CALENDAR.is_working_day(d + timedelta(days=k)) for k in range(1, (done - d).days + 1)) if done else 0
        rows.append({"number": number, "outcome": outcome, "late": late, "at": where.get(number)})
    return {"rows": rows, "senior": most_senior}


def expected_measures(rows: list[dict], senior: dict[str, Step]) -> dict:
    counts = Counter(r["outcome"] for r in rows)
    late = sorted(r["late"] for r in rows if r["outcome"] == "confirmed_late")
    steps = Counter(str(senior[r["number"]]) for r in rows if r["number"] in senior)
    return {
        "due": len(rows),
        **{k: counts[k] for k in ("confirmed_on_time", "confirmed_late", "released_unconfirmed", "open_overdue")},
        "on_time_rate": counts["confirmed_on_time"] / len(rows) if rows else None,
        "median_working_days_late": float(statistics.median(late)) if late else None,
        "p90_working_days_late": float(late[math.ceil(0.9 * len(late)) - 1]) if late else None,
        "highest_step": dict(steps),
    }


def report_json(*args: str) -> dict:
    result = mappa("report", "--from", str(FROM), "--to", str(TO), "--as-of", str(AS_OF), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_measure_matches_an_independent_derivation(year):
    derived = derive(year, FROM, TO, AS_OF)
    report = report_json()
    assert (report["from"], report["to"], report["as_of"]) == (str(FROM), str(TO), str(AS_OF))
    assert report["totals"] == expected_measures(derived["rows"], derived["senior"])
    outcomes = {r["outcome"] for r in derived["rows"]}
    assert (
        outcomes == {"confirmed_on_time", "confirmed_late", "released_unconfirmed", "open_overdue"}
        or len(outcomes) >= 3
    )
    t = report["totals"]
    assert t["confirmed_on_time"] + t["confirmed_late"] + t["released_unconfirmed"] + t["open_overdue"] == t["due"]
    by_prison = defaultdict(list)
    for row in derived["rows"]:
        by_prison[row["at"]].append(row)
    assert {e["code"]: {k: v for k, v in e.items() if k not in ("code", "name")} for e in report["establishments"]} == {
        code: expected_measures(rows, derived["senior"]) for code, rows in by_prison.items() if code
    }
    weeks_and_an_establishment_on_its_own(year)


def weeks_and_an_establishment_on_its_own(year):
    report = report_json("--establishment", "FKI")
    assert [e["code"] for e in report["establishments"]] == ["FKI"]
    assert report["totals"]["due"] == report["establishments"][0]["due"]
    assert len(report["weekly"]) == 12 and report["weekly"][-1]["week"] == "2027-W48"
    for week in report["weekly"]:
        year_, number = week["week"].split("-W")
        monday = date.fromisocalendar(int(year_), int(number), 1)
        derived = derive(year, monday, monday + timedelta(days=6), AS_OF)
        rows = [r for r in derived["rows"] if r["at"] == "FKI"]
        assert {k: v for k, v in week.items() if k != "week"} == expected_measures(rows, derived["senior"])


def test_a_period_after_the_night_is_refused(sqlite_url, monkeypatch):
    monkeypatch.setenv("MAPPA_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    result = mappa("report", "--from", "2027-12-01", "--to", str(END), "--as-of", "2027-12-20", "--format", "json")
    assert result.exit_code == 2 and "after the night reported on" in result.output
