"""The parsed-header memo and the folded-once headers change no byte of any message.

Each e-mail is rendered twice, once on our policy and once on the standard library's own
(email.policy.default, nothing cached), with the same Message-ID, date and MIME boundary, and the
bytes compared. Addresses come from a small pool and many e-mails are rendered in one go, so the
memo is hit the way a night hits it.
"""

from __future__ import annotations

import email.policy
import random
import re
from datetime import UTC, datetime
from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import notifications.compose as compose
from notifications.compose import envelopes, render
from notifications.wire import MESSAGE_POLICY, new_message, wire_bytes
from tests.support.notices import delivery

SENDER = "mappa-tracker@justice.gov.uk"
ADDRESSES = ("jo.bloggs@justice.gov.uk", "sam.o'neill@justice.gov.uk", "spo.north@probation.gov.uk")
STEPS = ("request", "reminder", "escalation-1", "escalation-2", "escalation-3", "escalation-4")
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)
prisons = st.sampled_from(("HMP Durham", "HMP & YOI Doncaster", "HMP Ffordd Newydd / Cymru – Berwyn"))

cases = st.builds(
    lambda number, step, address, first, last, prison, long_name: delivery(
        number,
        address=address,
        step=step,
        prison_number=f"A{number:04d}BC",
        first_name=first,
        last_name=last,
        establishment_name=prison + (" (a very long establishment name for folding)" * 3 if long_name else ""),
    ),
    st.integers(1, 9999),
    st.sampled_from(STEPS),
    st.sampled_from(ADDRESSES),
    names,
    names,
    prisons,
    st.booleans(),
)


def stock_message() -> EmailMessage:
    return EmailMessage(policy=email.policy.default)


def both_ways(envelope, index: int, monkeypatch) -> tuple[bytes, bytes]:
    fixed = {"message_id": f"<fixed.{index}@justice.gov.uk>", "sent_at": datetime(2027, 4, 20, 1, 30, tzinfo=UTC)}
    random.seed(index)  # the MIME boundary comes from `random`
    ours = wire_bytes(render(envelope, sender=SENDER, **fixed))
    with monkeypatch.context() as patched:
        patched.setattr(compose, "new_message", stock_message)
        random.seed(index)
        theirs = wire_bytes(render(envelope, sender=SENDER, **fixed))
    return ours, theirs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(cases, min_size=1, max_size=12, unique_by=lambda d: d.delivery_id))
def test_every_email_is_byte_for_byte_what_the_standard_library_writes(monkeypatch, deliveries):
    for index, envelope in enumerate(envelopes(deliveries)):
        ours, theirs = both_ways(envelope, index, monkeypatch)
        assert ours == theirs


def test_a_repeated_header_is_parsed_once_and_still_reads_back():
    first, second = (new_message() for _ in range(2))
    for message in (first, second):
        message["To"] = "jo.bloggs@justice.gov.uk"
    assert first.get("To") is second.get("To")  # one parsed object serves both
    assert first["To"].addresses[0].domain == "justice.gov.uk"
    made = MESSAGE_POLICY.header_factory
    assert made("Auto-Submitted", "auto-generated") is made("Auto-Submitted", "auto-generated")
    one_off = "<unique.1@justice.gov.uk>"  # never shared, so never kept: it would only push out what is
    assert made("Message-ID", one_off) is not made("Message-ID", one_off)


def test_a_header_folds_for_each_policy_as_the_standard_library_would():
    long_subject = "MAPPA escalation 2: " + "case A1234BC, " * 12
    message = new_message()
    message["Subject"] = long_subject
    header = message["Subject"]
    for policy in (MESSAGE_POLICY, MESSAGE_POLICY.clone(max_line_length=998), MESSAGE_POLICY.clone(linesep="\r\n")):
        stock = email.policy.default.header_factory("Subject", long_subject)
        assert header.fold(policy=policy) == stock.fold(policy=policy)


def test_the_mime_boundary_is_set_when_rendered_in_the_standard_librarys_form_and_never_in_a_part():
    deliveries = [delivery(1, first_name="==============", last_name="--===============1=="), delivery(2)]
    message = render(envelopes(deliveries)[0], sender=SENDER)
    boundary = message.get_boundary()
    assert re.fullmatch(r"={15}[0-9]{19}==", boundary)
    written = wire_bytes(message).decode("ascii")
    assert message.get_boundary() == boundary  # writing it kept ours, made no other
    assert written.count(f"--{boundary}") == 3  # two parts opened, one close: nowhere else
    parts = [part.get_content() for part in message.iter_parts()]
    assert all(boundary not in part for part in parts)
