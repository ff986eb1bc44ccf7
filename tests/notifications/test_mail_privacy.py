"""Data protection: no names in subjects or headers, and no way to add a header or a recipient."""

import re
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.compose import envelopes, render
from notifications.preview import STEPS_WITH_TEMPLATES, sample_envelope
from notifications.transports import SmtpTransport
from tests.support.notices import COM, delivery

SENDER = "mappa-tracker@justice.gov.uk"
FIXED = {"message_id": "<fixed@justice.gov.uk>", "sent_at": datetime(2027, 4, 20, 1, 0, tzinfo=UTC)}
names = st.one_of(st.none(), st.text(max_size=40))


def renamed(envelope, first, last):
    return replace(
        envelope,
        deliveries=tuple(
            replace(d, item=replace(d.item, first_name=first, last_name=last)) for d in envelope.deliveries
        ),
    )


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(step=st.sampled_from(STEPS_WITH_TEMPLATES + ("escalation-4",)), first=names, last=names)
def test_no_header_depends_on_a_name(step, first, last):
    envelope = sample_envelope(step)
    baseline = render(renamed(envelope, None, None), sender=SENDER, **FIXED)
    message = render(renamed(envelope, first, last), sender=SENDER, **FIXED)
    assert headers(message) == headers(baseline)


def headers(message):
    """Every header, the MIME boundary (random in each e-mail) left out."""
    return [(name, re.sub(r'boundary="[^"]*"', "boundary=...", value)) for name, value in message.items()]


@settings(max_examples=40, deadline=None, database=None)
@given(
    first=st.text(alphabet="abcdefghijklmnopqrstuvwxyzQXZ", min_size=4, max_size=12),
    last=st.text(alphabet="abcdefghijklmnopqrstuvwxyzQXZ", min_size=4, max_size=12),
)
def test_a_name_never_appears_in_a_subject(first, last):
    first, last = "Qz" + first, "Xq" + last  # no accidental match with "HMP Durham" or a step name
    for step in ("request", "final-warning"):
        subject = render(renamed(sample_envelope(step), first, last), sender=SENDER)["Subject"]
        assert first.lower() not in subject.lower() and last.lower() not in subject.lower()


HOSTILE = "Alex\r\nBcc: x@example.com"
SCRIPT = "<script>alert(1)</script>"


def test_a_hostile_name_adds_no_header_or_recipient_and_is_escaped(smtp_sink):
    deliveries = [
        delivery(1, first_name=HOSTILE, last_name=SCRIPT, establishment_name="HMP X\r\nBcc: y@example.com"),
        delivery(2, prison_number="B2345CD\r\nBcc: z@example.com", first_name=SCRIPT),
    ]
    (envelope,) = envelopes(deliveries)
    with SmtpTransport(smtp_sink.host, smtp_sink.port, security="none", local_hostname="localhost") as transport:
        transport.send(render(envelope, sender=SENDER))
    (received,) = smtp_sink.messages
    assert smtp_sink.envelopes[0].rcpt_tos == (COM,)
    assert "Bcc" not in received and received.get_all("To") == [COM]
    assert all("\n" not in value and "\r" not in value for value in received.values())
    html = received.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = received.get_body(("plain",)).get_content()
    assert "\nBcc:" not in text and "Alex Bcc: x@example.com" in text


def test_no_offence_wording_is_in_any_template():
    for step in STEPS_WITH_TEMPLATES:
        message = render(sample_envelope(step), sender=SENDER)
        body = message.get_body(("plain",)).get_content().lower()
        assert "offence" not in body and "convicted" not in body
