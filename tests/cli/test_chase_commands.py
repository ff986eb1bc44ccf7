"""`mappa check`, `status`, `case` and `audit` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from config.settings import get_settings
from tests.support import builders as b
from tests.support.cli import mappa


@pytest.fixture
def tracked(mappa_env, engine, prefect_api, tmp_path, monkeypatch):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "file")
    get_settings.cache_clear()
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    b.prisoner(engine, "B2345CD", crd=None)
    return engine


def test_check_dry_run_lists_what_would_be_queued_and_changes_nothing(tracked):
    result = mappa("check", "--as-of", "15/03/2027", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would queue 1 notices" in result.output and "A1234BC" in result.output
    status = json.loads(mappa("status", "--format", "json", "--as-of", "2027-03-15").output)
    assert {row["prison_number"]: row["last_step"] for row in status} == {"A1234BC": None, "B2345CD": None}


def test_check_then_status_and_case_show_the_chase(tracked):
    assert mappa("check", "--as-of", "2027-03-15").exit_code == 0
    rows = json.loads(mappa("status", "--format", "json", "--as-of", "2027-03-16").output)
    a = next(row for row in rows if row["prison_number"] == "A1234BC")
    assert a == {
        **a,
        "state": "requested",
        "establishment_code": "DMI",
        "key_date": "2027-10-13",
        "planning_date": "2027-10-13",
        "request_date": "2027-03-15",
        "due_date": "2027-04-13",
        "final_warning_date": "2027-09-29",
        "last_step": "request",
        "next_step": "reminder",
        "next_step_date": "2027-04-13",
        "missing": ["category", "level"],
    }
    b_row = next(row for row in rows if row["prison_number"] == "B2345CD")
    assert b_row["state"] == "data-problem" and [p["code"] for p in b_row["problems"]] == ["no-release-date"]
    case = json.loads(mappa("case", "A1234BC", "--format", "json", "--as-of", "2027-03-16").output)
    assert [(n["step"], n["night"], n["status"]) for n in case["notices"]] == [("request", "2027-03-15", "sent")]
    assert case["notices"][0]["to"] == ["com.one@justice.gov.uk"]
    assert "step-queued" in [event["kind"] for event in case["history"]]


def test_status_as_csv_and_table(tracked):
    assert (
        mappa("status", "--format", "csv").output.splitlines()[0].startswith("prison_number,establishment_code,state")
    )
    assert "A1234BC" in mappa("status", "--establishment", "dmi").output


def test_audit_verify_and_show_and_a_tampered_row_is_named(tracked, db_url):
    assert mappa("check", "--as-of", "2027-03-15").exit_code == 0
    ok = mappa("audit", "verify")
    assert ok.exit_code == 0 and "audit trail intact" in ok.output
    assert "step-queued" in mappa("audit", "show", "A1234BC").output
    _tamper(tracked, db_url)
    broken = mappa("audit", "verify")
    assert broken.exit_code == 1 and "BROKEN at row 2" in broken.output


def _tamper(engine, db_url):
    """Someone with database rights switches the guard off, edits a row, and switches it back on."""
    with engine.begin() as connection:
        if db_url.startswith("sqlite"):
            connection.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            connection.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = 2"))
        else:
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
            connection.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = 2"))
            connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")


def test_a_case_that_was_never_imported_is_a_clear_error(tracked):
    result = mappa("case", "Z9999ZZ")
    assert result.exit_code == 2 and "no prisoner Z9999ZZ has been imported" in result.output


@pytest.mark.parametrize("step", ["request", "allocate-com", "escalation-2", "final-warning", "resolved"])
def test_preview_renders_an_example_of_each_e_mail(step, monkeypatch, tmp_path):
    monkeypatch.setenv("MAPPA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    text = mappa("preview", step)
    html = mappa("preview", step, "--part", "html")
    assert text.exit_code == 0 and "MAPPA" in text.output.splitlines()[0] and "Reply-To:" in text.output
    assert html.exit_code == 0 and '<html lang="en-GB">' in html.output
    assert mappa("preview", "nonsense").exit_code == 2
