"""What Notify says became of each e-mail: recorded, sent again once, or re-addressed; and the commands."""

from __future__ import annotations

from sqlalchemy import select

from config.settings import SettingsError, get_settings, load_settings
from db.models import Delivery
from db.session import session_factory
from db.types import utcnow
from outbox.refresh import refresh
from outbox.send import deliver
from scripts.harness.notify_server import API_KEY, SECRET
from tests.notify.conftest import TEMPLATE, mailer_for, transport_for
from tests.support.cli import mappa


def copies(engine) -> dict[str, Delivery]:
    with session_factory(engine)() as session:
        return {d.address: d for d in session.scalars(select(Delivery).order_by(Delivery.id))}


def notify_id_of(server, address: str) -> str:
    return [n["id"] for n in server.notify.by_recipient(address)][-1]


def test_delivered_is_recorded_and_not_asked_again(two_cases, notify_server):
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    for notification in notify_server.notify.notifications.values():
        notification["status"] = "delivered"
    report = refresh(two_cases, transport_for(notify_server), utcnow())
    assert report.asked == 4 and report.statuses == {"delivered": 4}
    assert {d.notify_status for d in copies(two_cases).values()} == {"delivered"}
    assert refresh(two_cases, transport_for(notify_server), utcnow()).asked == 0


def test_a_temporary_failure_is_sent_again_once_then_failed(two_cases, notify_server):
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    com = "com.one@justice.gov.uk"
    notify_server.notify.set_status(notify_id_of(notify_server, com), "temporary-failure")
    assert refresh(two_cases, transport_for(notify_server), utcnow()).resent == 2  # the digest's two notices
    assert copies(two_cases)[com].status == "pending"
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-2")
    again = [p for p in notify_server.notify.payloads if p["email_address"] == com]
    assert len(again) == 2 and again[1]["reference"].endswith("-r1")  # a new reference: not the first one
    notify_server.notify.set_status(notify_id_of(notify_server, com), "technical-failure")
    refresh(two_cases, transport_for(notify_server), utcnow())
    assert copies(two_cases)[com].status == "failed"
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-3")
    assert len([p for p in notify_server.notify.payloads if p["email_address"] == com]) == 2


def test_a_bounced_copy_is_only_recorded(two_cases, notify_server):
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    omu = "omu.dmi@justice.gov.uk"  # copied on the requests
    notify_server.notify.set_status(notify_id_of(notify_server, omu), "permanent-failure")
    report = refresh(two_cases, transport_for(notify_server), utcnow())
    assert report.rerouted == 0 and copies(two_cases)[omu].status == "bounced"
    with session_factory(two_cases)() as session:
        rows = list(session.scalars(select(Delivery)))
    assert len(rows) == 4 and [d.status for d in rows if d.address == omu] == ["bounced", "bounced"]  # nobody new


def test_the_key_is_a_secret_in_settings(tmp_path):
    settings = load_settings(mail_transport="notify", notify_api_key=API_KEY, notify_template_id=TEMPLATE)
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    key_file = tmp_path / "key"
    key_file.write_text(API_KEY + "\n")
    from config.settings import notify_secret

    assert notify_secret(load_settings(notify_api_key_file=key_file)) == API_KEY
    try:
        load_settings(mail_transport="notify", notify_template_id=TEMPLATE)
    except SettingsError as error:
        assert "MAPPA_NOTIFY_API_KEY" in str(error)
    else:
        raise AssertionError("a notify transport without a key must not load")


def test_mappa_deliveries_refresh_and_mappa_case_show_each_copys_status(
    two_cases, notify_server, mappa_env, monkeypatch
):
    monkeypatch.setenv("MAPPA_MAIL_TRANSPORT", "notify")
    monkeypatch.setenv("MAPPA_NOTIFY_API_KEY", API_KEY)
    monkeypatch.setenv("MAPPA_NOTIFY_BASE_URL", notify_server.url)
    monkeypatch.setenv("MAPPA_NOTIFY_TEMPLATE_ID", TEMPLATE)
    get_settings.cache_clear()
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    notify_server.notify.set_status(notify_id_of(notify_server, "com.one@justice.gov.uk"), "delivered")
    result = mappa("deliveries", "refresh")
    assert result.exit_code == 0, result.output
    assert "4 e-mails not final asked about: delivered 2, sending 2" in result.output
    assert SECRET not in result.output
    case = mappa("case", "A1234BC", "--as-of", "2027-03-15")
    assert "com.one@justice.gov.uk" in case.output and "sent (Notify: delivered)" in case.output
    assert "omu.dmi@justice.gov.uk" in case.output and "sent (Notify: sending)" in case.output
    assert SECRET not in case.output


def test_mappa_deliveries_refresh_says_smtp_gives_no_feedback(mappa_env):
    result = mappa("deliveries", "refresh")
    assert result.exit_code == 2 and "only GOV.UK Notify says whether e-mails arrived" in result.output


def test_mappa_preview_shows_the_notify_body():
    result = mappa("preview", "escalation-1", "--transport", "notify")
    assert result.exit_code == 0, result.output
    assert "notices: A1234BC/escalation-1" in result.output
    assert "\n# Escalation: MAPPA information overdue" in result.output and "<p>" not in result.output
