"""An open case on one night: which chase step goes, which are skipped, what comes next."""

from __future__ import annotations

from datetime import date

from rules.case import Handled
from rules.night import Decision, Night
from rules.plan import Plan, make_plan
from rules.states import State
from rules.steps import FINAL_WARNING, RELEASED_UNCONFIRMED, REQUEST, notice_key, step_rank


def chase_tonight(night: Night, plan: Plan) -> Decision:
    """The chase for an open case (rule 6 of `decide`).

    A request is due when none has gone yet, or the COM has changed since the
    last one; it goes alone on its night, and from F on it is superseded by the
    final warning (which copies the COM). Otherwise, of the steps due and not
    yet handled, the most senior goes and the rest are recorded as superseded.
    """
    if not night.working or night.history.sent_on(night.today):
        return night.decision(_state(night, plan), plan, next_step=_next_step(night, plan, ()))
    superseded: list[Handled] = []
    if _request_due(night):
        if night.today < plan.final_warning_date:
            return _send_request(night, plan)
        if not _request_already_superseded(night):
            superseded.append(_skip(night, REQUEST))
    candidates = _due_steps(night, plan)
    if not candidates:
        return night.decision(
            _state(night, plan), plan, superseded=tuple(superseded), next_step=_next_step(night, plan, superseded)
        )
    top = max(candidates, key=step_rank)
    superseded += [_skip(night, step) for step in candidates if step != top]
    notice, problems = night.notice(top, key=_key(night, top))
    tonight = (*superseded, Handled(top, night.today, _key(night, top)))
    return night.decision(
        _state(night, plan),
        plan,
        notice,
        tuple(superseded),
        problems=problems,
        next_step=_next_step(night, plan, tonight),
    )


def _request_due(night: Night) -> bool:
    last, com = night.history.last_request(), night.facts.people.com
    return last is None or (com is not None and com != last.com)


def _request_already_superseded(night: Night) -> bool:
    # otherwise every final-warning night would record another skipped request
    requests = night.history.requests()
    return bool(requests) and requests[-1].superseded and requests[-1].com == night.facts.people.com


def _send_request(night: Night, plan: Plan) -> Decision:
    if night.today < plan.request_date:
        return night.decision(State.SCHEDULED, plan, next_step=(REQUEST, plan.request_date))
    notice, problems = night.notice(REQUEST, key=_key(night, REQUEST))
    if notice is None:
        return night.decision(State.SCHEDULED, plan, problems=problems, next_step=_next_step(night, plan, ()))
    # everything after the request is planned from tonight's request
    plan = make_plan(plan.key, night.since, night.today, night.today, night.policy, night.calendar)
    tonight = (Handled(REQUEST, night.today, notice.key),)
    return night.decision(State.REQUESTED, plan, notice, problems=problems, next_step=_next_step(night, plan, tonight))


def _due_steps(night: Night, plan: Plan) -> list[str]:
    """Steps due tonight and not yet handled: the chase after an earlier request, and the final warning."""
    today, history = night.today, night.history
    due = []
    if any(h.step == REQUEST and not h.superseded and h.night < today for h in history.handled):
        due = [s for s, when in plan.step_dates.items() if s != REQUEST and when <= today and not history.has_step(s)]
    if plan.final_warning_date <= today <= plan.planning_date and not history.has_key(_key(night, FINAL_WARNING)):
        due.append(FINAL_WARNING)
    return due


def _state(night: Night, plan: Plan) -> str:
    if night.today >= plan.final_warning_date:
        return State.FINAL_WARNING
    if night.history.last_request() is None:
        return State.SCHEDULED
    return State.REQUESTED if night.today < plan.due_date else State.OVERDUE


def _next_step(night: Night, plan: Plan, tonight: tuple[Handled, ...] | list[Handled]) -> tuple[str, date]:
    """The step a later night would queue: the earliest one due, the most senior on a tie."""
    cal, done = night.calendar, {h.step for h in (*night.history.handled, *tonight)}
    after = cal.add_working_days(night.today, 1)
    options: list[tuple[date, str]] = [(cal.add_working_days(plan.planning_date, 1), RELEASED_UNCONFIRMED)]
    if max(plan.final_warning_date, after) <= plan.planning_date:
        options.append((max(plan.final_warning_date, after), FINAL_WARNING))
    sent_tonight = any(h.step == REQUEST and not h.superseded for h in tonight)
    request_next = _request_due(night) and not sent_tonight
    if request_next and max(plan.request_date, after) < plan.final_warning_date:
        options.append((max(plan.request_date, after), REQUEST))
    elif night.history.last_request() or sent_tonight:
        options += [(max(when, after), s) for s, when in plan.step_dates.items() if s not in done]
    when, step = min(options, key=lambda o: (o[0], -step_rank(o[1])))
    return step, when


def _skip(night: Night, step: str) -> Handled:
    return Handled(
        step, night.today, _key(night, step), superseded=True, com=night.facts.people.com if step == REQUEST else None
    )


def _key(night: Night, step: str) -> str:
    cycle = len(night.history.requests()) + 1 if step == REQUEST else None
    return notice_key(night.facts.prison_number, step, night=night.today, cycle=cycle)
