"""Replaying nights in memory for the pure rule tests, with what rules.trail says each night leaves behind.

The database path (chase/apply.py, chase/load.py) stores and reads back exactly those rows; the worked
examples run both ways (tests/rules/test_decide_examples.py, tests/chase/test_worked_examples_db.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from config.policy import Policy
from rules.calendar import WorkingCalendar
from rules.case import CaseFacts, History
from rules.decide import decide
from rules.night import Decision, Notice
from rules.trail import after as record  # noqa: F401 (the tests' name for it)


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
    """Run `decide` every night from `first` to `last`, feeding back what it left behind.

    `facts` may be a function of the night (information arriving, a new COM, a release date
    moving); nights in `skip` are missed runs.
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
