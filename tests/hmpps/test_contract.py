"""The sync against the contract server: pages, tokens, retries, failures, and what each answer becomes."""

from __future__ import annotations

import time
from datetime import date, timedelta

from tests.hmpps.conftest import NIGHT
from tests.hmpps.helpers import allocation, check, events, information, prisoner, source_sync
from tests.hmpps.world import case_record, person, registration

SOON = NIGHT + timedelta(days=150)
COM = ("Jo", "Bloggs", "jo.bloggs@justice.gov.uk")


def tracked(world, number="A1111AA", prison="DMI", crn="X111111", **record):
    world.prisons.setdefault(prison, []).append(person(number, prison, crd=SOON, category=2))
    world.case_records[number] = case_record(number, crn, com=COM, **record)


def test_several_pages_are_followed_until_last(world, api, sync, engine):
    world.page_cap = 2
    for index in range(5):
        tracked(world, f"A{index}111AA", crn=f"X{index}11111")
    result = sync()
    assert result.failed is None and result.seen == 5 and result.new == 5
    assert api.calls["prison"] == 3
    assert all(prisoner(engine, f"A{index}111AA") for index in range(5))


def test_a_token_expiring_mid_run_is_replaced_and_the_call_retried(world, api, sync, engine):
    world.token_uses = 2
    for index in range(4):
        tracked(world, f"A{index}111AA", crn=f"X{index}11111")
    result = sync()
    assert result.failed is None and result.error_count == 0 and result.probation_asked == 4
    assert api.calls["token"] == 2  # fetched once, refreshed once when it expired
    assert allocation(engine, "A3111AA").com_email == COM[2]


def test_429_waits_for_retry_after(world, api, sync, engine):
    tracked(world)
    world.script["/probation/case-records/A1111AA"] = ["429:1"]
    started = time.monotonic()
    result = sync()
    assert time.monotonic() - started >= 1.0
    assert result.error_count == 0 and allocation(engine, "A1111AA").com_email == COM[2]
    assert api.calls["case-record"] == 2


def test_503_then_success_and_a_timeout_then_success(world, api, sync, engine):
    tracked(world)
    world.script["/search/prisoner-search/prison/DMI"] = ["503", "503"]
    world.script["/probation/case-records/A1111AA"] = ["timeout"]
    world.timeout_sleep = 1.0
    result = sync()
    assert result.failed is None and result.error_count == 0
    assert api.calls["prison"] == 3 and api.calls["case-record"] == 2
    assert prisoner(engine, "A1111AA").crd == SOON


def test_malformed_json_fails_the_establishment_and_keeps_its_data(world, api, sync, engine):
    tracked(world)
    assert sync().failed is None
    world.move("A1111AA", None, status="INACTIVE OUT", prisonId="OUT")
    world.script["/search/prisoner-search/prison/DMI"] = ["malformed"]
    result = sync(night=NIGHT + timedelta(days=1))
    assert result.failed and "not valid JSON" in result.failed
    assert api.calls["prison"] == 2  # a malformed answer is not retried
    assert prisoner(engine, "A1111AA").released_on is None  # nobody released from a failed fetch
    synced = source_sync(engine, "DMI")
    assert synced.last_success_night == NIGHT and synced.last_error == result.failed


def test_a_whole_establishment_failing_leaves_the_others_synced(world, api, sync, engine):
    tracked(world, "A1111AA", "DMI")
    tracked(world, "A2222BB", "LPI", crn="X222222")
    world.failing_prisons.add("DMI")
    failed, fine = sync("DMI"), sync("LPI")
    assert failed.failed and "HTTP 500" in failed.failed and api.calls["prison"] == 5 + 1  # 1 + 4 retries, and LPI
    assert fine.failed is None and prisoner(engine, "A2222BB") is not None
    assert prisoner(engine, "A1111AA") is None
    assert source_sync(engine, "DMI").last_success_night is None and source_sync(engine, "DMI").last_error


def test_404_case_record_is_recorded_as_not_known_to_probation(world, api, sync, engine):
    world.prisons["DMI"] = [person("A1111AA", "DMI", crd=SOON, category=1)]
    result = sync()
    assert result.error_count == 0
    assert check(engine, "A1111AA").outcome == "not-found"
    assert allocation(engine, "A1111AA") is None


def test_a_registration_confirms_and_a_404_registration_confirms_nothing(world, api, sync, engine):
    tracked(world, "A1111AA", mappa_level=2)
    world.registrations["X111111"] = registration(2, 2, NIGHT - timedelta(days=3))
    tracked(world, "A2222BB", crn="X222222", mappa_level=1)  # mappaLevel present, but no active registration
    sync()
    info = information(engine, "A1111AA")
    assert (info.category, info.level, info.confirmed_on, info.source) == (2, 2, NIGHT - timedelta(days=3), "probation")
    assert information(engine, "A2222BB") is None and api.calls["mappa"] == 2


def test_a_contradictory_registration_is_a_problem_never_a_confirmation(world, api, sync, engine):
    tracked(world, "A1111AA", mappa_level=2)
    world.registrations["X111111"] = registration(2, 2, NIGHT, levelDescription="MAPPA Level 3")
    sync()
    assert information(engine, "A1111AA") is None
    assert "description says 3" in check(engine, "A1111AA").registration_problem


def test_a_manager_without_a_com_replaces_the_com_we_held(world, api, sync, engine):
    tracked(world)
    sync()
    world.case_records["A1111AA"] = case_record("A1111AA", "X111111", com=None)
    sync(night=NIGHT + timedelta(days=1))
    held = allocation(engine, "A1111AA")
    assert (held.com_name, held.com_email, held.team_code) == (None, None, "N07T01")
    assert ("sync:probation", "com-changed") in events(engine, "A1111AA")


def test_a_transfer_and_a_release_found_by_number(world, api, sync, engine):
    tracked(world, "A1111AA")
    tracked(world, "A2222BB", crn="X222222")
    sync()
    world.move("A1111AA", "LPI")
    released_on = NIGHT + timedelta(days=1)
    world.move(
        "A2222BB",
        None,
        status="INACTIVE OUT",
        prisonId="OUT",
        lastMovementTypeCode="REL",
        lastMovementDate=released_on.isoformat(),
    )
    result = sync(night=NIGHT + timedelta(days=2))
    assert (result.transferred, result.released) == (1, 1) and api.calls["prisoner-numbers"] == 1
    assert prisoner(engine, "A1111AA").establishment_code == "LPI"
    assert prisoner(engine, "A2222BB").released_on == released_on
    assert ("sync:prisoner-search", "establishment-changed") in events(engine, "A1111AA")
    assert ("sync:prisoner-search", "released") in events(engine, "A2222BB")


def test_a_release_without_a_movement_date_is_dated_the_night_first_seen(world, api, sync, engine):
    tracked(world)
    sync()
    world.prisons["DMI"][0] |= {"status": "INACTIVE OUT"}
    sync(night=NIGHT + timedelta(days=3))
    assert prisoner(engine, "A1111AA").released_on == NIGHT + timedelta(days=3)


def test_a_legal_status_that_stops_tracking_is_stored_for_the_rules(world, api, sync, engine):
    tracked(world)
    sync()
    world.prisons["DMI"][0] |= {"legalStatus": "REMAND"}
    sync(night=NIGHT + timedelta(days=1))
    held = prisoner(engine, "A1111AA")
    assert held.legal_status == "REMAND" and held.sentence_type == "determinate"  # kept: blank is unknown
    assert ("sync:prisoner-search", "legal-status-changed") in events(engine, "A1111AA")


def test_unknown_fields_are_ignored_and_absent_fields_are_unknown(world, api, sync, engine):
    tracked(world)
    world.prisons["DMI"][0] |= {"somethingNew": {"nested": [1, 2]}, "homeDetentionCurfewActualDate": None}
    sync()
    del world.prisons["DMI"][0]["conditionalReleaseDate"]
    sync(night=NIGHT + timedelta(days=1))
    assert prisoner(engine, "A1111AA").crd == SOON


def test_who_is_not_mappa_is_kept_only_as_a_number_and_when_asked(world, api, sync, engine):
    world.prisons["DMI"] = [person("A2222BB", "DMI", crd=SOON), person("A3333CC", "DMI", crd=NIGHT + timedelta(900))]
    world.case_records["A2222BB"] = case_record("A2222BB", "X222222", com=COM)
    result = sync()
    assert result.probation_asked == 1 and result.new == 0
    assert prisoner(engine, "A2222BB") is None and prisoner(engine, "A3333CC") is None
    assert check(engine, "A2222BB").asked_on == NIGHT and check(engine, "A3333CC") is None


def test_a_dry_run_writes_nothing(world, api, sync, engine):
    tracked(world)
    result = sync(dry_run=True)
    assert result.new == 1 and prisoner(engine, "A1111AA") is None and source_sync(engine, "DMI") is None


def test_a_wrong_secret_fails_without_showing_it(world, api, sync, engine, monkeypatch):
    tracked(world)
    world.client_secret = "the-right-one"
    result = sync()
    assert result.failed and "HTTP 401" in result.failed and "s3cret" not in result.failed
    assert date.today() and source_sync(engine, "DMI").last_error == result.failed
