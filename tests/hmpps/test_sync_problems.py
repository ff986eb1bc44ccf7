"""The data problems only the HMPPS sync can find, produced through the contract server and seen where
every other problem is: `mappa problems`, `mappa status --format json` and the OMU's digest.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from config.settings import get_settings
from feeds.importer import import_feed
from flows.nightly import nightly_check
from rules.problems import REASONS
from tests.hmpps.conftest import NIGHT
from tests.hmpps.world import case_record, person, registration
from tests.support.cli import mappa

SOON = NIGHT + timedelta(days=150)
COM = ("Jo", "Bloggs", "jo.bloggs@justice.gov.uk")
EXPECTED = {
    "A1111AA": "legal-status-not-tracked",
    "A2222BB": "not-known-to-probation",
    "A3333CC": "contradictory-mappa-registration",
    "A4444DD": "team-not-in-teams-feed",
}


@pytest.fixture
def told(hmpps_env, smtp_sink, monkeypatch, prefect_api):
    for name, value in {
        "MAPPA_MAIL_TRANSPORT": "smtp",
        "MAPPA_SMTP_HOST": smtp_sink.host,
        "MAPPA_SMTP_PORT": str(smtp_sink.port),
        "MAPPA_SMTP_SECURITY": "none",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return smtp_sink


def synced_world(world, sync, engine, tmp_path) -> None:
    teams = tmp_path / "teams.csv"
    teams.write_text("code,name,pdu_code,spo_name,spo_email\nN07T01,Team 1,N07DUR,Sam Senior,sam.spo@justice.gov.uk\n")
    assert import_feed(engine, "teams", teams).exit_code == 0
    world.prisons["DMI"] = [person(number, "DMI", crd=SOON, category=2) for number in EXPECTED]
    world.case_records["A1111AA"] = case_record("A1111AA", "X111111", com=COM)
    world.case_records["A3333CC"] = case_record("A3333CC", "X333333", com=COM, mappa_level=2)
    world.registrations["X333333"] = registration(0, 2, NIGHT)  # a level without a category
    world.case_records["A4444DD"] = case_record("A4444DD", "X444444", com=COM, team="N07T99")
    sync()
    world.prisons["DMI"][0] |= {"legalStatus": "REMAND"}  # the tracked case stops being a sentence
    sync(night=NIGHT + timedelta(days=1))


def test_each_sync_problem_is_listed_shown_and_told(world, api, sync, engine, tmp_path, told):
    synced_world(world, sync, engine, tmp_path)
    night = NIGHT + timedelta(days=1)
    assert nightly_check(as_of=night, return_state=True).is_completed()

    listed = {(row["prison_number"], row["code"]) for row in json.loads(mappa("problems", "--format", "json").output)}
    status = {
        row["prison_number"]: row
        for row in json.loads(mappa("status", "--format", "json", "--as-of", night.isoformat()).output)
    }
    digest = next(m for m in told.messages if "data problems" in m["Subject"]).get_body(("plain",)).get_content()
    for number, code in EXPECTED.items():
        assert (number, code) in listed, (number, code)
        assert code in [p["code"] for p in status[number]["problems"]], number
        assert number in digest and REASONS[code].sentence.split(":")[0] in digest, code
    assert status["A1111AA"]["state"] == "data-problem"  # blocking: the chase stops
    assert {status[n]["state"] for n in ("A2222BB", "A3333CC", "A4444DD")} != {"data-problem"}
    assert not [m for m in told.messages if "A1111AA/" in (m["X-MAPPA-Notices"] or "")]  # nothing sent for it
