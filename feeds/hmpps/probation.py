"""The probation integration API (Manage POM Cases' shape): a case record, then its MAPPA registration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from feeds.hmpps.calls import NOT_FOUND, Caller, SourceError

SOURCE = "probation"


@dataclass(frozen=True)
class Answer:
    prison_number: str
    case_record: dict[str, Any] | None  # None: 404, not known to probation
    registration: dict[str, Any] | None = None  # None: no MAPPA registration (or not asked)


async def ask(caller: Caller, base_url: str, prison_number: str) -> Answer:
    base = base_url.rstrip("/")
    record = await caller.get(SOURCE, f"{base}/case-records/{prison_number}", allow_404=True)
    if record is NOT_FOUND:
        return Answer(prison_number, None)
    if not isinstance(record, dict):
        raise SourceError(f"{SOURCE} case-records: not a case record")
    crn = record.get("crn")
    if record.get("mappaLevel") is None or not isinstance(crn, str) or not crn:
        return Answer(prison_number, record)
    registration = await caller.get(SOURCE, f"{base}/case-records/{crn}/risks/mappa", allow_404=True)
    if registration is NOT_FOUND:
        return Answer(prison_number, record)
    if not isinstance(registration, dict):
        raise SourceError(f"{SOURCE} risks/mappa: not a MAPPA registration")
    return Answer(prison_number, record, registration)
