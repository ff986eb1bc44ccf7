"""One source of truth per establishment, and the teams feed giving the SPO and PDU of a COM's team."""

from __future__ import annotations

from datetime import date, timedelta

from feeds.importer import import_feed
from tests.hmpps.conftest import NIGHT
from tests.hmpps.helpers import allocation, events, information, prisoner
from tests.hmpps.world import case_record, person

SOON = NIGHT + timedelta(days=150)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_sync_fed_establishment_skips_csv_rows_except_the_meeting_date(world, api, sync, engine, tmp_path):
    world.prisons["DMI"] = [person("A1111AA", "DMI", crd=SOON, category=2)]
    world.case_records["A1111AA"] = case_record("A1111AA", "X111111", com=("Jo", "Bloggs", "jo@justice.gov.uk"))
    sync()
    header = "prison_number,first_name,last_name,date_of_birth,establishment_code,sentence_type,crd,ard,ped,hdced,"
    header += "hdcad,prrd,ted,thd,mappa_category,crn,released_on\n"
    releases = write(
        tmp_path,
        "releases.csv",
        header + "A1111AA,A,B,1980-01-01,DMI,determinate,2027-02-01,,,,,,,,1,,\n"
        "A9999ZZ,C,D,1980-01-01,DMI,determinate,2027-02-01,,,,,,,,1,,\n"
        "A8888YY,E,F,1980-01-01,LPI,determinate,2027-02-01,,,,,,,,1,,\n",
    )
    report = import_feed(engine, "releases", releases)
    assert (report.skipped, report.inserted) == (2, 1) and "2 skipped" in report.summary()
    assert prisoner(engine, "A1111AA").crd == SOON and prisoner(engine, "A9999ZZ") is None
    allocations = write(
        tmp_path,
        "allocations.csv",
        "prison_number,com_email,mappa_category,mappa_level,mapp_meeting_date\n"
        "A1111AA,other@justice.gov.uk,1,1,2027-03-01\n",
    )
    report = import_feed(engine, "allocations", allocations)
    assert report.skipped == 1
    assert allocation(engine, "A1111AA").com_email == "jo@justice.gov.uk"
    info = information(engine, "A1111AA")
    assert (info.meeting_date, info.category, info.level) == (date(2027, 3, 1), None, None)
    assert ("import:allocations:allocations.csv", "mappa-information-received") in events(engine, "A1111AA")


def test_the_teams_feed_gives_the_spo_and_pdu_and_a_missing_team_is_a_warning(world, api, sync, engine, tmp_path):
    teams = write(
        tmp_path,
        "teams.csv",
        "code,name,pdu_code,spo_name,spo_email\nN07T01,Team 1,N07DUR,Sam Senior,sam.senior@justice.gov.uk\n",
    )
    assert import_feed(engine, "teams", teams).inserted == 1
    world.prisons["DMI"] = [
        person("A1111AA", "DMI", crd=SOON, category=2),
        person("A2222BB", "DMI", crd=SOON, category=1),
    ]
    world.case_records["A1111AA"] = case_record("A1111AA", "X111111", com=("Jo", "Bloggs", "jo@justice.gov.uk"))
    world.case_records["A2222BB"] = case_record("A2222BB", "X222222", com=None, team="N07T99")
    sync()
    held = allocation(engine, "A1111AA")
    assert (held.spo_email, held.pdu_code, held.team_code) == ("sam.senior@justice.gov.uk", "N07DUR", "N07T01")
    from chase.night import load_cases
    from rules.sync_problems import sync_problems

    found = {snapshot.facts.prison_number: snapshot.sync for snapshot in load_cases(engine, include_closed=True)}
    assert sync_problems(found["A1111AA"]) == ()
    assert [p.code for p in sync_problems(found["A2222BB"])] == ["team-not-in-teams-feed"]
