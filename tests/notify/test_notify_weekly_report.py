"""The weekly report through GOV.UK Notify: its PDF goes as Notify's file-sharing link, which needs a
template of its own; without one the run stops with one line saying what to set, and sends nothing."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from sqlalchemy import update

from config.settings import get_settings
from db.models import Delivery
from db.session import transaction
from flows.report import weekly_report
from scripts.harness.notify_server import API_KEY
from tests.notify.conftest import TEMPLATE
from tests.report.year import simulate_year

MONDAY = date(2027, 12, 20)
WEEKLY_TEMPLATE = "0f0c6a4e-9d4c-4a51-9a3e-2b8f7e1d5c11"


@pytest.fixture
def weekly_notify(mappa_env, notify_server, monkeypatch, engine, prefect_api, tmp_path):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "notify")
    monkeypatch.setenv("MAPPA_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("MAPPA_NOTIFY_BASE_URL", notify_server.url)
    monkeypatch.setenv("MAPPA_NOTIFY_TEMPLATE_ID", TEMPLATE)
    monkeypatch.setenv("MAPPA_NOTIFY_TIMEOUT", "3")
    get_settings.cache_clear()
    simulate_year(engine, cases=12)
    with transaction(engine) as session:  # the simulated nights' own case e-mails are not this test's subject
        session.execute(update(Delivery).where(Delivery.status == "pending").values(status="cancelled"))

    def with_weekly_template() -> None:
        policy = tmp_path / "policy.toml"
        policy.write_text(f'[notify]\ntemplate_ids = {{ "weekly-report" = "{WEEKLY_TEMPLATE}" }}\n')
        monkeypatch.setenv("MAPPA_POLICY_FILE", str(policy))
        get_settings.cache_clear()

    return with_weekly_template


def test_without_its_template_the_run_says_what_to_set_and_sends_nothing(weekly_notify, notify_server):
    state = weekly_report(as_of=MONDAY, return_state=True)
    assert state.is_failed()
    assert 'template_ids "weekly-report"' in state.message and "((link_to_file))" in state.message
    assert notify_server.notify.payloads == []

    weekly_notify()
    assert weekly_report(as_of=MONDAY, return_state=True).is_completed()  # the same week, now sent, once
    payloads = notify_server.notify.payloads
    assert payloads and all(p["template_id"] == WEEKLY_TEMPLATE for p in payloads)
    assert len({p["email_address"] for p in payloads}) == len(payloads)
    link = payloads[0]["personalisation"]["link_to_file"]
    assert base64.b64decode(link["file"]).startswith(b"%PDF") and link["confirm_email_before_download"] is True
    assert all("Quarrie" not in p["personalisation"]["subject"] for p in payloads)
