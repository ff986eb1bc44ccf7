"""Why a case notice was queued: the contract between the night that writes it and the delivery that reads it.

The nightly decision stores it with the notice (JSON in `notices.context`, chase/outcome.py); the
outbox reads it back at sending time (outbox/send.py) so the e-mail says what the rules saw that
night, and the trail reads the COM a request asked (rules/trail.py). Names are never in it: they
stay in the prisoners table and are read when the e-mail is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any


@dataclass(frozen=True)
class NoticeContext:
    key_date: date | None = None  # the release date the plan came from
    key_source: str | None = None  # which field it was: crd, ard, ped, ...
    planning_date: date | None = None
    missing: tuple[str, ...] = ()  # what the COM has still to send
    sent_before: tuple[tuple[str, date], ...] = ()  # (step, night) already sent about this case
    next_step: str | None = None
    next_step_date: date | None = None
    substitutes: tuple[str, ...] = ()  # who stood in for whom ("no SPO known: sent to the PDU mailbox")
    com: str | None = None  # the COM a request asked: a new COM starts a new request cycle
    allocate_com: bool = False  # a request to the PDU mailbox because no COM is allocated

    def to_json(self) -> dict[str, Any]:
        stored = asdict(self)
        for name in ("key_date", "planning_date", "next_step_date"):
            stored[name] = _iso(stored[name])
        stored["missing"], stored["substitutes"] = list(self.missing), list(self.substitutes)
        stored["sent_before"] = [[step, night.isoformat()] for step, night in self.sent_before]
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, Any] | None) -> NoticeContext:
        """Rows written before a field existed lack it: it takes its default. An unknown field is an error."""
        stored = dict(stored or {})
        unknown = set(stored) - _FIELDS
        if unknown:
            raise ValueError(f"notice context has unknown fields {sorted(unknown)}")
        return cls(
            key_date=_day(stored.get("key_date")),
            key_source=stored.get("key_source"),
            planning_date=_day(stored.get("planning_date")),
            missing=tuple(stored.get("missing") or ()),
            sent_before=tuple((step, _required_day(night)) for step, night in stored.get("sent_before") or ()),
            next_step=stored.get("next_step"),
            next_step_date=_day(stored.get("next_step_date")),
            substitutes=tuple(stored.get("substitutes") or ()),
            com=stored.get("com"),
            allocate_com=bool(stored.get("allocate_com")),
        )


_FIELDS = frozenset(f.name for f in fields(NoticeContext))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _required_day(value: object) -> date:
    day = _day(value)
    if day is None:
        raise ValueError("a step sent before has no night")
    return day
