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
from rules.steps import Step

STEPS_WITH_TEMPLATES: tuple[str, ...] = (
    Step.REQUEST,
    "allocate-com",
    Step.REMINDER,
    Step.escalation(1),
    Step.escalation(2),
    Step.escalation(3),
    Step.FINAL_WARNING,
    Step.RELEASED_UNCONFIRMED,
    Step.RESOLVED,
)
OMU = "omu.durham@justice.gov.uk"
RECIPIENTS = {
    Step.REQUEST: "jo.bloggs@justice.gov.uk",
    "allocate-com": "pdu.durham@justice.gov.uk",
    Step.REMINDER: "jo.bloggs@justice.gov.uk",
    Step.escalation(1): "spo.durham@justice.gov.uk",
    Step.escalation(2): "head.pdu.durham@justice.gov.uk",
    Step.escalation(3): "head.omu.durham@justice.gov.uk",
    Step.FINAL_WARNING: "head.omu.durham@justice.gov.uk",
    Step.RELEASED_UNCONFIRMED: "head.omu.durham@justice.gov.uk",
    Step.RESOLVED: "jo.bloggs@justice.gov.uk",
}
# Each step's history and next step under the default policy, worked example A (CRD Wed 13/10/2027).
HISTORY = [
    (Step.REQUEST, date(2027, 3, 15)),
    (Step.REMINDER, date(2027, 4, 13)),
    (Step.escalation(1), date(2027, 4, 20)),
    (Step.escalation(2), date(2027, 5, 5)),
    (Step.escalation(3), date(2027, 5, 19)),
    (Step.FINAL_WARNING, date(2027, 9, 29)),
]
NEXT = {
    Step.REQUEST: (Step.REMINDER, date(2027, 4, 13)),
    Step.REMINDER: (Step.escalation(1), date(2027, 4, 20)),
    Step.escalation(1): (Step.escalation(2), date(2027, 5, 5)),
    Step.escalation(2): (Step.escalation(3), date(2027, 5, 19)),
    Step.escalation(3): (Step.FINAL_WARNING, date(2027, 9, 29)),
    Step.FINAL_WARNING: (Step.FINAL_WARNING, date(2027, 9, 30)),
}


def sample_item(step: str, prison_number: str = "A1234BC", **changes) -> CaseItem:
    real_step = Step.REQUEST if step == "allocate-com" else step
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
        missing={Step.RESOLVED: (), "allocate-com": ("category", "level")}.get(step, ("level", "mapp_meeting_date")),
        sent_before=tuple(HISTORY[:rung]) if step != Step.RESOLVED else tuple(HISTORY[:2]),
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
    recipient = RECIPIENTS.get(step, RECIPIENTS[Step.escalation(3)])
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
        Step.REMINDER,
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


def preview(step: str, *, sender: str = "mappa-tracker@justice.gov.uk", notify: bool = False) -> EmailMessage:
    return render(sample_envelope(step), sender=sender, notify=notify)


if __name__ == "__main__":
    message = preview(sys.argv[1] if len(sys.argv) > 1 else Step.REQUEST)
    part = message.get_body(("html",) if "--html" in sys.argv else ("plain",))
    print(f"Subject: {message['Subject']}\n\n{part.get_content()}")
