"""Every e-mail with realistic, fictional data: for tests and for reading the wording.

python -m notifications.preview final-warning [--html]
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from email.message import EmailMessage

from notifications import steps
from notifications.compose import render
from notifications.model import CaseItem, Delivery, Envelope

STEPS_WITH_TEMPLATES: tuple[str, ...] = (
    "request",
    "allocate-com",
    "reminder",
    "escalation-1",
    "escalation-2",
    "escalation-3",
    "final-warning",
    "released-unconfirmed",
    "resolved",
)
OMU = "omu.durham@justice.gov.uk"
RECIPIENTS = {
    "request": "jo.bloggs@justice.gov.uk",
    "allocate-com": "pdu.durham@justice.gov.uk",
    "reminder": "jo.bloggs@justice.gov.uk",
    "escalation-1": "spo.durham@justice.gov.uk",
    "escalation-2": "head.pdu.durham@justice.gov.uk",
    "escalation-3": "head.omu.durham@justice.gov.uk",
    "final-warning": "head.omu.durham@justice.gov.uk",
    "released-unconfirmed": "head.omu.durham@justice.gov.uk",
    "resolved": "jo.bloggs@justice.gov.uk",
}
# Each step's history and next step under the default policy, worked example A (CRD Wed 13/10/2027).
HISTORY = [
    ("request", date(2027, 3, 15)),
    ("reminder", date(2027, 4, 13)),
    ("escalation-1", date(2027, 4, 20)),
    ("escalation-2", date(2027, 5, 5)),
    ("escalation-3", date(2027, 5, 19)),
    ("final-warning", date(2027, 9, 29)),
]
NEXT = {
    "request": ("reminder", date(2027, 4, 13)),
    "reminder": ("escalation-1", date(2027, 4, 20)),
    "escalation-1": ("escalation-2", date(2027, 5, 5)),
    "escalation-2": ("escalation-3", date(2027, 5, 19)),
    "escalation-3": ("final-warning", date(2027, 9, 29)),
    "final-warning": ("final-warning", date(2027, 9, 30)),
}


def sample_item(step: str, prison_number: str = "A1234BC", **changes) -> CaseItem:
    real_step = "request" if step == "allocate-com" else step
    rung = [s for s, _ in HISTORY].index(real_step) if real_step in NEXT else len(HISTORY)
    next_step, next_date = NEXT.get(real_step, (None, None))
    item = CaseItem(
        notice_key=f"{prison_number}/{real_step}",
        step=real_step,
        role="to",
        prison_number=prison_number,
        first_name="Alex",
        last_name="Example",
        establishment_code="DMI",
        establishment_name="HMP Durham",
        key_date=date(2027, 10, 13),
        key_date_source="crd",
        planning_date=date(2027, 10, 13),
        missing={"resolved": (), "allocate-com": ("category", "level")}.get(step, ("level", "mapp_meeting_date")),
        sent_before=tuple(HISTORY[:rung]) if step != "resolved" else tuple(HISTORY[:2]),
        next_step=next_step,
        next_step_date=next_date,
        substitutes=("no COM allocated: sent to the PDU mailbox",) if step == "allocate-com" else (),
        allocate_com=step == "allocate-com",
        night=date(2027, 4, 20),
    )
    return replace(item, **changes)


def sample_envelope(step: str) -> Envelope:
    """Two cases for action (one brought forward from a Friday CRD) and one copied for information."""
    if step not in STEPS_WITH_TEMPLATES:
        steps.check_step(step)  # escalation-4 and beyond are allowed and share escalation-3's wording
    recipient = RECIPIENTS.get(step, RECIPIENTS["escalation-3"])
    second = sample_item(
        step,
        "B2345CD",
        first_name="Sam",
        last_name="Sample",
        key_date=date(2027, 11, 5),
        planning_date=date(2027, 11, 3),
        notice_key=f"B2345CD/{step}",
    )
    if step == "allocate-com":
        second = replace(second, notice_key="B2345CD/request")
    copied = sample_item(
        "reminder",
        "C3456DE",
        role="cc",
        first_name="Chris",
        last_name="Test",
        planning_date=date(2027, 12, 1),
        key_date=date(2027, 12, 1),
    )
    items = [
        sample_item(step, **({"notice_key": f"A1234BC/{step}"} if step.startswith("escalation") else {})),
        second,
        copied,
    ]
    deliveries = tuple(Delivery(number, recipient, OMU, item) for number, item in enumerate(items, start=1))
    return Envelope(recipient, OMU, "DMI", deliveries)


def preview(step: str, *, sender: str = "mappa-tracker@justice.gov.uk") -> EmailMessage:
    return render(sample_envelope(step), sender=sender)


if __name__ == "__main__":
    message = preview(sys.argv[1] if len(sys.argv) > 1 else "request")
    part = message.get_body(("html",) if "--html" in sys.argv else ("plain",))
    print(f"Subject: {message['Subject']}\n\n{part.get_content()}")
