"""Every data-problem code, produced from feed rows, seen in `mappa problems`, `mappa status` and the digest.

One nightly run (real Prefect API, real SMTP) per database covers all codes at once; later nights
show a problem fixed, a rerun sending nothing twice, and a corrected address getting its e-mail.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from config.settings import get_settings
from db.models import Allocation, Establishment, SourceSync
from db.session import transaction
from db.types import utcnow
from feeds.importer import import_feed
from flows.nightly import nightly_check
from rules.problems import REASONS
from tests.feeds.conftest import RELEASES, release
from tests.hmpps.test_sync_problems import EXPECTED as FOUND_BY_THE_SYNC
from tests.support import builders as b
from tests.support.cli import mappa

NIGHT = date(2027, 3, 15)  # the request night of a release on 13/10/2027 (a Monday: the reminder day)
NATIONAL = "mappa.national@justice.gov.uk"
CRD = date(2027, 10, 13)
EXPECTED = {
    "A0001AA": "no-release-date",
    "A0002AA": "unknown-establishment",
    "A0003AA": "nobody-to-send-to",
    "A0004AA": "source-stale",
    "A0005AA": "unknown-pdu",
    "A0006AA": "no-spo",
    "A0007AA": "address-not-allowed",
    "A0008AA": "missing-contact",
    "A0009AA": "row-rejected",
}
BLOCKING = {"A0001AA", "A0002AA", "A0003AA", "A0004AA"}


def no_mailbox_prison(engine, code: str) -> None:
    with transaction(engine) as session:
        session.merge(Establishment(code=code, name="HMP Nowhere", omu_mailbox=None, head_of_omu_email=None))


def feeds(engine, tmp_path) -> None:
    b.durham(engine)
    b.prison(engine, "STL", "HMP Stale")
    no_mailbox_prison(engine, "NOM")
    b.prisoner(engine, "A0001AA", crd=None)
    b.prisoner(engine, "A0002AA", crd=CRD, establishment="ZZZ")
    b.prisoner(engine, "A0003AA", crd=CRD, establishment="NOM", com=None, pdu_code=None)
    b.prisoner(engine, "A0004AA", crd=CRD, establishment="STL")
    b.prisoner(engine, "A0005AA", crd=CRD, pdu_code="NOPE")
    b.prisoner(engine, "A0006AA", crd=CRD, spo=None)
    b.prisoner(engine, "A0007AA", crd=CRD)
    b.prisoner(engine, "A0008AA", crd=CRD, establishment="NOM")
    with transaction(engine) as session:
        session.get(Allocation, "A0007AA").com_email = "casey@gmail.com"
        # STL is fed by the HMPPS sync, whose last success was five real days ago
        session.add(
            SourceSync(establishment_code="STL", source="prisoner-search", last_success_at=utcnow() - timedelta(days=5))
        )
        session.add(SourceSync(establishment_code="DMI", source="prisoner-search", last_success_at=utcnow()))
    bad = tmp_path / "releases.csv"
    bad.write_text(
        f"{RELEASES}\n{release('A0009AA', crd='31/02/2027', mappa_category='2')}\n{release('A0010AA', crd='bad')}\n"
    )
    assert import_feed(engine, "releases", bad).exit_code == 1


@pytest.fixture
def problem_env(mappa_env, smtp_sink, monkeypatch, engine, prefect_api, tmp_path):
    for name, value in {
        "MAPPA_MAIL_TRANSPORT": "smtp",
        "MAPPA_SMTP_HOST": smtp_sink.host,
        "MAPPA_SMTP_PORT": str(smtp_sink.port),
        "MAPPA_SMTP_SECURITY": "none",
        "MAPPA_SMTP_TIMEOUT": "3",
        "MAPPA_DATA_PROBLEMS_TO": NATIONAL,
        "MAPPA_DATA_PROBLEM_THRESHOLD": str(len(BLOCKING)),  # only blocking ones count: the run completes
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    feeds(engine, tmp_path)
    return engine


def digests(sink) -> dict[str, str]:
    return {m["To"]: m.get_body(("plain",)).get_content() for m in sink.messages if "data problems" in m["Subject"]}


def test_every_code_is_listed_shown_and_told(problem_env, smtp_sink):
    # a new code needs a row in this test, or in the sync's (tests/hmpps/test_sync_problems.py)
    assert set(EXPECTED.values()) | set(FOUND_BY_THE_SYNC.values()) == set(REASONS)
    state = nightly_check(as_of=NIGHT, return_state=True)
    assert state.message == "1 notices could not be delivered (1 copies): 1 blocked"  # not the data problems

    listed = json.loads(mappa("problems", "--format", "json").output)
    by_case = {}
    for row in listed:
        by_case.setdefault(row["prison_number"], set()).add(row["code"])
    for number, code in EXPECTED.items():
        assert code in by_case.get(number, set()), (number, code, by_case.get(number))
    assert [row["since"] for row in listed] == sorted(row["since"] for row in listed)  # oldest first
    assert "A0010AA" not in by_case  # a rejected row for someone not identified as MAPPA is only in the report

    status = {
        row["prison_number"]: row
        for row in json.loads(mappa("status", "--format", "json", "--as-of", "2027-03-15").output)
    }
    for number, code in EXPECTED.items():
        if number == "A0009AA":
            continue  # rejected, so never imported: not a case
        assert code in [p["code"] for p in status[number]["problems"]], number
        assert all(set(p) == {"code", "detail", "since"} for p in status[number]["problems"])
        assert (status[number]["state"] == "data-problem") is (number in BLOCKING), number
    case = json.loads(mappa("case", "A0002AA", "--format", "json", "--as-of", "2027-03-15").output)
    assert case["problems"][0]["code"] == "unknown-establishment"

    told = digests(smtp_sink)
    assert set(told) == {"omu.dmi@justice.gov.uk", "omu.stl@justice.gov.uk", NATIONAL}
    for number in ("A0001AA", "A0005AA", "A0006AA", "A0007AA", "A0009AA"):
        assert number in told["omu.dmi@justice.gov.uk"], number
    assert "releases feed releases.csv, line 2" in told["omu.dmi@justice.gov.uk"]
    assert "A0004AA" in told["omu.stl@justice.gov.uk"] and "Source stale" in told["omu.stl@justice.gov.uk"]
    for number in ("A0002AA", "A0003AA", "A0008AA"):
        assert number in told[NATIONAL], number
    # the COM's address outside the allow-list: held, and the OMU is told in the same digest
    assert "E-mail blocked to casey@gmail.com" in told["omu.dmi@justice.gov.uk"]
    requests = [m for m in smtp_sink.messages if "information request" in m["Subject"]]
    assert not [m for m in requests if any(n in m["X-MAPPA-Notices"] for n in BLOCKING)]  # the chase stopped

    smtp_sink.clear()
    assert nightly_check(as_of=NIGHT, return_state=True).is_completed()
    assert smtp_sink.messages == []  # a rerun never sends a digest (or anything) twice

    with transaction(problem_env) as session:
        allocation = session.get(Allocation, "A0007AA")
        allocation.com_email, allocation.spo_email = "casey.corrected@justice.gov.uk", allocation.spo_email
        session.get(Allocation, "A0006AA").spo_email = "spo.found@justice.gov.uk"
    state = nightly_check(as_of=NIGHT + timedelta(days=1), return_state=True)
    assert state.is_completed(), state.message
    corrected = [m for m in smtp_sink.messages if m["To"] == "casey.corrected@justice.gov.uk"]
    assert len(corrected) == 1 and "A0007AA/request" in corrected[0]["X-MAPPA-Notices"]  # the new COM's request
    fixed = digests(smtp_sink)["omu.dmi@justice.gov.uk"]
    section = fixed.split("Fixed since the last digest", 1)[1]
    assert "A0006AA" in section and "A0007AA" in section  # no SPO, and the address, both put right

    smtp_sink.clear()
    assert nightly_check(as_of=NIGHT + timedelta(days=2), return_state=True).is_completed()
    assert not [m for m in smtp_sink.messages if m["To"] == "casey.corrected@justice.gov.uk"]  # once


def test_without_a_national_mailbox_the_run_fails_saying_nobody_was_told(mappa_env, engine, prefect_api, monkeypatch):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "memory")
    get_settings.cache_clear()
    b.durham(engine)
    b.prisoner(engine, "A0002AA", crd=CRD, establishment="ZZZ")
    state = nightly_check(as_of=NIGHT, return_state=True)
    assert state.is_failed()
    assert "data problems nobody could be told about: national (" in state.message
    assert "set MAPPA_DATA_PROBLEMS_TO" in state.message


def test_the_weekly_reminder_lists_what_is_still_open(problem_env, smtp_sink):
    nightly_check(as_of=NIGHT - timedelta(days=4), return_state=True)  # Thursday: everything new
    smtp_sink.clear()
    nightly_check(as_of=NIGHT - timedelta(days=3), return_state=True)  # Friday: nothing new, nothing sent
    assert digests(smtp_sink) == {}
    nightly_check(as_of=NIGHT, return_state=True)  # Monday: the reminder
    reminder = digests(smtp_sink)["omu.dmi@justice.gov.uk"]
    assert "Still open (weekly reminder)" in reminder and "A0001AA" in reminder.split("Still open", 1)[1]
    with transaction(problem_env) as session:
        assert session.scalars(select(SourceSync.establishment_code)).all()
