"""Until when a decision stands: the first later night on which the same case could be decided differently.

`decide` reads tonight's date only by comparing it with a handful of the case's own dates (the
release recorded, the tariff date still ahead, the plan's R, D, F, its steps and P) and, for the
next step, with the next working day. While none of those is reached, the same facts and history
give the same decision, field for field, on every night: a steady night need not decide again a case
whose inputs have not moved (chase/night.py), and tests/rules/test_stands.py holds this over random
cases night by night.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.case import CaseFacts, History
from rules.night import Decision

FOREVER = date.max  # nothing tonight's date is compared with lies ahead: only new inputs change it


def decide_again_on(decision: Decision, facts: CaseFacts, history: History, today: date) -> date:
    """The first night after `today` on which `decide` could give other than `decision` for the same inputs.

    Tomorrow whenever tonight did or changed something (a notice, a superseded step, a closing, the
    first night of tracking, a step already sent tonight), and for a closed case (its closing notice
    waits for a working night). Otherwise the earliest of the dates tonight's date is compared with.
    """
    tomorrow = today + timedelta(days=1)
    if (
        decision.notice is not None
        or decision.superseded
        or decision.closes
        or history.closed_state
        or history.tracked_since is None
        or history.sent_on(today)
    ):
        return tomorrow
    moments = [facts.released_on, facts.dates.ted, decision.next_step_date]
    plan = decision.plan
    if plan is not None:
        moments += [
            plan.request_date,
            plan.due_date,
            plan.final_warning_date,
            plan.planning_date + timedelta(days=1),  # "released" once tonight is past P
            *plan.step_dates.values(),
        ]
    return min((moment for moment in moments if moment is not None and moment > today), default=FOREVER)
