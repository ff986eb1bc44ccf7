"""Sending the outbox through a fake GOV.UK Notify on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select, update

import outbox.send
from db.models import Delivery, Notice
from db.session import session_factory, transaction
from db.types import utcnow
from notifications.notify_transport import NotifyTransport
from outbox.send import deliver
from scripts.harness.notify_server import API_KEY, SECRET, SERVICE_ID
from tests.notify.conftest import TEMPLATE, mailer_for, transport_for

NAMES = ("Zebedee", "Quarrington", "Ottoline", "Farquharson")


def deliveries(engine) -> list[Delivery]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_each_recipient_gets_its_digest_exactly_once(two_cases, notify_server):
    notify = notify_server.notify
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-2")  # a rerun sends nothing
    recipients = [p["email_address"] for p in notify.payloads]
    assert sorted(recipients) == ["com.one@justice.gov.uk", "omu.dmi@justice.gov.uk"]
    assert report.messages == 2 and report.counts["sent"] == 4
    com = next(p for p in notify.payloads if p["email_address"] == "com.one@justice.gov.uk")
    assert com["template_id"] == TEMPLATE
    assert set(com["personalisation"]) == {"subject", "body", "notices"}
    assert com["personalisation"]["notices"] == "B2345CD/request, A1234BC/request"
    body = com["personalisation"]["body"]
    assert body.startswith("# ") and "\n* Establishment: " in body and "<" not in body
    rows = deliveries(two_cases)
    assert {d.status for d in rows} == {"sent"}
    assert {d.notify_id for d in rows} == set(notify.notifications)
    assert all(d.notify_status == "created" for d in rows)


def test_every_request_is_signed_with_the_keys_secret(two_cases, notify_server):
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    token = notify_server.notify.tokens[0].removeprefix("Bearer ")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID


def test_the_reference_is_the_outbox_id_and_no_names_or_prison_numbers_leave_in_subject_or_reference(
    two_cases, notify_server
):
    deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    for payload in notify_server.notify.payloads:
        assert re.fullmatch(r"mappa-\d+", payload["reference"])
        subject = payload["personalisation"]["subject"]
        assert not any(name in subject or name in payload["reference"] for name in NAMES)
        assert "A1234BC" not in payload["reference"] and "B2345CD" not in payload["reference"]
    ids = {d.id for d in deliveries(two_cases)}
    assert {int(p["reference"].split("-")[1]) for p in notify_server.notify.payloads} <= ids


def test_a_crash_between_sending_and_recording_sends_no_duplicate(two_cases, notify_server, monkeypatch):
    class Crash(BaseException):
        pass

    def die_after_send(name: str) -> None:
        if name == "deliver.after-send":
            raise Crash

    monkeypatch.setattr(outbox.send, "failpoint", die_after_send)
    with pytest.raises(Crash):
        deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    assert len(notify_server.notify.payloads) == 1  # Notify has it; the outbox does not know yet
    monkeypatch.undo()
    with transaction(two_cases) as session:  # the dead run's lease runs out
        session.execute(
            update(Delivery).where(Delivery.status == "sending").values(claimed_at=utcnow() - timedelta(hours=1))
        )
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-2")
    recipients = [p["email_address"] for p in notify_server.notify.payloads]
    assert sorted(recipients) == ["com.one@justice.gov.uk", "omu.dmi@justice.gov.uk"]  # each once
    assert report.counts["sent"] == 4
    assert notify_server.notify.lookups and "reference" in notify_server.notify.lookups[0]
    assert {d.notify_id for d in deliveries(two_cases)} == set(notify_server.notify.notifications)


def test_a_400_fails_that_delivery_with_notifys_message(two_cases, notify_server):
    notify_server.notify.script = [400]
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    failed = [d for d in deliveries(two_cases) if d.status == "failed"]
    assert len(failed) == 2 and report.counts["failed"] == 2 and report.counts["sent"] == 2
    assert all("Not a valid email address" in d.last_error for d in failed)


@pytest.mark.parametrize("answer", [403, "trial"])
def test_a_refused_key_stops_sending_marks_nothing_failed_and_says_what_to_fix(two_cases, notify_server, answer):
    notify_server.notify.script = [answer]
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    assert len(notify_server.notify.payloads) == 1  # nothing more was tried after the refusal
    assert {d.status for d in deliveries(two_cases)} == {"pending"}
    assert report.counts["failed"] == 0 and report.counts["retry-later"] == 4
    assert ("MAPPA_NOTIFY_API_KEY" if answer == 403 else "live key") in report.why()


def test_a_bad_signature_is_a_403_configuration_problem(two_cases, notify_server):
    wrong = f"mappa_test-{SERVICE_ID}-{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}"
    report = deliver(mailer_for(two_cases, transport_for(notify_server, key=wrong)), "run-1")
    assert notify_server.notify.notifications == {}
    assert "MAPPA_NOTIFY_API_KEY" in report.why() and report.counts["failed"] == 0


def test_a_429_backs_off_and_leaves_the_rest_pending(two_cases, notify_server):
    notify_server.notify.script = [429, 429, 429]
    waits: list[float] = []
    mailer = mailer_for(two_cases, transport_for(notify_server))
    mailer = outbox.send.Mailer(**{**mailer.__dict__, "sleep": waits.append})
    report = deliver(mailer, "run-1")
    assert waits == [0.5, 1.0]  # backed off before each retry
    assert {d.status for d in deliveries(two_cases)} == {"pending"} and report.counts["retry-later"] == 4
    assert len(notify_server.notify.payloads) == 3


def test_a_500_is_retried_then_succeeds(two_cases, notify_server):
    notify_server.notify.script = [500]
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    assert report.counts["sent"] == 4 and len(notify_server.notify.notifications) == 2


def test_timeouts_retry_then_stay_pending(two_cases, notify_server):
    notify_server.notify.script = ["timeout"] * 3
    notify_server.notify.timeout_sleep = 1.5
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    assert {d.status for d in deliveries(two_cases)} == {"pending"} and report.counts["retry-later"] == 4
    assert "timed out" in report.why()


def test_it_stays_under_the_rate_limit():
    now, waits = [100.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    transport = NotifyTransport(lambda: API_KEY, TEMPLATE, max_per_minute=3000, sleep=sleep, clock=lambda: now[0])
    for _ in range(100):
        transport._throttle()
    assert now[0] - 100.0 >= 99 * 60 / 3000 - 1e-9  # 100 sends took at least 99 intervals of 20 ms
    assert len(waits) == 99


def test_the_api_key_is_never_in_any_output(two_cases, notify_server, caplog, capsys):
    caplog.set_level("DEBUG")
    notify_server.notify.script = [400, 403]
    report = deliver(mailer_for(two_cases, transport_for(notify_server)), "run-1")
    with session_factory(two_cases)() as session:
        stored = [repr(n.__dict__) for n in session.scalars(select(Notice))]
    out = capsys.readouterr()
    texts = [caplog.text, out.out, out.err, report.why(), repr(transport_for(notify_server)), *stored]
    texts += [repr(d.__dict__) for d in deliveries(two_cases)]
    for text in texts:
        assert SECRET not in text and API_KEY not in text
    assert not any(name in caplog.text for name in NAMES)


def test_the_policy_gives_the_reply_to_id_and_a_steps_own_template(two_cases, notify_server, tmp_path):
    from config.policy import load_policy
    from config.settings import load_settings
    from notifications.transports import make_transport

    policy = tmp_path / "policy.toml"
    policy.write_text(
        "[establishments.DMI.notify]\n"
        'reply_to_id = "8e222534-7f05-4972-86e3-17c5d9f894e2"\n'
        'template_ids = { request = "0b6b4f4e-0000-4000-8000-00000000000a" }\n'
    )
    settings = load_settings(
        mail_transport="notify", notify_api_key=API_KEY, notify_template_id=TEMPLATE, notify_base_url=notify_server.url
    )
    transport = make_transport(settings, load_policy(policy))
    deliver(mailer_for(two_cases, transport), "run-1")
    assert {p["template_id"] for p in notify_server.notify.payloads} == {"0b6b4f4e-0000-4000-8000-00000000000a"}
    assert {p["email_reply_to_id"] for p in notify_server.notify.payloads} == {"8e222534-7f05-4972-86e3-17c5d9f894e2"}
