"""What the delivery task hands over: plain frozen values, no database rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CaseItem:
    """One case's notice inside an e-mail."""

    notice_key: str  # e.g. "A1234BC/escalation-1"
    step: str  # request | reminder | escalation-N | final-warning | released-unconfirmed | resolved
    role: str  # "to" (for action) or "cc" (copy, for information)
    prison_number: str
    first_name: str | None
    last_name: str | None
    establishment_code: str
    establishment_name: str | None
    key_date: date | None  # the release date it came from
    key_date_source: str | None  # crd, ard, ped, prrd, ted, thd, hdcad
    planning_date: date | None  # earliest date the person could walk out
    missing: tuple[str, ...]  # "category", "level", "mapp_meeting_date"
    sent_before: tuple[tuple[str, date], ...]  # (step, night) already sent about this case
    next_step: str | None
    next_step_date: date | None
    substitutes: tuple[str, ...] = ()  # e.g. "no SPO known: sent to the PDU mailbox"
    allocate_com: bool = False  # a request to the PDU mailbox because no COM is allocated
    night: date | None = None  # the night the notice was queued


@dataclass(frozen=True)
class Delivery:
    """One notice to one address."""

    delivery_id: int
    address: str
    reply_to: str | None  # the establishment's OMU mailbox
    item: CaseItem


@dataclass(frozen=True)
class Envelope:
    """One e-mail to build."""

    recipient: str
    reply_to: str | None
    establishment_code: str
    deliveries: tuple[Delivery, ...]  # ordered most urgent first
