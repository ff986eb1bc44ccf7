"""Replaying nights: what the nightly flow records after a decision, night after night.

Used by simulations and tests; the flow writes the same rows to the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from config.policy import Policy
from rules.calendar import WorkingCalendar
from rules.case import CaseFacts, Handled, History
from rules.decide import decide
from rules.night import Decision, Notice
from rules.steps import REQUEST


def handled_for(notice: Notice, night: date, facts: CaseFacts) -> Handled:
    """The outbox row for a queued notice."""
    com = facts.people.com if notice.step == REQUEST else None
    return Handled(notice.step, night, notice.key, to=notice.to, com=com)


def record(history: History, decision: Decision, facts: CaseFacts, night: date) -> History:
    """`history` as it stands after `decision` has been acted on tonight."""
    rows = decision.superseded
    if decision.notice is not None:
        rows = (*rows, handled_for(decision.notice, night, facts))
    closed = history.closed_state or decision.closes
    return replace(
        history,
        tracked_since=decision.tracked_since,
        handled=(*history.handled, *rows),
        closed_state=closed,
        closed_on=history.closed_on or (night if decision.closes else None),
    )


@dataclass(frozen=True)
class Replay:
    nights: tuple[tuple[date, Decision], ...]
    history: History

    def notices(self, step: str | None = None) -> list[tuple[date, Notice]]:
        return [(n, d.notice) for n, d in self.nights if d.notice and (step is None or d.notice.step == step)]


def replay(
    facts: CaseFacts | Callable[[date], CaseFacts],
    first: date,
    last: date,
    policy: Policy,
    calendar: WorkingCalendar,
    history: History | None = None,
    skip: Iterable[date] = (),
) -> Replay:
    """Run `decide` every night from `first` to `last`, feeding back what it queued.

    `facts` may be a function of the night (information arriving, a new COM, a
    release date moving); nights in `skip` are missed runs.
    """
    history, skipped, nights = history or History(), set(skip), []
    night = first
    while night <= last:
        if night not in skipped:
            today_facts = facts(night) if callable(facts) else facts
            decision = decide(today_facts, history, night, policy, calendar)
            nights.append((night, decision))
            history = record(history, decision, today_facts, night)
        night += timedelta(days=1)
    return Replay(tuple(nights), history)
