"""What `decide` is told about a case: its facts tonight and what has been done so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from rules.information import Information
from rules.release import ReleaseDates
from rules.steps import REQUEST, is_chasing


@dataclass(frozen=True)
class People:
    """E-mail addresses for each role; None when unknown."""

    com: str | None = None
    spo: str | None = None
    pdu_mailbox: str | None = None
    head_of_pdu: str | None = None
    mappa_coordinator: str | None = None
    omu_mailbox: str | None = None
    head_of_omu: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    prison_number: str
    establishment_code: str | None
    dates: ReleaseDates
    released_on: date | None
    information: Information
    people: People


@dataclass(frozen=True)
class Handled:
    """A step already dealt with (an outbox row): queued/sent, or recorded as superseded."""

    step: str
    night: date
    key: str
    superseded: bool = False
    to: tuple[str, ...] = ()  # addresses it went to
    com: str | None = None  # request only: the COM it asked (None: the PDU mailbox)


@dataclass(frozen=True)
class History:
    tracked_since: date | None = None  # None: tonight is the first night
    handled: tuple[Handled, ...] = ()
    closed_state: str | None = None
    closed_on: date | None = None

    def has_step(self, step: str) -> bool:
        return any(h.step == step for h in self.handled)

    def has_key(self, key: str) -> bool:
        return any(h.key == key for h in self.handled)

    def sent_on(self, night: date) -> bool:
        return any(h.night == night and not h.superseded for h in self.handled)

    @cached_property
    def _requests(self) -> tuple[Handled, ...]:
        return tuple(sorted((h for h in self.handled if h.step == REQUEST), key=lambda h: h.night))

    def requests(self) -> list[Handled]:
        """Request rows, sent or superseded, oldest first (asked for many times a night: computed once)."""
        return list(self._requests)

    def last_request(self) -> Handled | None:
        """The request of the current cycle: the latest one actually sent."""
        sent = [h for h in self.requests() if not h.superseded]
        return sent[-1] if sent else None

    def reached(self) -> tuple[str, ...]:
        """Everyone a reminder, escalation or final warning was addressed to."""
        seen: dict[str, None] = {}
        for h in self.handled:
            if not h.superseded and is_chasing(h.step):
                seen.update(dict.fromkeys(h.to))
        return tuple(seen)
