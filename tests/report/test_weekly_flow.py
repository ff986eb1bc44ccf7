"""The weekly-report flow on a real Prefect API, sending through the loopback SMTP sink, once."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy

import pytest
from sqlalchemy import update

from config.settings import get_settings
from db.models import Delivery
from db.session import transaction
from flows.report import weekly_report
from tests.report.year import simulate_year

NAMES = ("Jonah", "Quarrie", "Casey Officer", "Sam Senior")
MONDAY = date(2027, 12, 20)


@pytest.fixture
def weekly_env(mappa_env, smtp_sink, monkeypatch, engine, prefect_api):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "smtp")
    monkeypatch.setenv("MAPPA_SMTP_HOST", smtp_sink.host)
    monkeypatch.setenv("MAPPA_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("MAPPA_SMTP_SECURITY", "none")
    monkeypatch.setenv("MAPPA_SMTP_TIMEOUT", "5")
    monkeypatch.setenv("MAPPA_REPORT_NATIONAL_TO", "smb@justice.gov.uk")
    get_settings.cache_clear()
    simulate_year(engine, cases=30)
    with transaction(engine) as session:  # the simulated nights' own case e-mails are not this test's subject
        session.execute(update(Delivery).where(Delivery.status == "pending").values(status="cancelled"))
    return engine


def test_the_weekly_report_goes_once_to_each_group_with_charts_and_pdf(weekly_env, smtp_sink, read_artifacts):
    state = weekly_report(as_of=MONDAY, return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert sorted(result["queued"]) == [
        "weekly-report/establishment/DMI/2027-W50",
        "weekly-report/establishment/FKI/2027-W50",
        "weekly-report/national/all/2027-W50",
        "weekly-report/pdu/N07DUR/2027-W50",
    ]
    messages = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in smtp_sink.messages]
    by_to = {m["To"]: m for m in messages}
    # one per group, and the OMU mailbox its own copy of its prison's (each address is a delivery)
    assert (
        sorted(by_to)
        == sorted(m["To"] for m in messages)
        == [
            "head.omu.dmi@justice.gov.uk",
            "head.omu.fki@justice.gov.uk",
            "head.pdu.n07dur@justice.gov.uk",
            "omu.dmi@justice.gov.uk",
            "omu.fki@justice.gov.uk",
            "smb@justice.gov.uk",
        ]
    )
    national = by_to["smb@justice.gov.uk"]
    assert national["Subject"].startswith("MAPPA compliance report, England and Wales, weeks to 19/12/2027")
    parts = list(national.walk())
    images = [p for p in parts if p.get_content_type() == "image/png"]
    pdfs = [p for p in parts if p.get_content_type() == "application/pdf"]
    html = national.get_body(("html",)).get_content()
    assert len(images) == 3 and all(f"cid:{p['Content-ID'].strip('<>')}" in html for p in images)
    assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    subjects = " ".join(m["Subject"] for m in messages)
    artifacts = read_artifacts(state.state_details.flow_run_id)
    markdown = artifacts["weekly-report"].data
    assert "| All |" in markdown and "4 e-mails queued" in markdown
    assert not [name for name in NAMES if name in subjects + markdown]
    assert "R00" not in markdown  # counts only: no prison numbers either

    again = weekly_report(as_of=MONDAY, return_state=True)
    assert again.is_completed() and again.result()["queued"] == [] and again.result()["already"] == 4
    assert len(smtp_sink.messages) == 6
