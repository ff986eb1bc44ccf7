from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from notifications.addresses import InvalidAddress
from notifications.compose import envelopes, render
from notifications.model import Envelope
from tests.support.notices import COM, OMU, delivery

SENDER = "mappa-tracker@justice.gov.uk"
SPO = "spo.durham@justice.gov.uk"


def keys(envelope):
    return [d.item.notice_key for d in envelope.deliveries]


def test_a_digest_puts_two_cases_for_one_com_in_one_establishment_in_one_email():
    built = envelopes([delivery(1, prison_number="A1234BC"), delivery(2, prison_number="B2345CD")])
    assert len(built) == 1
    assert built[0].recipient == COM and built[0].reply_to == OMU and built[0].establishment_code == "DMI"


def test_one_email_per_case_when_the_policy_asks_for_it():
    built = envelopes([delivery(1, prison_number="A1234BC"), delivery(2, prison_number="B2345CD")], digest=False)
    assert [keys(e) for e in built] == [["A1234BC/reminder"], ["B2345CD/reminder"]]


def test_a_digest_is_split_by_address_establishment_and_night():
    built = envelopes(
        [
            delivery(1, prison_number="A1234BC"),
            delivery(2, prison_number="B2345CD", establishment_code="BMI"),
            delivery(3, prison_number="C3456DE", night=date(2027, 4, 21)),
            delivery(4, address=SPO, prison_number="D4567EF"),
            delivery(5, address=COM.upper(), prison_number="E5678FG"),
        ]
    )
    assert sorted(len(e.deliveries) for e in built) == [1, 1, 1, 2]


def test_cases_come_most_urgent_first_then_earliest_release():
    built = envelopes(
        [
            delivery(1, step="request", prison_number="A1111AA", planning_date=date(2027, 6, 1)),
            delivery(2, step="escalation-1", prison_number="B2222BB", planning_date=date(2027, 12, 1)),
            delivery(3, step="escalation-2", prison_number="C3333CC", planning_date=date(2027, 12, 1)),
            delivery(4, step="final-warning", prison_number="D4444DD", planning_date=date(2027, 11, 1)),
            delivery(5, step="released-unconfirmed", prison_number="E5555EE"),
            delivery(6, step="reminder", prison_number="F6666FF", planning_date=date(2027, 7, 1)),
            delivery(7, step="reminder", prison_number="G7777GG", planning_date=date(2027, 5, 1)),
            delivery(8, step="final-warning", prison_number="H8888HH", planning_date=date(2027, 10, 1)),
            delivery(9, step="final-warning", prison_number="J9999JJ", role="cc", planning_date=date(2027, 9, 1)),
        ]
    )
    assert [k.split("/")[0] for k in keys(built[0])] == [
        "E5555EE",
        "H8888HH",
        "D4444DD",
        "C3333CC",
        "B2222BB",
        "G7777GG",
        "F6666FF",
        "A1111AA",
        "J9999JJ",
    ]


def test_grouping_is_deterministic_whatever_the_input_order():
    deliveries = [
        delivery(n, prison_number=f"A{n:04d}BC", step=s)
        for n, s in enumerate(["reminder", "request", "final-warning", "reminder", "escalation-3"], start=1)
    ]
    assert envelopes(deliveries) == envelopes(list(reversed(deliveries)))


def render_one(*deliveries, **options):
    (envelope,) = envelopes(deliveries)
    return render(envelope, sender=SENDER, **options)


def test_render_sets_every_header_the_delivery_task_relies_on():
    message = render_one(
        delivery(1, step="escalation-1", prison_number="A1234BC"),
        delivery(2, step="reminder", prison_number="B2345CD"),
        message_id="<fixed.1@justice.gov.uk>",
        sent_at=datetime(2027, 4, 20, 1, 30, tzinfo=UTC),
    )
    assert message["From"] == SENDER and message["To"] == COM and message["Reply-To"] == OMU
    assert message["Message-ID"] == "<fixed.1@justice.gov.uk>"
    assert message["Date"] == "Tue, 20 Apr 2027 01:30:00 +0000"
    assert message["X-MAPPA-Notices"] == "A1234BC/escalation-1, B2345CD/reminder"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "MAPPA escalation 1: 2 cases, HMP Durham (DMI), earliest release 13/10/2027"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_message_id_uses_the_senders_domain_when_not_given():
    assert render_one(delivery())["Message-ID"].endswith("@justice.gov.uk>")


def test_a_single_case_subject_names_the_prison_number_and_release():
    assert render_one(delivery(step="escalation-1"))["Subject"] == "MAPPA escalation 1: A1234BC, release 13/10/2027"


def test_the_subject_follows_the_most_senior_step_for_action_not_a_copy():
    message = render_one(
        delivery(1, step="reminder", prison_number="A1234BC"),
        delivery(2, step="final-warning", role="cc", prison_number="B2345CD"),
    )
    assert message["Subject"].startswith("MAPPA reminder: 2 cases")


def test_a_recipient_only_copied_is_told_so():
    message = render_one(delivery(1, step="escalation-1", role="cc"))
    assert message["Subject"] == "For information: MAPPA escalation 1: A1234BC, release 13/10/2027"
    assert "no action is needed from you" in message.get_body(("plain",)).get_content()


def test_a_request_to_the_pdu_because_no_com_is_allocated_asks_for_a_com():
    message = render_one(delivery(step="request", allocate_com=True, substitutes=("no COM allocated",)))
    assert message["Subject"] == "Please allocate a COM (MAPPA): A1234BC, release 13/10/2027"
    assert "allocate a COM in nDelius" in message.get_body(("plain",)).get_content()


def test_escalations_beyond_three_use_the_generic_escalation_wording():
    message = render_one(delivery(step="escalation-5", next_step="final-warning"))
    assert message["Subject"] == "MAPPA escalation 5: A1234BC, release 13/10/2027"
    assert "Escalation 5: MAPPA information still overdue" in message.get_body(("plain",)).get_content()


def test_the_same_notice_sent_for_action_and_as_a_copy_is_shown_once():
    message = render_one(delivery(1), delivery(2, role="cc"))
    text = message.get_body(("plain",)).get_content()
    assert text.count("A1234BC: Alex EXAMPLE") == 1 and "Copied to you" not in text
    assert message["X-MAPPA-Notices"] == "A1234BC/reminder"


@pytest.mark.parametrize(
    "field, value",
    [
        ("recipient", "jo@justice.gov.uk\r\nBcc: x@example.com"),
        ("recipient", "Jo <jo@justice.gov.uk>"),
        ("recipient", "jo@justice.gov.uk, x@example.com"),
        ("reply_to", "omu@justice.gov.uk\nBcc: x@example.com"),
    ],
)
def test_render_refuses_an_address_that_is_not_one_plain_addr_spec(field, value):
    (envelope,) = envelopes([delivery()])
    with pytest.raises(InvalidAddress):
        render(replace(envelope, **{field: value}), sender=SENDER)
    with pytest.raises(InvalidAddress):
        render(envelope, sender="tracker@justice.gov.uk\r\nBcc: x@example.com")


def test_render_can_enforce_the_allow_list_too():
    envelope = Envelope("x@example.com", OMU, "DMI", (delivery(address="x@example.com"),))
    with pytest.raises(InvalidAddress, match="example.com is not in"):
        render(envelope, sender=SENDER, allowed_domains=("justice.gov.uk",))


def test_render_refuses_a_malformed_message_id_or_unknown_step():
    (envelope,) = envelopes([delivery()])
    with pytest.raises(ValueError):
        render(envelope, sender=SENDER, message_id="<a@b>\r\nBcc: x@example.com")
    with pytest.raises(ValueError, match="unknown chase step"):
        render_one(delivery(step="escalation-0"))


def test_a_release_brought_forward_says_from_what_and_why():
    message = render_one(delivery(key_date=date(2027, 11, 5), planning_date=date(2027, 11, 3)))
    text = message.get_body(("plain",)).get_content()
    assert "Wednesday 3 November 2027 (CRD 05/11/2027, brought forward because it is a Friday)" in text
