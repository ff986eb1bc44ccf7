"""The chase steps: their names, their two orders, and the outbox key that makes each one happen once.

This is the only module that spells a step's name. The ladder's rungs are policy
(`escalation-1` .. `escalation-n`), so a step is not a closed enum: `Step` is a
`str` (it is stored, compared and sent in JSON as its name) that only admits
the fixed steps and `escalation-N`, and knows its own place in each order.
"""

from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

_ESCALATION = re.compile(r"escalation-([1-9][0-9]*)")


class Step(str):
    """A chase step: request, reminder, escalation-N, final-warning, released-unconfirmed or resolved."""

    REQUEST: ClassVar[Step]
    REMINDER: ClassVar[Step]
    FINAL_WARNING: ClassVar[Step]
    RELEASED_UNCONFIRMED: ClassVar[Step]
    RESOLVED: ClassVar[Step]

    # Seniority decides superseding: in one night only the most senior step due goes.
    # An escalation-k ranks 1 + k, between the reminder and the final warning.
    _SENIORITY: ClassVar[dict[str, int]] = {
        "request": 0,
        "reminder": 1,
        "final-warning": 50,
        "released-unconfirmed": 90,
        "resolved": 90,
    }
    # Urgency sorts an e-mail's cases, lower first: a release already lost beats one
    # about to be, beats an escalation (a higher rung first), beats routine chasing.
    _URGENCY: ClassVar[dict[str, int]] = {
        "released-unconfirmed": 0,
        "final-warning": 1,
        "reminder": 98,
        "request": 99,
        "resolved": 200,
    }

    def __new__(cls, name: str) -> Step:
        if isinstance(name, Step):
            return name
        if name not in cls._SENIORITY and not _ESCALATION.fullmatch(str(name)):
            raise ValueError(f"unknown chase step {name!r}")
        return super().__new__(cls, name)

    @classmethod
    def escalation(cls, number: int) -> Step:
        if number < 1:
            raise ValueError(f"escalations are numbered from 1, not {number}")
        return cls(f"escalation-{number}")

    @classmethod
    def fixed(cls) -> tuple[Step, ...]:
        """The steps that are not ladder rungs, in seniority order."""
        return tuple(cls(name) for name in cls._SENIORITY)

    @property
    def escalation_number(self) -> int | None:
        match = _ESCALATION.fullmatch(self)
        return int(match.group(1)) if match else None

    @property
    def seniority(self) -> int:
        number = self.escalation_number
        return self._SENIORITY[self] if number is None else 1 + number

    @property
    def urgency(self) -> int:
        number = self.escalation_number
        return self._URGENCY[self] if number is None else 50 - min(number, 40)

    @property
    def is_chasing(self) -> bool:
        """A reminder, escalation or final warning: a step that pressed someone."""
        return self in (Step.REMINDER, Step.FINAL_WARNING) or self.escalation_number is not None

    @property
    def is_closing(self) -> bool:
        """Announces a closed case: it goes even after the chase has stopped."""
        return self in CLOSING_STEPS


Step.REQUEST = Step("request")
Step.REMINDER = Step("reminder")
Step.FINAL_WARNING = Step("final-warning")
Step.RELEASED_UNCONFIRMED = Step("released-unconfirmed")
Step.RESOLVED = Step("resolved")

REQUEST = Step.REQUEST
REMINDER = Step.REMINDER
FINAL_WARNING = Step.FINAL_WARNING
RELEASED_UNCONFIRMED = Step.RELEASED_UNCONFIRMED
RESOLVED = Step.RESOLVED

# Notices that announce a closed case: they go even after the chase has stopped.
CLOSING_STEPS = (RELEASED_UNCONFIRMED, RESOLVED)

# Steps whose addressees are told when the information finally arrives.
CHASING_STEPS = (REMINDER, FINAL_WARNING)


def step_rank(step: str) -> int:
    """Seniority: the higher, the more senior; escalation-k ranks 1 + k."""
    return Step(step).seniority


def is_chasing(step: str) -> bool:
    return Step(step).is_chasing


def notice_key(prison_number: str, step: str, *, night: date | None = None, cycle: int | None = None) -> str:
    """The outbox key: unique per thing that may be sent once.

    A request is keyed by its cycle (a new COM gets a new request), a final
    warning by its night (one goes every working day), anything else once per case.
    """
    if step == REQUEST:
        if cycle is None:
            raise ValueError("a request key needs its cycle")
        return f"{prison_number}/{step}/{cycle}"
    if step == FINAL_WARNING:
        if night is None:
            raise ValueError("a final-warning key needs its night")
        return f"{prison_number}/{step}/{night.isoformat()}"
    return f"{prison_number}/{Step(step)}"
