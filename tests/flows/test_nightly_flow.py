"""The nightly flow on a real Prefect API (test harness), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

from config.settings import get_settings
from flows.nightly import nightly_check
from tests.chase.helpers import outbox
from tests.support import builders as b

NAMES = ("Jonah", "Quarrie", "QUARRIE", "Casey Officer", "Sam Senior")


@pytest.fixture
def nightly_env(mappa_env, smtp_sink, monkeypatch, engine, prefect_api):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("MAPPA_SMTP_HOST", smtp_sink.host)
    monkeypatch.setenv("MAPPA_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("MAPPA_SMTP_SECURITY", "none")
    monkeypatch.setenv("MAPPA_SMTP_TIMEOUT", "3")
    get_settings.cache_clear()
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13))
    b.prisoner(engine, "B2345CD", crd=date(2027, 9, 29), com=None)
    return engine


def logs_of(flow_run_id) -> list[str]:
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [log.message for log in logs]


def test_a_night_queues_sends_and_reports_without_names(nightly_env, smtp_sink, read_artifacts):
    state = nightly_check(as_of=date(2027, 3, 15), return_state=True)
    assert state.is_completed(), state.message
    report = state.result()
    assert sorted((q["prison_number"], q["step"]) for q in report.queued) == [
        ("A1234BC", "request"),
        ("B2345CD", "request"),
    ]
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "nightly-check-2027-03-15"
    artifacts = read_artifacts(run.id)
    assert {"nightly-summary", "notices-queued"} <= set(artifacts)
    assert "| request | 2 |" in artifacts["nightly-summary"].data
    assert "A1234BC" in str(artifacts["notices-queued"].data)
    subjects = [m["Subject"] for m in smtp_sink.messages]
    assert len(subjects) == 3  # COM, PDU mailbox (no COM for B2345CD: allocate one), OMU mailbox
    visible = " ".join(subjects + logs_of(run.id) + [str(a.data) for a in artifacts.values()])
    assert not [name for name in NAMES if name in visible]


def test_undelivered_notices_fail_the_run_after_committing_and_go_next_night(nightly_env, smtp_sink, monkeypatch):
    smtp_sink.stop()
    state = nightly_check(as_of=date(2027, 3, 15), return_state=True)
    assert state.is_failed()
    assert state.message.startswith("2 notices could not be delivered (4 copies): 4 retry-later")
    assert len(outbox(nightly_env)) == 2  # the decisions were committed all the same
    smtp_sink.start()
    monkeypatch.setenv("MAPPA_SMTP_PORT", str(smtp_sink.port))
    get_settings.cache_clear()
    state = nightly_check(as_of=date(2027, 3, 16), return_state=True)
    assert state.is_completed(), state.message
    assert len(smtp_sink.messages) == 3


def test_a_dry_run_writes_nothing(nightly_env, smtp_sink):
    state = nightly_check(as_of=date(2027, 3, 15), dry_run=True, return_state=True)
    assert state.is_completed()
    assert len(state.result().queued) == 2
    assert outbox(nightly_env) == [] and smtp_sink.messages == []


def test_more_data_problems_than_the_threshold_fail_the_run(nightly_env, monkeypatch):
    monkeypatch.setenv("MAPPA_DATA_PROBLEM_THRESHOLD", "0")
    get_settings.cache_clear()
    b.prisoner(nightly_env, "C3456DE", crd=None)
    state = nightly_check(as_of=date(2027, 3, 15), return_state=True)
    assert state.is_failed()
    assert state.message == (
        "1 blocking data problems, more than MAPPA_DATA_PROBLEM_THRESHOLD=0: "
        "see `mappa problems` or the nightly-summary artifact"
    )


def test_a_rerun_with_nothing_changed_skips_the_decisions(nightly_env, smtp_sink):
    assert nightly_check(as_of=date(2027, 3, 15), return_state=True).is_completed()
    again = nightly_check(as_of=date(2027, 3, 15), return_state=True).result()
    assert again.unchanged and again.queued == [] and again.cases == 0
    b.information(nightly_env, "A1234BC", category=2, level=1, on=date(2027, 3, 15))  # something arrives
    changed = nightly_check(as_of=date(2027, 3, 15), return_state=True).result()
    assert not changed.unchanged and changed.closed == {"complete": 1}


def test_a_rerun_after_a_night_that_told_the_omu_of_a_problem_still_skips_the_decisions(nightly_env, smtp_sink):
    """The data-problems digest is queued (and audited) after the decisions: the night's fingerprint
    is taken after it, or every rerun of such a night would decide everything again."""
    b.prisoner(nightly_env, "C3456DE", crd=None)  # no usable release date: the OMU's digest tells of it
    first = nightly_check(as_of=date(2027, 3, 15), return_state=True)
    assert first.is_completed() and any("data problems" in m["Subject"] for m in smtp_sink.messages)
    again = nightly_check(as_of=date(2027, 3, 15), return_state=True).result()
    assert again.unchanged and again.cases == 0
