"""The chase steps as the e-mails see them: what to call them, which templates, how urgent."""

from __future__ import annotations

from rules.steps import Step

# Escalations beyond this many share the last one's wording: the ladder is policy, not code.
LAST_WORDED_ESCALATION = 3
ALLOCATE_COM = "allocate-com"  # the request's template when no COM is allocated: not a step

LABELS = {
    Step.REQUEST: "information request",
    Step.REMINDER: str(Step.REMINDER),  # its own name reads well
    Step.FINAL_WARNING: "final warning",
    Step.RELEASED_UNCONFIRMED: "released without MAPPA confirmation",
    Step.RESOLVED: "information received",
}


def check_step(step: str) -> Step:
    return Step(step)


def escalation_number(step: str) -> int | None:
    return Step(step).escalation_number


def urgency(step: str) -> int:
    """Lower is more urgent (see `Step.urgency`)."""
    return Step(step).urgency


def label(step: str, *, allocate_com: bool = False) -> str:
    number = Step(step).escalation_number
    if number is not None:
        return f"escalation {number}"
    if step == Step.REQUEST and allocate_com:
        return "please allocate a COM"
    return LABELS[Step(step)]


def template_folder(step: str, *, allocate_com: bool = False) -> str:
    number = Step(step).escalation_number
    if number is not None:
        return Step.escalation(min(number, LAST_WORDED_ESCALATION))
    if step == Step.REQUEST and allocate_com:
        return ALLOCATE_COM
    return step
