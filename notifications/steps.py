"""The chase steps as the e-mails see them: how urgent, what to call them, which templates."""

from __future__ import annotations

import re

ESCALATION = re.compile(r"escalation-([1-9][0-9]*)")
# Escalations beyond this many share the last one's wording: the ladder is policy, not code.
LAST_WORDED_ESCALATION = 3

LABELS = {
    "request": "information request",
    "reminder": "reminder",
    "final-warning": "final warning",
    "released-unconfirmed": "released without MAPPA confirmation",
    "resolved": "information received",
}


def escalation_number(step: str) -> int | None:
    match = ESCALATION.fullmatch(step)
    return int(match.group(1)) if match else None


def check_step(step: str) -> str:
    if step not in LABELS and escalation_number(step) is None:
        raise ValueError(f"unknown chase step {step!r}")
    return step


def urgency(step: str) -> int:
    """Lower is more urgent: a release already lost beats one about to be, beats an escalation."""
    number = escalation_number(check_step(step))
    if number is not None:
        return 50 - min(number, 40)  # a higher rung is more urgent; all between final warning and reminder
    return {"released-unconfirmed": 0, "final-warning": 1, "reminder": 98, "request": 99, "resolved": 200}[step]


def label(step: str, *, allocate_com: bool = False) -> str:
    number = escalation_number(check_step(step))
    if number is not None:
        return f"escalation {number}"
    if step == "request" and allocate_com:
        return "please allocate a COM"
    return LABELS[step]


def template_folder(step: str, *, allocate_com: bool = False) -> str:
    number = escalation_number(check_step(step))
    if number is not None:
        return f"escalation-{min(number, LAST_WORDED_ESCALATION)}"
    if step == "request" and allocate_com:
        return "allocate-com"
    return step
