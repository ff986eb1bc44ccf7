"""Step names, their seniority, and the outbox key that makes each one happen once."""

from __future__ import annotations

from datetime import date

REQUEST = "request"
REMINDER = "reminder"
FINAL_WARNING = "final-warning"
RELEASED_UNCONFIRMED = "released-unconfirmed"
RESOLVED = "resolved"
ESCALATION = "escalation-"

STEP_RANK: dict[str, int] = {
    REQUEST: 0,
    REMINDER: 1,
    "escalation-1": 2,
    "escalation-2": 3,
    "escalation-3": 4,
    FINAL_WARNING: 50,
    RELEASED_UNCONFIRMED: 90,
    RESOLVED: 90,
}

# The notice that announces each closed state; "closed" (nothing was chased) has none.
CLOSING_STEP: dict[str, str | None] = {
    "complete": RESOLVED,
    "not-eligible": RESOLVED,
    "released-unconfirmed": RELEASED_UNCONFIRMED,
    "closed": None,
}

# Notices that announce a closed case: they go even after the chase has stopped.
CLOSING_STEPS = (RELEASED_UNCONFIRMED, RESOLVED)

# Steps whose addressees are told when the information finally arrives.
CHASING_STEPS = (REMINDER, FINAL_WARNING)


def step_rank(step: str) -> int:
    """Seniority: the higher, the more senior; escalation-k ranks 1 + k."""
    if step in STEP_RANK:
        return STEP_RANK[step]
    if step.startswith(ESCALATION) and step[len(ESCALATION) :].isdigit():
        return 1 + int(step[len(ESCALATION) :])
    raise ValueError(f"unknown step {step!r}")


def is_chasing(step: str) -> bool:
    """A reminder, escalation or final warning: a step that pressed someone."""
    return step in CHASING_STEPS or step.startswith(ESCALATION)


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
    return f"{prison_number}/{step}"
