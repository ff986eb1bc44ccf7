"""The same cases through the APIs and through the CSV feeds give the same notices on the same nights.

Two databases of one kind (SQLite or PostgreSQL): one fed each night by CSV files, one by
`sync` with --as-of that night (and the MAPP meeting date from an allocations file, as the
issue says). Every night both run the chase; their outboxes must match night by night:
who, which step, to whom.

The cases are ones the prison identifies (a PC alert): they are asked about every night.
A case only probation identifies is found on its weekly ask, so an API-fed site may learn
of it up to `recheck_days` after a daily CSV would.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from db.models import AuditEvent, Notice
from db.session import make_engine, session_factory
from feeds.importer import import_feed
from tests.chase.helpers import run_night
from tests.hmpps.conftest import NIGHT
from tests.hmpps.world import case_record, person, registration

NIGHTS = 28
DMI, LPI = "DMI", "LPI"
PDU, TEAM = "N07DUR", "N07T01"
SPO = ("Sam Senior", "sam.senior@justice.gov.uk")


@dataclass
class Truth:
    number: str
    crn: str
    release: date
    category: int = 2
    com: tuple[str, str, str] | None = ("Casey", "Officer", "casey.officer@justice.gov.uk")
    confirmed: tuple[int, int, date] | None = None  # (category, level, night it arrives)
    meeting: tuple[date, date] | None = None  # (meeting date, night it arrives)
    moved: tuple[str, date] | None = None  # (to prison, night)
    released_on: date | None = None

    def prison(self, night: date) -> str:
        return self.moved[0] if self.moved and night >= self.moved[1] else DMI

    def out(self, night: date) -> bool:
        return self.released_on is not None and night >= self.released_on

    def info(self, night: date):
        return self.confirmed if self.confirmed and night >= self.confirmed[2] else None


def d(days: int) -> date:
    return NIGHT + timedelta(days=days)


CASES = [
    Truth("A1001AA", "X100001", d(200)),  # requested on the first night, then a reminder
    Truth("A1002AA", "X100002", d(150)),  # overdue: the escalation ladder
    Truth("A1003AA", "X100003", d(20)),  # final warnings
    Truth("A1004AA", "X100004", d(160), com=None),  # no COM: the PDU mailbox is asked
    Truth("A1005AA", "X100005", d(150), confirmed=(1, 1, d(20))),  # escalated, then confirmed: resolved
    Truth("A1006AA", "X100006", d(150), confirmed=(2, 2, d(5)), meeting=(d(60), d(12))),  # level 2: meeting later
    Truth("A1007AA", "X100007", d(175), moved=(LPI, d(8))),  # transferred
    Truth("A1008AA", "X100008", d(130), released_on=d(11)),  # released early, unconfirmed
    Truth("A1009AA", "X100009", d(155), confirmed=(0, 0, d(6))),  # not MAPPA-eligible after all
]
NOT_MAPPA = [("A2001BB", d(100)), ("A2002BB", d(900))]


def write_csv(path, header, rows):
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def reference_feeds(engine, folder, with_teams: bool) -> None:
    folder.mkdir(exist_ok=True)
    prisons = [
        [code, f"HMP {code}", f"omu.{code.lower()}@justice.gov.uk", f"head.omu.{code.lower()}@justice.gov.uk"]
        for code in (DMI, LPI)
    ]
    import_feed(
        engine,
        "establishments",
        write_csv(folder / "e.csv", ["code", "name", "omu_mailbox", "head_of_omu_email"], prisons),
    )
    pdus = [[PDU, "Durham", "pdu.n07dur@justice.gov.uk", "head.pdu@justice.gov.uk", "mappa.n07@justice.gov.uk"]]
    import_feed(
        engine,
        "pdus",
        write_csv(folder / "p.csv", ["code", "name", "mailbox", "head_email", "mappa_coordinator_email"], pdus),
    )
    if with_teams:
        teams = [[TEAM, "Team 1", PDU, *SPO]]
        import_feed(
            engine, "teams", write_csv(folder / "t.csv", ["code", "name", "pdu_code", "spo_name", "spo_email"], teams)
        )


RELEASE_HEADER = [
    "prison_number",
    "first_name",
    "last_name",
    "date_of_birth",
    "establishment_code",
    "sentence_type",
    "crd",
    "ard",
    "ped",
    "hdced",
    "hdcad",
    "prrd",
    "ted",
    "thd",
    "mappa_category",
    "crn",
    "released_on",
]
BLANK_DATES = [""] * 7
ALLOCATION_HEADER = [
    "prison_number",
    "crn",
    "com_name",
    "com_email",
    "spo_name",
    "spo_email",
    "pdu_code",
    "mappa_category",
    "mappa_level",
    "mapp_meeting_date",
    "confirmed_on",
]


def csv_night(engine, folder, night: date) -> None:
    releases = [
        [
            c.number,
            "ALEX",
            "EXAMPLE",
            "1980-02-03",
            c.prison(night),
            "determinate",
            c.release.isoformat(),
            *BLANK_DATES,
            c.category,
            c.crn,
            c.released_on.isoformat() if c.out(night) else "",
        ]
        for c in CASES
    ]
    releases += [
        [n, "ALEX", "EXAMPLE", "1980-02-03", DMI, "determinate", r.isoformat(), *BLANK_DATES, "", "", ""]
        for n, r in NOT_MAPPA
    ]
    report = import_feed(engine, "releases", write_csv(folder / f"releases-{night}.csv", RELEASE_HEADER, releases))
    assert report.exit_code == 0, report.summary()
    allocations = []
    for c in CASES:
        info, meeting = c.info(night), c.meeting if c.meeting and night >= c.meeting[1] else None
        com = c.com or ("", "", "")
        row = [c.number, c.crn, f"{com[0]} {com[1]}".strip(), com[2], *SPO, PDU, "", "", "", ""]
        if info:
            row[7:9] = ["", "0"] if info[1] == 0 else [info[0], info[1]]
            row[10] = info[2].isoformat()
        if meeting:
            row[9] = meeting[0].isoformat()
        allocations.append(row)
    report = import_feed(
        engine, "allocations", write_csv(folder / f"allocations-{night}.csv", ALLOCATION_HEADER, allocations)
    )
    assert report.exit_code == 0, report.rejection_lines()


def api_world(world, night: date) -> None:
    world.prisons.clear(), world.elsewhere.clear(), world.case_records.clear(), world.registrations.clear()
    for c in CASES:
        doc = person(c.number, c.prison(night), crd=c.release, category=c.category)
        if c.out(night):
            world.elsewhere[c.number] = doc | {
                "status": "INACTIVE OUT",
                "prisonId": "OUT",
                "lastMovementTypeCode": "REL",
                "lastMovementDate": c.released_on.isoformat(),
            }
        else:
            world.prisons.setdefault(c.prison(night), []).append(doc)
        info = c.info(night)
        world.case_records[c.number] = case_record(
            c.number, c.crn, com=c.com, team=TEAM, mappa_level=info[1] if info else None
        )
        if info:
            world.registrations[c.crn] = registration(info[0], info[1], info[2])
    for number, release in NOT_MAPPA:
        world.prisons[DMI].append(person(number, DMI, crd=release))
        world.case_records[number] = case_record(number, "X9" + number[1:6], com=None)


def api_meeting_dates(engine, folder, night: date) -> None:
    rows = [[c.number, c.meeting[0].isoformat()] for c in CASES if c.meeting and night >= c.meeting[1]]
    if rows:
        import_feed(
            engine,
            "allocations",
            write_csv(folder / f"meetings-{night}.csv", ["prison_number", "mapp_meeting_date"], rows),
        )


def outbox(engine, night: date) -> list[tuple]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Notice.prison_number, Notice.step, Notice.to, Notice.cc, Notice.status)
            .where(Notice.night == night, Notice.kind == "case")
            .order_by(Notice.prison_number, Notice.step)
        )
        return [(r.prison_number, r.step, sorted(r.to), sorted(r.cc), r.status) for r in rows]


def moves(engine) -> list[tuple]:
    """The transfers the nightly check recorded, whichever source told it (the report places cases by them)."""
    with session_factory(engine)() as session:
        statement = select(AuditEvent.prison_number, AuditEvent.detail).where(
            AuditEvent.kind == "case-establishment-changed"
        )
        return [tuple(row) for row in session.execute(statement.order_by(AuditEvent.seq))]


def test_api_and_csv_feeds_give_the_same_notices_night_by_night(request, db_url, world, api, sync, engine, tmp_path):
    kind = request.node.callspec.params["db_url"]
    factory = request.getfixturevalue(f"{kind}_factory")
    (tmp_path / "csv-side").mkdir()
    csv_url = factory.create(tmp_path / "csv-side")
    csv_engine = make_engine(csv_url)
    try:
        reference_feeds(csv_engine, tmp_path / "csv", with_teams=False)
        reference_feeds(engine, tmp_path / "api", with_teams=True)
        steps = set()
        for offset in range(NIGHTS):
            night = NIGHT + timedelta(days=offset)
            csv_night(csv_engine, tmp_path / "csv", night)
            api_world(world, night)
            for code in (DMI, LPI):
                result = sync(code, night)
                assert result.failed is None and result.error_count == 0, result
            api_meeting_dates(engine, tmp_path / "api", night)
            run_night(csv_engine, night), run_night(engine, night)
            from_csv, from_api = outbox(csv_engine, night), outbox(engine, night)
            assert from_api == from_csv, f"night {night}"
            steps |= {row[1] for row in from_csv}
        assert {"request", "reminder", "escalation-1", "final-warning", "resolved", "released-unconfirmed"} <= steps
        assert moves(engine) == moves(csv_engine) == [("A1007AA", {"before": DMI, "after": LPI, "night": str(d(8))})]
    finally:
        csv_engine.dispose()
        factory.drop(csv_url)
