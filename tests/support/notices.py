"""Small builders for notification values: a realistic default, change only what a test is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from notifications.model import CaseItem, Delivery

COM = "jo.bloggs@justice.gov.uk"
OMU = "omu.durham@justice.gov.uk"
NIGHT = date(2027, 4, 20)


def case_item(step: str = "reminder", prison_number: str = "A1234BC", **changes) -> CaseItem:
    item = CaseItem(
        notice_key=f"{prison_number}/{step}",
        step=step,
        role="to",
        prison_number=prison_number,
        first_name="Alex",
        last_name="Example",
        establishment_code="DMI",
        establishment_name="HMP Durham",
        key_date=date(2027, 10, 13),
        key_date_source="crd",
        planning_date=date(2027, 10, 13),
        missing=("category", "level"),
        sent_before=(("request", date(2027, 3, 15)),),
        next_step="escalation-1",
        next_step_date=date(2027, 4, 20),
        night=NIGHT,
    )
    return replace(item, **changes)


def delivery(delivery_id: int = 1, address: str = COM, reply_to: str | None = OMU, **item_changes) -> Delivery:
    return Delivery(delivery_id, address, reply_to, case_item(**item_changes))
