"""A case on one night, and what is decided for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from config.policy import Policy
from rules.addresses import address
from rules.calendar import WorkingCalendar
from rules.case import CaseFacts, Handled, History
from rules.plan import Plan
from rules.steps import step_rank


@dataclass(frozen=True)
class Notice:
    """A notice to queue tonight."""

    step: str
    key: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    substitutes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    state: str
    plan: Plan | None
    notice: Notice | None  # at most one per case per night
    superseded: tuple[Handled, ...]  # skipped tonight: recorded, never sent
    closes: str | None  # a closed state entered tonight
    missing: tuple[str, ...]
    problems: tuple[str, ...]
    last_step: str | None
    next_step: str | None
    next_step_date: date | None
    tracked_since: date


@dataclass(frozen=True)
class Night:
    """One case on one night: everything a rule may look at."""

    facts: CaseFacts
    history: History
    today: date
    policy: Policy
    calendar: WorkingCalendar
    since: date
    working: bool
    missing: tuple[str, ...]

    def notice(self, step: str, *, key: str, to: tuple[str, ...] = ()) -> tuple[Notice | None, tuple[str, ...]]:
        """The notice for `step` with addresses resolved, and any problems doing so."""
        found = address(*self.policy.recipients(step), self.facts.people, to)
        if not found.to:
            return None, (*found.problems, f"{step}: nobody to send it to")
        return Notice(step, key, found.to, found.cc, found.substitutes), found.problems

    def decision(
        self,
        state: str,
        plan: Plan | None,
        notice: Notice | None = None,
        superseded: tuple[Handled, ...] = (),
        closes: str | None = None,
        problems: tuple[str, ...] = (),
        next_step: tuple[str | None, date | None] = (None, None),
    ) -> Decision:
        sent = [(h.night, step_rank(h.step), h.step) for h in self.history.handled if not h.superseded]
        if notice:
            sent.append((self.today, step_rank(notice.step), notice.step))
        return Decision(
            state=state,
            plan=plan,
            notice=notice,
            superseded=superseded,
            closes=closes,
            missing=self.missing,
            problems=tuple(dict.fromkeys(problems)),
            last_step=max(sent)[2] if sent else None,
            next_step=next_step[0],
            next_step_date=next_step[1],
            tracked_since=self.since,
        )
