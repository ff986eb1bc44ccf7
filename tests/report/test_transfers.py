"""A transferred case counts in `mappa report` for the establishment that held it on its due date D.

Prisoners move through the releases feed, as a prison sends them; the nightly check records each
move with its night, and the report reads those moves.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from db.models import Case
from db.session import session_factory
from feeds.importer import import_feed
from tests.chase.helpers import run_night
from tests.feeds.conftest import RELEASES, release
from tests.support import builders as b
from tests.support.cli import mappa

FIRST, AS_OF = date(2027, 3, 1), date(2027, 8, 2)
CRD = {"A0001AA": "2027-10-13", "A0002AA": "2027-10-13", "A0003AA": "2027-10-06", "A0004AA": "2027-10-27"}
LATER = {"A0002AA": "2028-01-12", "A0003AA": "2028-01-19"}  # new release dates, after the reminder went
MOVES = {
    date(2027, 3, 8): [("A0004AA", "FKI")],  # before anything was sent
    date(2027, 4, 26): [("A0001AA", "FKI")],  # after its D (the reminder, 13 April), between escalations
    # between notices: after the last step before the new D, before that D (12 and 19 July)
    date(2027, 6, 1): [("A0002AA", "FKI"), ("A0003AA", "DMI")],
    date(2027, 7, 28): [("A0003AA", "FKI")],  # and back, after its new D
}
HELD_ON_D = {"A0001AA": "DMI", "A0002AA": "FKI", "A0003AA": "DMI", "A0004AA": "FKI"}


def feed(engine, folder, night: date, rows: dict[str, dict[str, str]]) -> None:
    path = folder / f"releases-{night}.csv"
    path.write_text("\n".join([RELEASES, *(release(number, **values) for number, values in rows.items())]) + "\n")
    report = import_feed(engine, "releases", path)
    assert report.rejected == [] and report.updated == len(rows), report


def test_a_transferred_case_counts_where_it_was_on_its_due_date(engine, mappa_env, tmp_path):
    b.durham(engine)
    b.prison(engine, "FKI", "HMP Frankland")
    where = {"A0001AA": "DMI", "A0002AA": "DMI", "A0003AA": "FKI", "A0004AA": "DMI"}
    for number, crd in CRD.items():
        b.prisoner(engine, number, crd=date.fromisoformat(crd), establishment=where[number])
    crd, night = dict(CRD), FIRST
    while night <= AS_OF:
        if night == date(2027, 4, 14):
            crd |= LATER
            feed(engine, tmp_path, night, {n: {"crd": crd[n], "establishment_code": where[n]} for n in LATER})
        for number, code in MOVES.get(night, []):
            where[number] = code
            feed(engine, tmp_path, night, {number: {"crd": crd[number], "establishment_code": code}})
        run_night(engine, night)
        night += timedelta(days=1)
    with session_factory(engine)() as session:
        due = dict(session.execute(select(Case.prison_number, Case.due_date)).tuples().all())
    assert len(set(due.values())) == len(due) and max(due.values()) < AS_OF  # a report of its own for each D
    assert {n: counted_for(due[n], due[n]) for n in HELD_ON_D} == {n: {held: 1} for n, held in HELD_ON_D.items()}
    assert counted_for(FIRST, AS_OF) == {"DMI": 2, "FKI": 2}


def counted_for(period_from: date, period_to: date) -> dict[str, int]:
    period = ("--from", str(period_from), "--to", str(period_to), "--as-of", str(AS_OF), "--format", "json")
    result = mappa("report", *period)
    assert result.exit_code == 0, result.output
    return {e["code"]: e["due"] for e in json.loads(result.output)["establishments"]}
