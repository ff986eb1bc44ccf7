"""The nightly decision for one case: its state, and at most one notice to queue."""

from __future__ import annotations

from datetime import date

from config.policy import Policy
from rules.calendar import WorkingCalendar
from rules.case import CaseFacts, Handled, History, People  # noqa: F401 (part of this module's API)
from rules.chase import chase_tonight
from rules.information import missing_information
from rules.night import Decision, Night, Notice  # noqa: F401
from rules.plan import Plan, make_plan
from rules.release import key_release_date
from rules.states import CLOSED_STATES, CLOSING_STEP, State  # noqa: F401 (part of this module's API)
from rules.steps import RESOLVED, notice_key, step_rank  # noqa: F401

NO_RELEASE_DATE = "no usable release date"


def decide(facts: CaseFacts, history: History, today: date, policy: Policy, calendar: WorkingCalendar) -> Decision:
    """Decide tonight for one case. The rules, in order:

    1. A closed case stays closed; its closing notice goes on the first working
       night after it closed (closure can happen on a non-working night).
    2. Information complete: closes "complete" ("not-eligible" for level 0) and
       tells everyone the chase pressed (`resolved`), if anyone.
    3. No key release date: "data-problem", reported, nothing sent; once the
       person is recorded as released it closes as "closed".
    4. First tracked only after P, with nothing ever handled: closes "closed".
    5. Released (recorded, or past P) without it: closes "released-unconfirmed".
    6. Otherwise the chase goes on (rules.chase.chase_tonight).
    Nothing is sent on a non-working night, and re-running a night with its
    rows in `history` queues and supersedes nothing new.
    """
    night = Night(
        facts,
        history,
        today,
        policy,
        calendar,
        history.tracked_since or today,
        calendar.is_working_day(today),
        missing_information(facts.information),
    )
    key = key_release_date(facts.dates, today)
    plan = None if key is None else make_plan(key, night.since, _last_request_night(history), today, policy, calendar)
    if history.closed_state:
        return _closing(night, history.closed_state, plan, closes=None)
    if not night.missing:  # complete information ends the chase even where no release date is known
        done = State.NOT_ELIGIBLE if facts.information.is_not_eligible else State.COMPLETE
        return _closing(night, done, plan, closes=done)
    if plan is None:
        if facts.released_on is not None and facts.released_on <= today:
            return _closing(night, State.CLOSED, None, closes=State.CLOSED, problems=(NO_RELEASE_DATE,))
        return night.decision(State.DATA_PROBLEM, None, problems=(NO_RELEASE_DATE,))
    if night.since > plan.planning_date and not history.handled:
        return _closing(night, State.CLOSED, plan, closes=State.CLOSED)
    if (facts.released_on is not None and facts.released_on <= today) or today > plan.planning_date:
        return _closing(night, State.RELEASED_UNCONFIRMED, plan, closes=State.RELEASED_UNCONFIRMED)
    return chase_tonight(night, plan)


def _last_request_night(history: History) -> date | None:
    last = history.last_request()
    return last.night if last else None


def _closing(
    night: Night, state: str, plan: Plan | None, closes: str | None, problems: tuple[str, ...] = ()
) -> Decision:
    """A closed case: its closing notice goes once, on a working night."""
    step = CLOSING_STEP[state]
    if step is None or night.history.has_step(step):
        return night.decision(state, plan, closes=closes, problems=problems)
    reached = night.history.reached() if step == RESOLVED else ()
    if step == RESOLVED and not reached:
        return night.decision(state, plan, closes=closes, problems=problems)  # nobody was pressed
    if not night.working:
        upcoming = (step, night.calendar.next_working_day(night.today))
        return night.decision(state, plan, closes=closes, problems=problems, next_step=upcoming)
    notice, trouble = night.notice(step, key=notice_key(night.facts.prison_number, step), to=reached)
    return night.decision(state, plan, notice, closes=closes, problems=(*problems, *trouble))
