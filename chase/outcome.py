"""What one case's decision means for the stored row and for the notice's context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chase.load import Snapshot
from rules.decide import Decision
from rules.notice_context import NoticeContext
from rules.problems import Found
from rules.steps import Step


@dataclass(frozen=True)
class Outcome:
    snapshot: Snapshot
    decision: Decision
    night: date
    problems: tuple[Found, ...] = ()  # tonight's data problems, as codes (rules.problems)
    decided_inputs: str | None = None  # digest of what it read, with the night's context (chase.night); None: not kept
    decide_again_on: date | None = None  # until when the decision stands (rules.stands)

    @property
    def prison_number(self) -> str:
        return self.snapshot.facts.prison_number


def plan_fields(plan) -> dict:
    """The dates a plan sets, all None when the case cannot be planned."""
    return {
        "key_date": plan.key.date if plan else None,
        "key_source": plan.key.source if plan else None,
        "planning_date": plan.planning_date if plan else None,
        "request_date": plan.request_date if plan else None,
        "due_date": plan.due_date if plan else None,
        "final_warning_date": plan.final_warning_date if plan else None,
    }


def case_fields(outcome: Outcome) -> dict:
    """The `cases` row a decision leaves behind (compared with the stored one to write only changes)."""
    decision, plan = outcome.decision, outcome.decision.plan
    closed_state = decision.closes or outcome.snapshot.history.closed_state
    closed_on = outcome.night if decision.closes else outcome.snapshot.history.closed_on
    return {
        "establishment_code": outcome.snapshot.facts.establishment_code,
        "tracked_since": decision.tracked_since,
        "state": decision.state,
        **plan_fields(plan),
        "last_step": decision.last_step,
        "next_step": decision.next_step,
        "next_step_date": decision.next_step_date,
        "missing": list(decision.missing),
        "problems": problem_rows(outcome),
        "closed_state": closed_state,
        "closed_on": closed_on,
        **remembered(outcome),
    }


def remembered(outcome: Outcome) -> dict:
    """What a later night needs to know the decision still stands (nothing when it is not to be kept)."""
    if outcome.decided_inputs is None:
        return {}
    return {
        "decided_inputs": outcome.decided_inputs,
        "decided_on": outcome.night,
        "decide_again_on": outcome.decide_again_on,
    }


def problem_rows(outcome: Outcome) -> list[dict]:
    """[{code, detail, since}]: `since` is the night a problem was first seen, kept while it lasts."""
    stored = (outcome.snapshot.stored or {}).get("problems") or []
    first_seen = {(p.get("code"), p.get("detail")): p.get("since") for p in stored if isinstance(p, dict)}
    return [
        {"code": p.code, "detail": p.detail, "since": first_seen.get((p.code, p.detail)) or outcome.night.isoformat()}
        for p in outcome.problems
    ]


def notice_context(outcome: Outcome) -> NoticeContext:
    """A snapshot of why the notice was queued, kept with it so the e-mail says what the rules saw."""
    decision, plan, notice = outcome.decision, outcome.decision.plan, outcome.decision.notice
    request = notice is not None and notice.step == Step.REQUEST
    com = outcome.snapshot.facts.people.com
    return NoticeContext(
        key_date=plan.key.date if plan else None,
        key_source=plan.key.source if plan else None,
        planning_date=plan.planning_date if plan else None,
        missing=tuple(decision.missing),
        sent_before=tuple((h.step, h.night) for h in outcome.snapshot.history.handled if not h.superseded),
        next_step=decision.next_step,
        next_step_date=decision.next_step_date,
        substitutes=tuple(notice.substitutes) if notice else (),
        com=com if request else None,
        allocate_com=request and not com,
    )
