"""Nights through GOV.UK Notify (fake, on loopback) on a real Prefect API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from sqlalchemy import select

from config.settings import get_settings
from db.models import Delivery
from db.session import session_factory
from flows.nightly import nightly_check
from flows.simulate import simulate_nights
from scripts.harness.notify_server import API_KEY, SECRET
from tests.notify.conftest import TEMPLATE
from tests.support import builders as b

NAMES = ("Zebedee", "Quarrington", "Casey Officer", "Sam Senior")
ESCALATION_NIGHT = date(2027, 4, 20)


@pytest.fixture
def notify_env(mappa_env, notify_server, monkeypatch, engine, prefect_api):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "notify")
    monkeypatch.setenv("MAPPA_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("MAPPA_NOTIFY_BASE_URL", notify_server.url)
    monkeypatch.setenv("MAPPA_NOTIFY_TEMPLATE_ID", TEMPLATE)
    monkeypatch.setenv("MAPPA_NOTIFY_TIMEOUT", "3")
    get_settings.cache_clear()
    b.durham(engine)
    b.prisoner(engine, "A1234BC", crd=date(2027, 10, 13), first_name="Zebedee", last_name="Quarrington")
    return engine


def sent_to(server, address: str) -> list[dict]:
    return [p for p in server.notify.payloads if p["email_address"] == address]


def copies(engine) -> list[Delivery]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def escalate(engine) -> None:
    for night in (date(2027, 3, 15), date(2027, 4, 13), ESCALATION_NIGHT):
        state = nightly_check(as_of=night, return_state=True)
        assert state.is_completed(), state.message


def logs_of(flow_run_id) -> list[str]:
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    return [log.message for log in logs]


def test_a_bounced_escalation_goes_to_the_pdu_mailbox_and_the_omu_is_told(notify_env, notify_server, read_artifacts):
    escalate(notify_env)
    escalation = sent_to(notify_server, "spo.one@justice.gov.uk")
    assert [p["personalisation"]["notices"] for p in escalation] == ["A1234BC/escalation-1"]
    bounced_id = next(n["id"] for n in notify_server.notify.by_recipient("spo.one@justice.gov.uk"))
    for notification in notify_server.notify.notifications.values():
        notification["status"] = "delivered"
    notify_server.notify.set_status(bounced_id, "permanent-failure")

    state = nightly_check(as_of=date(2027, 4, 21), return_state=True)

    assert state.is_completed(), state.message
    rerouted = sent_to(notify_server, "pdu.n07dur@justice.gov.uk")
    assert [p["personalisation"]["notices"] for p in rerouted][-1] == "A1234BC/escalation-1"
    omu = [
        p
        for p in sent_to(notify_server, "omu.dmi@justice.gov.uk")
        if "data problems" in p["personalisation"]["subject"].lower()
    ]
    assert omu and "bounced to spo.one@justice.gov.uk" in omu[-1]["personalisation"]["body"]
    by_address = {(d.address, d.notice_id): d for d in copies(notify_env)}
    spo = next(d for (address, _), d in by_address.items() if address == "spo.one@justice.gov.uk")
    assert spo.status == "bounced" and spo.notify_status == "permanent-failure" and spo.rerouted
    assert all(d.notify_status == "delivered" for d in copies(notify_env) if d.id < spo.id)

    run_id = state.state_details.flow_run_id
    visible = " ".join(logs_of(run_id) + [str(a.data) for a in read_artifacts(run_id).values()])
    assert "notify statuses: " in visible  # the night began by asking Notify
    assert SECRET not in visible and API_KEY not in visible
    assert not [name for name in NAMES if name in visible]

    state = nightly_check(as_of=date(2027, 4, 22), return_state=True)  # once: no second re-addressing
    assert len(sent_to(notify_server, "pdu.n07dur@justice.gov.uk")) == len(rerouted)
    payloads = [p["reference"] + p["personalisation"]["subject"] for p in notify_server.notify.payloads]
    assert not [name for name in NAMES if any(name in text for text in payloads)]


def test_each_simulated_night_first_asks_notify(notify_env, notify_server):
    def all_delivered(report) -> None:  # between nights, Notify delivers everything sent so far
        for notification in notify_server.notify.notifications.values():
            notification["status"] = "delivered"

    state = simulate_nights(date(2027, 3, 15), date(2027, 3, 16), progress=all_delivered, return_state=True)
    assert state.is_completed(), state.message
    assert copies(notify_env) and {d.notify_status for d in copies(notify_env)} == {"delivered"}


def test_a_refused_key_ends_the_night_failed_saying_what_to_fix(notify_env, notify_server):
    notify_server.notify.script = [403]
    state = nightly_check(as_of=date(2027, 3, 15), return_state=True)
    assert state.is_failed()
    assert "set MAPPA_NOTIFY_API_KEY to a live key" in state.message and "\n" not in state.message
    assert SECRET not in state.message
    assert {d.status for d in copies(notify_env)} == {"pending"}  # nothing marked failed
    state = nightly_check(as_of=date(2027, 3, 16), return_state=True)  # key put right: all goes, once
    assert state.is_completed(), state.message
    assert len(notify_server.notify.notifications) == 2
