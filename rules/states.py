"""A case's state, as the nightly check leaves it, and the step that announces each closed state."""

from __future__ import annotations

from enum import StrEnum

from rules.steps import Step


class State(StrEnum):
    SCHEDULED = "scheduled"  # tracked, its request not due yet
    REQUESTED = "requested"  # asked, not due yet
    OVERDUE = "overdue"  # past its due date D
    FINAL_WARNING = Step.FINAL_WARNING  # from F to release: the state bears its step's name
    DATA_PROBLEM = "data-problem"  # cannot be chased until a feed is corrected
    COMPLETE = "complete"
    NOT_ELIGIBLE = "not-eligible"
    RELEASED_UNCONFIRMED = Step.RELEASED_UNCONFIRMED
    CLOSED = "closed"  # nothing was ever chased (tracked only after release, or unplannable and released)


CLOSED_STATES = (State.COMPLETE, State.NOT_ELIGIBLE, State.RELEASED_UNCONFIRMED, State.CLOSED)

# The notice that announces each closed state; CLOSED has none.
CLOSING_STEP: dict[str, Step | None] = {
    State.COMPLETE: Step.RESOLVED,
    State.NOT_ELIGIBLE: Step.RESOLVED,
    State.RELEASED_UNCONFIRMED: Step.RELEASED_UNCONFIRMED,
    State.CLOSED: None,
}
