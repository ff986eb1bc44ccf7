"""Merging what a COM has confirmed (allocations feed or `mappa record`) into one record.

Blank is unknown, so what is not given is kept. Two confirmations replace rather
than add: a level 0 says the person is not MAPPA-eligible, so an earlier category
or meeting date no longer applies; a category, a level 1-3 or a meeting date says
they are eligible, so an earlier "not eligible" no longer holds. The audit trail
keeps what was there before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELDS = ("prison_number", "category", "level", "meeting_date", "not_eligible", "confirmed_on")
INFORMATION = ("category", "level", "meeting_date")


def merge(current: Mapping[str, Any] | None, given: Mapping[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = dict.fromkeys(FIELDS) | {"not_eligible": False}
    if current is not None:
        merged.update({field: current[field] for field in FIELDS})
    known = {field: value for field, value in given.items() if value is not None}
    merged.update(known)
    if known.get("level") == 0 or known.get("not_eligible"):
        merged.update(level=0, not_eligible=True, category=None, meeting_date=None)
    elif merged["not_eligible"] and known.keys() & set(INFORMATION):
        merged.update(not_eligible=False, level=None if merged["level"] == 0 else merged["level"])
    return merged


def from_allocation(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The allocations row's MAPPA columns, or None when it carries no information."""
    given = {
        "prison_number": row["prison_number"],
        "category": row["mappa_category"],
        "level": row["mappa_level"],
        "meeting_date": row["mapp_meeting_date"],
        "confirmed_on": row["confirmed_on"],
    }
    if all(given[field] is None for field in INFORMATION):
        return None
    return given


def contradiction(category: int | None, level: int | None, meeting_date: Any, not_eligible: bool = False) -> str | None:
    """Why one confirmation cannot be true as a whole, or None."""
    if (not_eligible or level == 0) and (category is not None or meeting_date is not None):
        return "not MAPPA-eligible (level 0) cannot come with a category or a MAPP meeting date"
    if not_eligible and level not in (None, 0):
        return f"not MAPPA-eligible cannot come with level {level}"
    return None
