"""SmtpTransport against a real SMTP server on loopback."""

import time

import pytest

from notifications.compose import envelopes, render
from notifications.preview import preview
from notifications.transports import PermanentDeliveryError, SmtpTransport, TransientDeliveryError, send_with_retry
from tests.support.notices import COM, OMU, delivery
from tests.support.smtp import SmtpSink, free_port

SENDER = "mappa-tracker@justice.gov.uk"


def transport_to(sink, **options):
    options = {"security": "none", "local_hostname": "localhost", "timeout": 2.0, **options}
    return SmtpTransport(sink.host, sink.port, **options)


def test_a_digest_arrives_as_one_message_with_the_headers_and_both_parts(smtp_sink):
    (envelope,) = envelopes(
        [
            delivery(1, step="escalation-1", prison_number="A1234BC"),
            delivery(2, step="reminder", prison_number="B2345CD"),
        ]
    )
    sent = render(envelope, sender=SENDER)
    with transport_to(smtp_sink) as transport:
        transport.send(sent)
    (received,) = smtp_sink.messages
    assert smtp_sink.envelopes[0].mail_from == SENDER and smtp_sink.envelopes[0].rcpt_tos == (COM,)
    assert received["Message-ID"] == sent["Message-ID"]
    assert received["To"] == COM and received["Reply-To"] == OMU and received["From"] == SENDER
    assert received["X-MAPPA-Notices"] == "A1234BC/escalation-1, B2345CD/reminder"
    assert received["Subject"] == "MAPPA escalation 1: 2 cases, HMP Durham (DMI), earliest release 13/10/2027"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    assert "B2345CD" in received.get_body(("plain",)).get_content()
    assert '<th scope="row">' in received.get_body(("html",)).get_content()


def test_one_connection_carries_the_whole_batch_and_per_case_mode_sends_one_each(smtp_sink):
    built = envelopes([delivery(1, prison_number="A1234BC"), delivery(2, prison_number="B2345CD")], digest=False)
    with transport_to(smtp_sink) as transport:
        for envelope in built:
            transport.send(render(envelope, sender=SENDER))
    assert [m["X-MAPPA-Notices"] for m in smtp_sink.messages] == ["A1234BC/reminder", "B2345CD/reminder"]
    assert len(smtp_sink._sessions) == 2  # aiosmtpd's readiness probe, then our single connection


def test_a_4xx_then_success_is_retried_with_backoff(smtp_sink):
    smtp_sink.fail_with(451, "4.3.0 try again later")
    pauses = []
    with transport_to(smtp_sink) as transport:
        attempts = send_with_retry(transport, preview("reminder"), backoff=0.5, sleep=pauses.append)
    assert attempts == 2 and pauses == [0.5] and len(smtp_sink.messages) == 1


def test_transient_failures_give_up_after_the_last_attempt(smtp_sink):
    smtp_sink.fail_with(452, "4.3.1 insufficient storage", times=3)
    pauses = []
    with transport_to(smtp_sink) as transport, pytest.raises(TransientDeliveryError) as raised:
        send_with_retry(transport, preview("reminder"), attempts=3, backoff=0.5, sleep=pauses.append)
    assert pauses == [0.5, 1.0] and raised.value.code == 452 and smtp_sink.messages == []


def test_a_5xx_is_permanent_and_carries_the_servers_answer(smtp_sink):
    smtp_sink.fail_with(550, "5.7.1 message rejected by policy")
    pauses = []
    with transport_to(smtp_sink) as transport, pytest.raises(PermanentDeliveryError) as raised:
        send_with_retry(transport, preview("reminder"), sleep=pauses.append)
    error = raised.value
    assert (error.code, error.text, error.stage) == (550, "5.7.1 message rejected by policy", "data")
    assert "550 5.7.1 message rejected by policy" in str(error) and pauses == []
    assert not error.about_server


def test_a_refused_recipient_is_reported_without_echoing_the_address(smtp_sink):
    smtp_sink.fail_with(550, f"5.1.1 <{COM}> no such user", on="rcpt")
    with transport_to(smtp_sink) as transport:
        with pytest.raises(PermanentDeliveryError) as raised:
            transport.send(preview("request"))
        assert raised.value.stage == "recipient" and COM in raised.value.text and COM not in str(raised.value)
        transport.send(preview("request"))  # the connection was reset and still works
    assert len(smtp_sink.messages) == 1


def test_a_slow_server_hits_the_timeout_and_is_transient(smtp_sink):
    smtp_sink.delay(1.5)
    started = time.monotonic()
    with transport_to(smtp_sink, timeout=0.3) as transport, pytest.raises(TransientDeliveryError) as raised:
        transport.send(preview("reminder"))
    assert raised.value.reason == "timed out" and time.monotonic() - started < 1.5


def test_a_refused_connection_is_transient():
    transport = SmtpTransport("127.0.0.1", free_port(), security="none", local_hostname="localhost", timeout=1)
    with transport, pytest.raises(TransientDeliveryError) as raised:
        transport.send(preview("reminder"))
    assert raised.value.reason == "connection refused" and raised.value.about_server


def test_it_reconnects_once_when_the_server_dropped_the_connection_mid_batch(smtp_sink):
    with transport_to(smtp_sink) as transport:
        transport.send(preview("request"))
        smtp_sink.drop_connections()
        transport.send(preview("reminder"))
    assert [m["Subject"].split(":")[0] for m in smtp_sink.messages] == ["MAPPA information request", "MAPPA reminder"]


def test_starttls_that_the_server_does_not_offer_is_a_permanent_server_problem(smtp_sink):
    with transport_to(smtp_sink, security="starttls") as transport, pytest.raises(PermanentDeliveryError) as raised:
        transport.send(preview("reminder"))
    assert raised.value.stage == "connect" and raised.value.about_server


def test_login_uses_the_password_and_never_shows_it():
    with SmtpSink(auth=("tracker", "s3cret-Pa55")) as sink:
        with transport_to(sink, username="tracker", password=lambda: "s3cret-Pa55") as transport:
            transport.send(preview("reminder"))
        assert len(sink.messages) == 1
        with transport_to(sink, username="tracker", password="wrong-Pa55") as transport:
            with pytest.raises(PermanentDeliveryError) as raised:
                transport.send(preview("reminder"))
        error = raised.value
        assert error.stage == "login" and error.code == 535 and error.about_server
        assert "wrong-Pa55" not in f"{error} {error.text} {error!r} {transport!r}"
        assert error.__cause__ is None and error.__suppress_context__
