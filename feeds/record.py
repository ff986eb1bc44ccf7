"""`record_receipt`: MAPPA information a COM sent by e-mail, recorded by OMU staff.

It merges into the same record the allocations feed writes (see feeds.mappa), and
the audit event carries the recorder's name as its actor, so the trail says who
took the COM's word for it and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db import audit
from db.models import MappaInformation, Prisoner
from feeds import mappa
from feeds.values import parse_name, parse_prison_number
from rules.information import Information, missing_information

NAMES = {"category": "category", "level": "level", "mapp_meeting_date": "MAPP meeting date"}


class ReceiptError(ValueError):
    """The receipt cannot be recorded as given; the message says what to change."""


@dataclass(frozen=True)
class Receipt:
    prison_number: str
    by: str
    on: date
    category: int | None = None
    level: int | None = None
    meeting_date: date | None = None
    not_eligible: bool = False


def record_receipt(session: Session, receipt: Receipt, today: date) -> tuple[str, ...]:
    """Record it inside the caller's transaction; returns what is still missing (in words)."""
    prison_number, by = _checked(receipt, today)
    if session.get(Prisoner, prison_number) is None:
        raise ReceiptError(f"no prisoner {prison_number}: import the releases feed first, or check the number")
    table = MappaInformation.__table__
    before = (
        session.execute(select(*(table.c[name] for name in mappa.FIELDS)).where(table.c.prison_number == prison_number))
        .mappings()
        .one_or_none()
    )
    given = {
        "prison_number": prison_number,
        "category": receipt.category,
        "level": receipt.level,
        "meeting_date": receipt.meeting_date,
        "not_eligible": receipt.not_eligible or None,
        "confirmed_on": receipt.on,
    }
    after = mappa.merge(before, given)
    values = after | {"source": "record", "recorded_by": by}
    session.execute(insert(MappaInformation) if before is None else update(MappaInformation), [values])
    audit.append(
        session,
        [
            audit.Event(
                "receipt-recorded", by[:200], prison_number, {"before": dict(before) if before else {}, "after": after}
            )
        ],
    )
    info = Information(after["category"], after["level"], after["meeting_date"], after["not_eligible"])
    return tuple(NAMES.get(name, name) for name in missing_information(info))


def _checked(receipt: Receipt, today: date) -> tuple[str, str]:
    try:
        prison_number = parse_prison_number(receipt.prison_number)
        by = parse_name(receipt.by.strip())
    except ValueError as error:
        raise ReceiptError(f"{'--by' if 'prison' not in str(error) else 'PRISON_NUMBER'}: {error}") from None
    if not by or len(by) > 200:
        raise ReceiptError("--by must name who is recording it (up to 200 characters)")
    if receipt.on > today:
        raise ReceiptError(f"--on {receipt.on.isoformat()} is in the future (today is {today.isoformat()})")
    if receipt.category is None and receipt.level is None and receipt.meeting_date is None and not receipt.not_eligible:
        raise ReceiptError("nothing to record: give --category, --level, --meeting-date or --not-eligible")
    reason = mappa.contradiction(receipt.category, receipt.level, receipt.meeting_date, receipt.not_eligible)
    if reason:
        raise ReceiptError(reason)
    return prison_number, by
